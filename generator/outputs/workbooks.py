"""The .xlsx download of a dataset, for the people who open open data in Excel.

A CSV opened in Excel loses what Excel guesses wrong: a 15-digit 工商注册号 or 许可编号 shows as
6.40302E+14 and loses its last digits once saved.  The workbook says what every cell is: codes and
text as text, dates as dates, amounts as numbers.  Its first row is a note — the dataset, the
publisher, the as-of date, the licence (``site.licence``) and where the data come from — its
second the header, as in the CSV, frozen and filtered; a second sheet (说明) describes each column.
The CSV stays machine-pure (no note row), for programs.

Text that begins with "=" is written as text, never as a formula (CWE-1236).  The workbook is a
pure function of the site model: its properties and every zip entry carry the as-of date, not the
clock, so two builds give the same bytes.
"""

from __future__ import annotations

import io
import itertools
import os
import shutil
import tempfile
import zipfile
from datetime import date, datetime
from decimal import Decimal

from ..dates import format_cn
from ..diagnostics import excel_column
from ..excel.values import CODE, DATE, PROSE, column_kind
from ..site import DatasetView, Site
from . import manifest, routes
from .exports import EXTRA_COLUMNS, record_url
from .reuse import MARK  # the as-of date's place in a sheet kept for the cache (reuse_sheets.py)
from .sheet_rows import Unsupported, rows_xml
from .text import public_values

MEDIATYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOTE_ROW, HEADER_ROW = 1, 2      # the data start on row 3
HELP_SHEET = "说明"
DATA_SHEET, STYLES = "xl/worksheets/sheet1.xml", "xl/styles.xml"  # the records' sheet (created first), the styles
CELL_MAX = 32767                 # Excel's limit of characters in a cell: longer text is cut, and says so
_CUT = "…（全文见记录页面或 CSV 下载）"
_FORMATS = {DATE: "yyyy-mm-dd", CODE: "@"}  # of the columns, for what a reader types in later


def export_xlsx(site: Site, view: DatasetView, sheets=None):
    """The dataset's listed records as a workbook, in one chunk (a zip is written whole).
    ``sheets``: the records' sheets of earlier builds (``reuse.SheetReuse``), or None."""
    from openpyxl import Workbook  # here, not at import: the rest of the build has no use for openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    from ..excel.workbook import sheet_title  # the editors' workbooks name their sheet the same way

    entry = sheets.open(site, view) if sheets is not None else None  # None: written as without a cache
    cfg = site.config
    midnight = datetime.combine(site.as_of, datetime.min.time())
    wb = Workbook(write_only=True)
    wb.properties.title = view.config.title
    wb.properties.creator = wb.properties.lastModifiedBy = cfg.publisher
    wb.properties.identifier = routes.absolute(site, routes.export(view, "xlsx"))
    wb.properties.created = wb.properties.modified = midnight
    wb.properties.language = "zh-CN"
    ws = wb.create_sheet(sheet_title(view.config.title))
    kinds = [CODE, CODE, *(column_kind(f) for f in view.fields), DATE]
    names = [EXTRA_COLUMNS[0], EXTRA_COLUMNS[1], *view.field_names, EXTRA_COLUMNS[2]]
    last = excel_column(len(names))
    for n, (name, kind) in enumerate(zip(names, kinds), 1):
        dim = ws.column_dimensions[excel_column(n)]
        dim.width = 12 if kind == DATE else 40 if kind == PROSE or n == 2 else min(max(len(name) * 2 + 2, 14), 30)
        if kind in _FORMATS:
            dim.number_format = _FORMATS[kind]
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(len(view.listed), 1)}"
    ws.merged_cells.ranges.add(f"A{NOTE_ROW}:{last}{NOTE_ROW}")  # the note reads across the sheet
    note = WriteOnlyCell(ws, note_text(site, view, MARK if entry else None))
    note.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[NOTE_ROW].height = 48
    ws.append([note])
    header = []
    for name in names:
        cell = WriteOnlyCell(ws, name)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    rows = None  # the records' rows as XML, in a file (sheet_rows.py), or None: appended to openpyxl's
    if entry is None or entry.stored is None:  # stored: the sheet is written from it
        # the date cells' style, registered where openpyxl registers it: at the first date cell,
        # which comes right after the header (the records' other cells have no style)
        has_date = any(any(v.__class__ is date for v in values) for values in _cells(site, view))
        date_style = WriteOnlyCell(ws, value=site.as_of).style_id if has_date else None
        rows = _rows_file(site, view, len(names), date_style)
        if rows is None:  # a value sheet_rows.py does not write: openpyxl writes every row
            for values in _cells(site, view):
                for i, v in enumerate(values):
                    if v.__class__ is str and v[:1] == "=":  # text, not a formula (CWE-1236)
                        values[i] = WriteOnlyCell(ws, v)
                        values[i].data_type = "s"
                ws.append(values)
    _help_sheet(wb.create_sheet(HELP_SHEET), site, view, names)
    buf = io.BytesIO()
    try:
        _save(wb, buf, site.as_of, entry, rows)
    finally:
        if rows is not None:
            os.unlink(rows)
    if entry is not None:
        entry.done()
    yield buf.getvalue()


