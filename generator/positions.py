"""Where a problem is in Excel: the row Excel shows for a line of a CSV, and the column's letter
and name (issue 11: ``data/penalties.csv:64:35（Excel 第62行 AI列“公示日期”）``).

Excel opens a CSV one record per row: a record whose quoted cells hold line breaks is one row,
however many lines it spans, and a blank line (or a line of commas only) is an empty row that
Excel shows; the header is row 1.  So the Excel row of a record is its ordinal among all the
file's records, blank ones included.  The file line stays the position in the repository (git,
GitHub annotations).

Positions are found when a report is printed, by reading the files it names once more up to the
last line it needs: only the problems a report shows are located (at most a few thousand), every
stage keeps reporting plain file lines, and a record carries nothing more in memory.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, excel_column


@dataclass(frozen=True, slots=True)
class ExcelPlace:
    row: int       # the row Excel shows (1: the header)
    column: str    # the column's letters; "" when the problem concerns the whole row
    name: str      # the column's name in the header; "" when unknown

    def describe(self) -> str:
        """``Excel 第62行 AI列“公示日期”``"""
        column = f" {self.column}列" if self.column else ""
        name = f"“{self.name}”" if self.column and self.name else ""
        return f"Excel 第{self.row}行{column}{name}"


class Positions:
    """Excel rows of the lines of the CSV files a report names."""

    def __init__(self, rows: dict[str, dict[int, int]] | None = None,
                 headers: dict[str, tuple[str, ...]] | None = None):
        self._rows = rows or {}
        self._headers = headers or {}

    def row(self, path: str, line: int) -> int | None:
        return self._rows.get(path, {}).get(line)

    def place(self, path: str, line: int, column: int = 0) -> ExcelPlace | None:
        row = self.row(path, line) if line else None
        if row is None:
            return None
        header = self._headers.get(path, ())
        name = header[column - 1] if 0 < column <= len(header) else ""
        return ExcelPlace(row, excel_column(column) if column else "", name)

    def of(self, d: Diagnostic) -> ExcelPlace | None:
        return self.place(d.path, d.row, d.column)


def is_table(path: str) -> bool:
    return path.lower().endswith(".csv")


def locate(root: Path | None, diagnostics: Iterable[Diagnostic]) -> Positions:
    """The Excel positions of ``diagnostics`` (and of the rows they refer to, ``other_row``)."""
    if root is None:
        return Positions()
    wanted: dict[str, set[int]] = {}
    for d in diagnostics:
        if d.row and is_table(d.path):
            lines = wanted.setdefault(d.path, set())
            lines.add(d.row)
            other = dict(d.params).get("other_row")
            if isinstance(other, int) and other > 0:
                lines.add(other)
    rows, headers = {}, {}
    for path, lines in wanted.items():
        found = _excel_rows(Path(root) / path, sorted(lines))
        if found:
            rows[path], headers[path] = found
    return Positions(rows, headers)


def _excel_rows(path: Path, lines: list[int]) -> tuple[dict[int, int], tuple[str, ...]] | None:
    """({file line: Excel row}, header) for lines in ascending order; None when unreadable.
    A line inside a record (a cell's line break) belongs to the record's row."""
    for encoding in ("utf-8-sig", "gb18030"):  # the encodings the read stage accepts
        try:
            with path.open(encoding=encoding, newline="") as fh:
                return _walk(csv.reader(fh, strict=True), lines)
        except UnicodeDecodeError:
            continue
        except OSError:
            return None
    return None


def _walk(reader, lines: list[int]) -> tuple[dict[int, int], tuple[str, ...]]:
    out: dict[int, int] = {}
    header: tuple[str, ...] = ()
    i, ordinal, following = 0, 0, 1  # following: where the next record starts
    try:
        for cells in reader:
            ordinal += 1
            if ordinal == 1:
                header = tuple(c.strip().lstrip("\ufeff") for c in cells)
            following = reader.line_num + 1
            while i < len(lines) and lines[i] < following:
                out[lines[i]] = ordinal
                i += 1
            if i == len(lines):
                break
    except csv.Error:  # the build stops reading here too (E-CSV at the start of this record)
        if i < len(lines) and lines[i] == following:
            out[following] = ordinal + 1
    return out, header
