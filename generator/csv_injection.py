"""Spreadsheet-safe CSV cells (CWE-1236, CSV/formula injection).

Excel, WPS and LibreOffice run a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula
(tab and carriage return are stripped first, so they count too): a party's name written as
``=HYPERLINK("http://…","点此")`` would become a live link, or worse, in the spreadsheet of everyone
who opens an export.  OWASP's recommendation is applied to every CSV the build writes: such a
text cell gets a leading ``'``, which spreadsheets show as nothing and treat as "this is text".

Numbers stay as they are for machine consumers: a cell that is a plain number (``-1500``,
``-0.15``, ``1E+5``) is a number to a spreadsheet too, never a formula.  Columns whose values are
checked at validation (dates, numbers, identifiers, enumerations, patterns) cannot begin with
these characters at all; what reaches this function is free text and names.
"""

from __future__ import annotations

import re

FORMULA_START = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")
# one scan of a whole row finds the rare row that has such a cell (cells joined by \n: a cell
# start is the row's start or follows a \n; a cell's own line breaks only add false alarms)
_ROW_ALARM = re.compile("(?:^|\n)[=+\\-@\t\r]")


def neutralise(cell: str) -> str:
    """The cell as a spreadsheet must read it: prefixed with ``'`` when it would run as a formula."""
    if cell[:1] in FORMULA_START and cell and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def neutralise_row(row: list[str]) -> list[str]:
    """A CSV row with every cell neutralised; the row itself when none needs it (the common case,
    found with one pattern scan instead of a call per cell)."""
    if _ROW_ALARM.search("\n".join(row)):
        return [neutralise(cell) for cell in row]
    return row


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow(neutralise_row(row))


def formula_safe(writer) -> _SafeWriter:
    """A ``csv.writer`` whose every row (the header too) is neutralised: the one call a CSV
    export makes."""
    return _SafeWriter(writer)