def _cells(site: Site, view: DatasetView):
    """Each listed record's cells, left to right: its id, its page, its public values, 公示截止期."""
    for record in view.listed:
        values = [record.id, record_url(site, view, record)]
        values += [_value(v) for v in public_values(view, record)]
        values.append(record.life.last_day or "长期")
        yield values


def _rows_file(site: Site, view: DatasetView, columns: int, date_style: int | None) -> str | None:
    """The records' rows written as XML into a temporary file (its name), or None when a value is
    one that ``sheet_rows`` leaves to openpyxl.  A text beginning with "=" is an inline string
    there too: text, never a formula (CWE-1236)."""
    letters = [excel_column(n) for n in range(1, columns + 1)]
    fd, name = tempfile.mkstemp(suffix=".xml", prefix="gongshi-rows-")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in rows_xml(_cells(site, view), HEADER_ROW + 1, letters, date_style):
                out.write(chunk)
        return name
    except Unsupported:
        os.unlink(name)
        return None
    except BaseException:
        os.unlink(name)
        raise


def note_text(site: Site, view: DatasetView, day: str | None = None) -> str:
    """The first row: what the data are, as of when, under which licence, from where.  ``day``:
    what stands for the as-of date (the mark of a sheet for the cache), if not the date."""
    cfg = site.config
    licence = f"数据许可：{cfg.licence.title}（{cfg.licence.path}）。" if cfg.licence else ""
    return (f"{view.config.title}：{cfg.publisher}公示中的 {len(view.listed)} 条记录，数据截至 "
            f"{day or format_cn(site.as_of)}（公示期满、已撤下的记录不在其中）。{licence}"
            f"来源：{cfg.title} {routes.absolute(site, routes.dataset(view))}。各列说明见“{HELP_SHEET}”工作表。")


