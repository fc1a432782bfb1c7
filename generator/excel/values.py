"""Between a CSV cell's text and an Excel cell's value, both ways, by the kind of column.

``to_excel`` gives Excel a real date or number only where reading it back gives the same text
(``2024-03-05``, ``20000``, ``20000.5``); any other text stays text, so that ``gongshi excel``
then ``gongshi import`` of an unchanged workbook gives the CSV back byte for byte.
``from_excel`` reads what an editor typed however Excel stored it: dates as dates, text or serial
numbers; numbers as numbers or as text; a code that Excel turned into a number as the digits
Excel kept (``6.40302196903305E+17``), which the cell's checks then reject with the Excel hint.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from .canonical import cell_line_breaks
from .hints import EXCEL_DIGITS, EXCEL_EPOCH, serial_day

DATE, NUMBER, INTEGER, CODE, PROSE = "date", "number", "integer", "code", "prose"
# a string column of short values (codes, names, choices) is formatted as text, so that Excel
# keeps every digit; longer prose stays 常规 (General): Excel shows a text-formatted cell of
# more than 255 characters as ####
CODE_MAX_LENGTH = 255

_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_INTEGER = re.compile(r"-?(?:0|[1-9]\d{0,%d})" % (EXCEL_DIGITS - 1))
_DECIMAL = re.compile(r"-?(?:0|[1-9]\d*)\.\d*[1-9]")


def column_kind(spec) -> str:
    if spec.type == "date":
        return DATE
    if spec.type in ("number", "integer"):
        return spec.type
    if spec.identifier or spec.pattern or spec.enum or spec.references or \
            (spec.max_length is not None and spec.max_length <= CODE_MAX_LENGTH):
        return CODE
    return PROSE


def to_excel(kind: str, text: str):
    """The value to write for a CSV cell's text: None, a date, an int, a float or the text."""
    if not text:
        return None
    if kind == DATE and _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    if kind in (NUMBER, INTEGER):
        if _INTEGER.fullmatch(text) and text != "-0":
            return int(text)
        if _DECIMAL.fullmatch(text) and len(text.replace("-", "").replace(".", "").lstrip("0")) <= EXCEL_DIGITS:
            value = float(text)
            if number_text(value) == text:
                return value
        return text
    return cell_line_breaks(text)


def from_excel(value, kind: str, epoch: datetime | None = None) -> str:
    """The CSV text of a cell value as openpyxl reads it (read-only, values only)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return cell_line_breaks(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if kind == DATE or value.time() == time(0):
            return value.date().isoformat()
        return f"{value.date().isoformat()} {_clock(value.time())}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return _clock(value)
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, (int, float)):
        if kind == DATE and (day := serial_day(value, epoch.date() if epoch else EXCEL_EPOCH)) is not None:
            return day.isoformat()
        if kind in (NUMBER, INTEGER):
            return number_text(value)
        if float(value).is_integer() and abs(value) < 10 ** EXCEL_DIGITS:
            return str(int(value))
        return format(value, f".{EXCEL_DIGITS}G")  # what Excel kept: 6.40302196903305E+17
    return str(value)


def number_text(value) -> str:
    """Plain decimal notation, to the 15 digits Excel keeps: 80000, 20000.5, 0.1 (not 0.1000000000000000055)."""
    if isinstance(value, int):
        return str(value)
    d = Decimal(format(value, f".{EXCEL_DIGITS}g")).normalize()
    return format(d, "f")


def _clock(t: time) -> str:
    return f"{t.hour}:{t.minute:02d}" + (f":{t.second:02d}" if t.second else "")
