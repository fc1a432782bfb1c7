"""Reading a workbook for ``gongshi import``: which dataset it holds, which sheet, where its
header is, and each row's cells as the text the CSV will hold.

The sheet is streamed (openpyxl read-only mode, values only).  The header is the row, among the
first ten, that holds the most of the schema's column names, so that the template's 必填/选填 row
above it and a bureau's title row are skipped alike.  Empty rows are skipped, as the build skips
them.  Problems are positioned by Excel row and column number; the importer names the columns
by their letters.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import coordinate_to_tuple
from openpyxl.worksheet import _read_only
from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from ..diagnostics import Diagnostic, diag, excel_column
from ..privacy import mask
from .source import Target
from .values import CODE, column_kind, from_excel
from .workbook import HELP_SHEET, LISTS_SHEET, WORKBOOK_ID, sheet_title

HEADER_SEARCH_ROWS = 10
ERROR_VALUES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"))


_T, _RUN_T = f"{{{SHEET_MAIN_NS}}}t", f"{{{SHEET_MAIN_NS}}}r/{{{SHEET_MAIN_NS}}}t"


class _InlineStringParser(WorkSheetParser):
    """openpyxl's sheet parser, reading an inline string (how openpyxl writes text, so how every
    workbook of ``gongshi excel`` holds it) as its plain text without building openpyxl's rich-text
    objects first: the import of 100,000 rows takes a third less time.  The text is the same as
    openpyxl's ``Text.content``: the ``t`` element, then the runs' ``t`` (phonetic runs left out)."""

    def parse_cell(self, element):
        child = element.find(INLINE_STRING) if element.get("t") == "inlineStr" else None
        if child is None or self.rich_text or (not self.data_only and element.find(FORMULA_TAG) is not None):
            return super().parse_cell(element)
        coordinate = element.get("r")
        if coordinate:
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        style_id = int(element.get("s", 0))
        if len(child) == 1 and child[0].tag == _T:  # plain text: nearly every cell
            text = child[0].text or ""
        else:
            text = "".join([child.findtext(_T) or "", *(t.text or "" for t in child.iterfind(_RUN_T))])
        return {"row": row, "column": column, "value": text, "data_type": "s", "style_id": style_id}


def _values(ws, **bounds):
    """The rows' values (read-only mode), read by the parser above.  openpyxl makes a sheet's
    parser when the first row is asked for: the swap lasts only that long."""
    rows = ws.iter_rows(values_only=True, **bounds)
    saved, _read_only.WorkSheetParser = _read_only.WorkSheetParser, _InlineStringParser
    try:
        first = next(rows, None)
    finally:
        _read_only.WorkSheetParser = saved
    if first is not None:
        yield first
        yield from rows


class SheetError(Exception):
    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


def open_workbook(path: Path, shown: str):
    """The workbook, read-only; SheetError (E-XLSX) when it is no readable .xlsx."""
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — zip, XML and format errors alike: not a workbook we can read
        raise SheetError(diag("E-XLSX", shown, detail=f"{type(exc).__name__}: {str(exc)[:200]}")) from None


def dataset_of(wb, path: Path, targets: dict[str, str]) -> str | None:
    """The dataset a workbook holds: the one ``gongshi excel`` named in its properties, else the
    one whose title names a sheet, else the one the file is named after.  ``targets``: name → title."""
    ident = wb.properties.identifier or ""
    if ident.startswith(WORKBOOK_ID) and ident[len(WORKBOOK_ID):] in targets:
        return ident[len(WORKBOOK_ID):]
    by_title = {sheet_title(title): name for name, title in targets.items()}
    found = [by_title[t] for t in wb.sheetnames if t in by_title]
    if len(found) == 1:
        return found[0]
    return path.stem if path.stem in targets else None


def data_sheet(wb, target: Target):
    """The sheet named after the dataset, else the first visible sheet that is not the help or lists sheet."""
    title = sheet_title(target.title)
    if title in wb.sheetnames:
        return wb[title]
    for ws in wb.worksheets:
        if ws.sheet_state == "visible" and ws.title not in (HELP_SHEET, LISTS_SHEET):
            return ws
    return wb.worksheets[0]


@dataclass
class Sheet:
    title: str
    header: tuple[str, ...]      # the named columns, in sheet order
    columns: tuple[int, ...]     # the Excel column number of each
    header_row: int
    rows: Iterator               # (Excel row, cells as text), one per non-empty row; read once

    def letter(self, index: int) -> str:
        """The Excel letter of the table's column ``index`` (1-based), as the diagnostics count."""
        return excel_column(self.columns[index - 1]) if 0 < index <= len(self.columns) else ""


def read_sheet(wb, ws, target: Target, shown: str, problems: list[Diagnostic]) -> Sheet:
    """The sheet's header and a stream of its rows.  Problems the reader finds in cells (formula
    errors, text in a column without a name) go to ``problems`` as the rows are read, positioned
    at the Excel row and the Excel column number (the validator's count the table's columns)."""
    names = set(target.schema.names)
    if hasattr(ws, "reset_dimensions"):  # read every row, whatever size the file claims (some tools write it wrong)
        ws.reset_dimensions()
    found_row, best, best_score = 0, (), 0
    for n, values in enumerate(_values(ws, max_row=HEADER_SEARCH_ROWS), 1):
        cells = tuple("" if v is None else str(v).strip() for v in values)
        score = sum(c in names for c in cells)
        if score > best_score:
            found_row, best, best_score = n, cells, score
    if not best_score:
        raise SheetError(diag("E-XLSX-HEADER", shown, sheet=ws.title, rows=HEADER_SEARCH_ROWS))
    named = [(i, name) for i, name in enumerate(best) if name]
    header = tuple(name for _, name in named)
    positions = tuple(i for i, _ in named)
    fields = [target.schema.field(name) for name in header]
    kinds = [column_kind(f) if f is not None else CODE for f in fields]
    gaps = [i for i in range(positions[-1]) if i not in set(positions)]  # unnamed columns inside the header
    last = positions[-1] + 1
    epoch = wb.epoch

    def rows():
        unnamed_seen: set[int] = set()
        for row_no, values in enumerate(_values(ws, min_row=found_row + 1), found_row + 1):
            width = len(values)
            cells = []
            for i, kind, name in zip(positions, kinds, header):
                value = values[i] if i < width else None
                if value is None:
                    cells.append("")
                elif value.__class__ is str and value[:1] != "#" and "\r" not in value:
                    cells.append(value)  # most cells: text as it is
                elif isinstance(value, str) and value in ERROR_VALUES:
                    problems.append(diag("E-XLSX-FORMULA-ERROR", shown, row_no, i + 1, column=name, value=value))
                    cells.append("")
                else:
                    cells.append(from_excel(value, kind, epoch))
            stray = [i for i in (*gaps, *range(last, width)) if i < width and values[i] not in (None, "")] \
                if gaps or width > last else ()
            for i in stray:
                if i not in unnamed_seen:  # once a column: the editor fixes the header, not each cell
                    unnamed_seen.add(i)
                    problems.append(diag("E-XLSX-UNNAMED-COLUMN", shown, row_no, i + 1, value=mask(str(values[i]))))
            if any(cells) or stray:
                yield row_no, tuple(cells)

    return Sheet(ws.title, header, tuple(i + 1 for i in positions), found_row, rows())
