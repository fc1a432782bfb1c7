"""The records' rows of a workbook sheet, as XML: byte for byte what openpyxl's write-only
writer (with lxml) writes for the same values, in a fifth of the time.

openpyxl makes a cell object, a style lookup and an lxml element per cell: 100,000 penalties of
53 columns took about 17 s of one core, the longest task of a build and the whole of the sheet
rewritten when one row changed (now in slots: ``reuse_sheets.py``).  The records' cells are of four kinds only
— text, a number, a date, nothing — so they are written here directly:

- text: an inline string (``t="inlineStr"``), ``xml:space="preserve"`` when it has spaces at
  either end, ``& < >`` and CR escaped as lxml escapes them;
- a number (int or Decimal): ``t="n"``, formatted as openpyxl formats it (``%.16g``);
- a date: its serial day number (``t="n"``) with the date style the workbook registered;
- nothing: no cell.

The XML is ASCII, every other character a decimal reference, as openpyxl's file is.  A value
of any other kind, or text that XML cannot hold (a control character: the build refuses them in
every input, E-CONTROL-CHAR), raises ``Unsupported``, and the workbook is written by openpyxl
instead.  ``tests/test_workbooks.py`` compares the two writers' bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal

_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EPOCH = date(1899, 12, 30).toordinal()  # openpyxl's WINDOWS_EPOCH


class Unsupported(ValueError):
    """A value these rows do not write as openpyxl would: write the workbook with openpyxl."""


def rows_xml(rows: Iterable[list], first: int, letters: list[str], date_style: int | None) -> Iterator[bytes]:
    """The ``<row>`` elements of ``rows`` (lists of cell values, column by column), numbered from
    ``first``; ``letters``: the columns' names (A, B, …); ``date_style``: the style id of a date
    cell (None if the sheet has none)."""
    for n, values in enumerate(rows, first):
        parts = [f'<row r="{n}">']
        for letter, value in zip(letters, values):
            if value is None:
                continue
            kind = value.__class__
            if kind is str:
                if _NOT_XML.search(value):
                    raise Unsupported(f"{letter}{n}: a character XML cannot hold")
                if value == "":
                    parts.append(f'<c r="{letter}{n}" t="inlineStr"></c>')
                    continue
                space = ' xml:space="preserve"' if value != value.strip() else ""
                parts.append(f'<c r="{letter}{n}" t="inlineStr"><is><t{space}>{value.translate(_ESCAPE)}</t></is></c>')
            elif kind is int or kind is Decimal:
                parts.append(f'<c r="{letter}{n}" t="n"><v>{"%.16g" % value}</v></c>')
            elif kind is date and date_style is not None:
                parts.append(f'<c r="{letter}{n}" s="{date_style}" t="n"><v>{serial(value)}</v></c>')
            else:
                raise Unsupported(f"{letter}{n}: a value of type {kind.__name__}")
        parts.append("</row>")
        yield "".join(parts).encode("ascii", "xmlcharrefreplace")


def serial(day: date) -> str:
    """A date's serial number as openpyxl writes it (``to_excel``, then ``%.16g``)."""
    days = day.toordinal() - _EPOCH
    if 0 < days <= 60:  # Excel's 1900 leap-year bug, as openpyxl counts it
        days -= 1
    return "%.16g" % float(days)
