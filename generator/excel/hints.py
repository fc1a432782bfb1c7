"""What Excel does to data, recognised where a cell is rejected.

Excel on Chinese Windows damages data in a few typical ways; the plain error (``E-RESIDENT-ID
身份证号码“6.40302E+17”校验不通过``) does not tell the editor that Excel did it, nor how to stop
it.  When a cell fails its column's checks, ``excel_damage`` looks at the text for these
signatures and, if one fits, the cell is reported with its own code instead, whose hint says
what happened and how to fix it in Excel:

- ``E-EXCEL-SCIENTIFIC``: a long number typed into a 常规 (General) cell keeps 15 significant
  digits and shows as ``6.40302E+17``; the other digits are gone;
- ``E-EXCEL-LEADING-ZEROS``: a code typed into a number cell loses its leading zeros
  (``12345`` in a six-digit 邮政编码 column);
- ``E-EXCEL-SERIAL-DATE``: a date saved from a cell formatted as a number (``45291``);
- ``E-EXCEL-FULLWIDTH-SPACE``: a full-width space (U+3000, typed with a Chinese IME) inside a value;
- ``E-EXCEL-SPACES``: spaces or invisible characters (no-break, zero-width) in a code or number;
- ``E-EXCEL-ENCODING``: mojibake, UTF-8 read as GBK or the reverse (a UTF-8 CSV without BOM
  double-clicked in Excel and saved again).

Only rejected cells are looked at, so valid data costs nothing; the build's CSV path and
``gongshi import`` share the hook (``generator/cells.py``), and ``garbled_header`` finds a file
whose header row is mojibake before its every column is reported unknown.  The values shown of
private columns are masked (P3.1: private values never appear in logs).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..privacy import mask

EXCEL_DIGITS = 15                    # Excel keeps 15 significant digits of a number
EXCEL_EPOCH = date(1899, 12, 30)     # day 0 of the 1900 date system, past its 1900-02-29 bug
# serial numbers are taken for dates in 1990–2099, the dates this platform handles: a number
# such as 2024 in a date column is more likely a typo than 1905-07-16
SERIAL_YEARS = (1990, 2099)

_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+")
_SERIAL = re.compile(r"(\d{5})(?:\.\d+)?")
_SPACE_LIKE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]")  # \s: also NBSP and U+3000
_CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
# how mojibake is made: text encoded one way and decoded another (first the common one: a UTF-8
# CSV opened by Excel as GBK); undone by encoding the other way round
_MIXUPS = (("gb18030", "utf-8"), ("latin-1", "utf-8"), ("cp1252", "utf-8"),
           ("latin-1", "gb18030"), ("cp1252", "gb18030"))


def excel_damage(spec, raw: str, check) -> tuple[str, dict] | None:
    """(code, message parameters) when the rejected cell ``raw`` of the column ``spec`` shows
    what Excel does to data, else None.  ``check`` is the column's own checks (it raises on a
    bad value): a repair is suggested only when the repaired value passes them."""
    text = raw.strip()
    shown = text if spec.public else mask(text)
    if (fixed := unmojibake(text)) is not None:
        return "E-EXCEL-ENCODING", {"value": shown, "fixed": _recovered(fixed, spec.public)}
    if spec.type == "date" and (day := serial_date(text)) is not None:
        return "E-EXCEL-SERIAL-DATE", {"value": shown, "date": day.isoformat()}
    if spec.type == "string":
        if _SCIENTIFIC.fullmatch(text) or _digits_lost(text):
            return "E-EXCEL-SCIENTIFIC", {"value": shown}
        if (spec.identifier or spec.pattern) and text.isascii() and text.isdigit():
            for zeros in range(1, 4):
                if _passes(check, "0" * zeros + text):
                    return "E-EXCEL-LEADING-ZEROS", {"value": shown, "zeros": zeros,
                                                     "fixed": "0" * zeros + shown}
    if "\u3000" in text:
        return "E-EXCEL-FULLWIDTH-SPACE", {"value": shown}
    if (spec.identifier or spec.pattern or spec.type != "string") and _SPACE_LIKE.search(text):
        return "E-EXCEL-SPACES", {"value": shown}
    return None


def serial_date(text: str) -> date | None:
    """The day that the text of an Excel serial number stands for (``45291`` → 2023-12-31)."""
    m = _SERIAL.fullmatch(text)
    return serial_day(int(m[1])) if m else None


def serial_day(serial: float, epoch: date = EXCEL_EPOCH) -> date | None:
    """The day of an Excel serial number (fractions are times of day), when it falls in the
    years this platform's dates do; None otherwise."""
    try:
        day = epoch + timedelta(days=int(serial))
    except (OverflowError, ValueError):
        return None
    return day if SERIAL_YEARS[0] <= day.year <= SERIAL_YEARS[1] else None


def unmojibake(text: str) -> str | None:
    """The text that ``text`` is mojibake of (``'\\ufffd'`` where characters were lost), ``""``
    when it holds replacement characters and cannot be recovered, None when it is no mojibake.

    Tested on the demo's 7,000 distinct values: none of them is taken for mojibake, and the GBK
    reading of most of them (every one of 2 or more characters whose bytes survive) is recovered."""
    if text.isascii():
        return None
    damaged = "\ufffd" in text
    text = text.replace("\ufffd", "?")
    marks = text.count("?")  # characters already lost when the mojibake was saved
    for wrong, right in _MIXUPS:
        try:
            data = text.encode(wrong)
        except UnicodeEncodeError:
            continue
        fixed = data.decode(right, errors="replace")
        if fixed == text:
            continue
        lost, words = fixed.count("\ufffd"), len(_CJK.findall(fixed))
        if words >= 2 and lost * 2 <= words and lost <= marks + 2:
            return fixed
    return "" if damaged else None


def garbled_header(header: tuple[str, ...], names) -> tuple[int, str, str] | None:
    """(index, garbled name, the column it stands for) of the first header cell that is mojibake
    of a schema column's name: the whole file was read in the wrong encoding and saved again."""
    known = set(names)
    for i, name in enumerate(header):
        if name in known or not name:
            continue
        fixed = unmojibake(name) or ""
        match = next((n for n in names if n == fixed or (len(n) >= 2 and fixed.startswith(n))), None)
        if match is None:  # a short name loses too much alone: read the whole row at once
            whole = unmojibake(",".join(header)) or ""
            parts = whole.split(",")
            if len(parts) == len(header) and parts[i] in known:
                match = parts[i]
        if match is not None:
            return i, name, match
    return None


def _recovered(fixed: str, public: bool) -> str:
    if not fixed:
        return "，原文已无法恢复"
    fixed = fixed.replace("\ufffd", "?")
    return f"，原文应为“{fixed if public else mask(fixed)}”"


def _digits_lost(text: str) -> bool:
    """A number longer than Excel keeps, saved from a number format such as 0: the digits after
    the 15th are zeros (640302196903305000)."""
    return text.isascii() and text.isdigit() and len(text) > EXCEL_DIGITS and \
        not text[EXCEL_DIGITS:].strip("0")


def _passes(check, text: str) -> bool:
    try:
        check(text)
    except Exception:  # noqa: BLE001 — any rejection: the repair does not fit
        return False
    return True
