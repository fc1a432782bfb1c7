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
import os
import shutil
import zipfile
from datetime import date, datetime
from decimal import Decimal

from ..dates import format_cn
from ..diagnostics import excel_column
from ..excel.values import CODE, DATE, PROSE, column_kind
from ..site import DatasetView, Site
from . import manifest, routes
from .exports import EXTRA_COLUMNS, record_url
from .reuse_sheets import row_parts
from .text import public_values
from .zip_parts import Part, deflated, joined

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
    note = WriteOnlyCell(ws, note_text(site, view))
    note.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[NOTE_ROW].height = 48
    ws.append([note])
    header = []
    for name in names:
        cell = WriteOnlyCell(ws, name)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    # the date cells' style, registered where openpyxl registers it: at the first date cell,
    # which comes right after the header (the records' other cells have no style)
    has_date = any(any(v.__class__ is date for v in values) for values in _cells(site, view, view.listed))
    date_style = WriteOnlyCell(ws, value=site.as_of).style_id if has_date else None
    letters = [excel_column(n) for n in range(1, len(names) + 1)]
    # the records' rows, deflated in slots (reuse_sheets.py: kept by the cache), or None: a value
    # that sheet_rows.py leaves to openpyxl, which then writes every row.  A text beginning with
    # "=" is an inline string in either: text, never a formula (CWE-1236)
    rows = row_parts(site, view, lambda records: _cells(site, view, records), HEADER_ROW + 1, letters, date_style,
                     sheets)
    if rows is None:
        for values in _cells(site, view, view.listed):
            for i, v in enumerate(values):
                if v.__class__ is str and v[:1] == "=":
                    values[i] = WriteOnlyCell(ws, v)
                    values[i].data_type = "s"
            ws.append(values)
    _help_sheet(wb.create_sheet(HELP_SHEET), site, view, names)
    buf = io.BytesIO()
    _save(wb, buf, site.as_of, rows)
    yield buf.getvalue()


def _cells(site: Site, view: DatasetView, records):
    """Each of ``records``' cells, left to right: its id, its page, its public values, 公示截止期."""
    for record in records:
        values = [record.id, record_url(site, view, record)]
        values += [_value(v) for v in public_values(view, record)]
        values.append(record.life.last_day or "长期")
        yield values


def note_text(site: Site, view: DatasetView) -> str:
    """The first row: what the data are, as of when, under which licence, from where."""
    cfg = site.config
    licence = f"数据许可：{cfg.licence.title}（{cfg.licence.path}）。" if cfg.licence else ""
    return (f"{view.config.title}：{cfg.publisher}公示中的 {len(view.listed)} 条记录，数据截至 "
            f"{format_cn(site.as_of)}（公示期满、已撤下的记录不在其中）。{licence}"
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
    file's.  With ``rows`` (the records' rows, deflated in parts: ``reuse_sheets.row_parts``),
    the records' sheet is openpyxl's with those rows put before the end of its sheet data."""

    def __init__(self, file, day: date, rows: list[Part] | None = None):
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self._date_time = (day.year, day.month, day.day, 0, 0, 0)
        self._rows = rows

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, self._date_time)
        info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_DEFLATED, 3, 0o644 << 16
        return info

    def writestr(self, name, data, *args, **kwargs):
        super().writestr(self._info(name) if isinstance(name, str) else name, data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs):
        """A member from a file (openpyxl's worksheets): the same bytes as ``writestr`` (zipfile
        decides ZIP64 by the size, which is set first, and deflate's output does not depend on how
        its input is cut), without the file's mtime, and streamed: a sheet of 100,000 rows
        written by openpyxl is some 200 MB of XML, which read whole made this worker the build's
        largest process."""
        info = self._info(arcname or filename)
        if info.filename == DATA_SHEET and self._rows is not None:
            return self._write_parts(info, _sheet_parts(filename, self._rows))
        info.file_size = os.path.getsize(filename)
        with open(filename, "rb") as src, self.open(info, "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)

    def _write_parts(self, info: zipfile.ZipInfo, parts: list[Part]) -> None:
        """The member ``info`` from deflated ``parts`` (zip_parts.py), as ``ZipFile.open(…, "w")``
        writes a member, but with its CRC and sizes known first: nothing is deflated again."""
        info.CRC, info.file_size = joined(parts)
        info.compress_size = sum(len(p.data) for p in parts)
        zip64 = info.file_size > zipfile.ZIP64_LIMIT or info.compress_size > zipfile.ZIP64_LIMIT
        self.fp.seek(self.start_dir)
        info.header_offset = self.fp.tell()
        self._writecheck(info)
        self._didModify = True
        self.fp.write(info.FileHeader(zip64))
        for p in parts:
            self.fp.write(p.data)
        self.filelist.append(info)
        self.NameToInfo[info.filename] = info
        self.start_dir = self.fp.tell()


def _sheet_parts(filename: str, rows: list[Part]) -> list[Part]:
    """The records' sheet in deflated parts: openpyxl's sheet (the note and the header rows, a
    few KB) up to the end of its sheet data, the ``rows``, then the rest of openpyxl's sheet."""
    with open(filename, "rb") as f:
        xml = f.read()
    at = xml.find(b"</sheetData>")
    if at < 0:  # openpyxl wrote the sheet otherwise: a bug here, not an input
        raise RuntimeError(f"{DATA_SHEET}: </sheetData> not found")
    return [deflated(xml[:at]), *rows, deflated(xml[at:], last=True)]


def _save(wb, file, day: date, rows: list[Part] | None = None) -> None:
    """openpyxl's ``save_workbook`` without its two clocks: it sets the modified time to now, and
    its zip entries take the time of day they are written.  ``rows``: the records' rows, deflated
    in parts, put into the records' sheet."""
    from openpyxl.writer.excel import ExcelWriter

    ExcelWriter(wb, _FixedZip(file, day, rows)).save()


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