def _value(value):
    """A public value as a cell holds it: text, a date or a number."""
    if value.__class__ is str:
        return value if len(value) <= CELL_MAX else value[:CELL_MAX - len(_CUT)] + _CUT
    if isinstance(value, tuple):
        return _value("、".join(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value  # None, a date, a Decimal


def _help_sheet(ws, site: Site, view: DatasetView, names: list[str]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 10
    ws.column_dimensions["D"].width = 80
    ws.append([note_text(site, view)])
    ws.append([])
    header = []
    for text in ("列", "列名", "类型", "说明"):
        cell = WriteOnlyCell(ws, text)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    described = {f.name: (f.type, f.description) for f in view.fields}
    described[EXTRA_COLUMNS[0]] = ("string", "记录标识，长期不变（订阅源、JSON 与 CSV 下载用同一标识）")
    described[EXTRA_COLUMNS[1]] = ("string", "记录页面网址")
    described[EXTRA_COLUMNS[2]] = ("date", "公示截止期：此日之后不再公示；“长期”为长期公示")
    types = {"string": "文本", "date": "日期", "number": "数字", "integer": "整数"}
    for n, name in enumerate(names, 1):
        kind, description = described[name]
        ws.append([excel_column(n), name, types.get(kind, kind), description])


class _FixedZip(zipfile.ZipFile):
    """A zip whose entries carry one date (the as-of date) instead of the clock's or a temporary
    file's.  With ``entry`` (a ``reuse.SheetEntry``): the records' sheet and the stylesheet are
    taken from it when it holds them, else kept in it; the sheet's note has the as-of date's
    place marked, and gets the date as it is written."""

    def __init__(self, file, day: date, entry=None, rows: str | None = None):
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self._date_time = (day.year, day.month, day.day, 0, 0, 0)
        self._day = _as_written(format_cn(day))
        self._entry = entry
        self._rows = rows

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, self._date_time)
        info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_DEFLATED, 3, 0o644 << 16
        return info

    def writestr(self, name, data, *args, **kwargs):
        if self._entry is not None and name == STYLES:
            data = self._entry.styles(data.encode() if isinstance(data, str) else data)
        super().writestr(self._info(name) if isinstance(name, str) else name, data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs):
        """A member from a file (openpyxl's worksheets): the same bytes as ``writestr`` (zipfile
        decides ZIP64 by the size, which is set first, and deflate's output does not depend on how
        its input is cut), without the file's mtime, and streamed: the sheet of 100,000 rows is
        some 100 MB of XML, which read whole made this worker the build's largest process."""
        info = self._info(arcname or filename)
        if info.filename != DATA_SHEET:
            info.file_size = os.path.getsize(filename)
            with open(filename, "rb") as src, self.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            return
        size, chunks = _sheet(filename, self._rows)
        if self._entry is not None:
            size, chunks = self._entry.sheet(size, chunks)
            head, rest = _first_row(chunks)
            if head.count(_MARKED) != 1:  # openpyxl wrote the note otherwise: a bug here, not an input
                raise RuntimeError(f"{DATA_SHEET}: the note's marked date not found once in row 1")
            size += len(self._day) - len(_MARKED)
            chunks = itertools.chain((head.replace(_MARKED, self._day),), rest)  # the note, row 1: nothing else is marked
        info.file_size = size
        with self.open(info, "w") as dst:
            for chunk in chunks:
                dst.write(chunk)


def _sheet(filename: str, rows: str | None):
    """(size, chunks) of the records' sheet: openpyxl's file, with the ``rows`` file (the records'
    rows as XML, ``sheet_rows.py``) before the end of its sheet data when given — streamed, never
    read whole."""
    if rows is None:
        return os.path.getsize(filename), _chunks(filename)
    with open(filename, "rb") as f:
        xml = f.read()  # the note and the header rows: a few KB
    at = xml.find(b"</sheetData>")
    if at < 0:  # openpyxl wrote the sheet otherwise: a bug here, not an input
        raise RuntimeError(f"{DATA_SHEET}: </sheetData> not found")
    return len(xml) + os.path.getsize(rows), itertools.chain((xml[:at],), _chunks(rows), (xml[at:],))


def _chunks(filename: str):
    with open(filename, "rb") as f:
        while chunk := f.read(1 << 20):
            yield chunk


def _as_written(text: str) -> bytes:
    """``text`` as openpyxl writes it in a sheet's XML (ASCII; other characters as references)."""
    return text.encode("ascii", "xmlcharrefreplace")


_MARKED = _as_written(MARK)


def _first_row(chunks):
    """(the XML up to the end of the first row, an iterator over the rest)."""
    chunks = iter(chunks)
    head = b""
    for chunk in chunks:
        head += chunk
        end = head.find(b"</row>")
        if end >= 0:
            end += len(b"</row>")
            return head[:end], itertools.chain((head[end:],), chunks)
    return head, iter(())


def _save(wb, file, day: date, entry=None, rows: str | None = None) -> None:
    """openpyxl's ``save_workbook`` without its two clocks: it sets the modified time to now, and
    its zip entries take the time of day they are written.  ``rows``: a file of the records'
    rows as XML (``sheet_rows.py``), put into the records' sheet."""
    from openpyxl.writer.excel import ExcelWriter

    ExcelWriter(wb, _FixedZip(file, day, entry, rows)).save()


def xlsx_resource(site: Site, view: DatasetView, file) -> dict:
    """The workbook in datapackage.json: the CSV's columns, read from the first sheet below the
    note (header on row 2); 公示截止期 is a date or 长期 there."""
    res = manifest.csv_resource(site, view, file)
    res.pop("encoding")
    fields = [dict(f, type="any") if f["name"] == EXTRA_COLUMNS[2] else f for f in res["schema"]["fields"]]
    res.update(name=f"{view.config.path}-xlsx", format="xlsx", mediatype=MEDIATYPE,
               title=f"{view.config.title}（Excel 工作簿）", dialect={"headerRows": [HEADER_ROW]},
               schema=dict(res["schema"], fields=fields))
    return res
