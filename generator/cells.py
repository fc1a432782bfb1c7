"""Cells: the text of a CSV cell in, its typed value out — parsed by the cell's schema field
(dates in the three forms editors type, numbers, enumerations, identifiers) — and the header
check and record keys that every table shares (datasets and the corrections log)."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal, InvalidOperation

from .controls import describe, first_control
from .dates import EARLIEST, LATEST, parse_date
from .diagnostics import Diagnostic, diag
from .excel.hints import excel_damage, garbled_header
from .identifiers import (USCC_PLACEHOLDER, bank_card_valid, doc_number_valid, normalise_doc_number,
                          passport_valid, resident_id_valid, uscc_problem)
from .model import RawTable
from .schema import FieldSpec, TableSchema

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class CellError(Exception):
    def __init__(self, code: str, **params):
        self.code, self.params = code, params


def cell_parser(spec: FieldSpec, *, controls_checked: bool = False):
    """A function from a cell's text to its typed value (None when empty), raising CellError.
    Built once per column, so that 100,000 rows pay only for the checks their column has.
    ``controls_checked``: the caller has already found no control character in the cell (a whole
    row is searched at once, ``controls.CONTROL``), so the parser does not look again."""
    steps = []  # each takes and returns the (stripped, non-empty) value
    if spec.type == "date":
        def as_date(text):
            value = parse_date(text)
            if value is None:
                raise CellError("E-DATE", value=text)
            if not EARLIEST <= value <= LATEST:
                raise CellError("E-DATE-RANGE", value=text, earliest=EARLIEST.isoformat(), latest=LATEST.isoformat())
            return value
        steps.append(as_date)
    elif spec.type in ("number", "integer"):
        low = None if spec.minimum is None else Decimal(str(spec.minimum))
        high = None if spec.maximum is None else Decimal(str(spec.maximum))

        def as_number(text, integer=spec.type == "integer"):
            value = parse_number(text)
            if integer and value != value.to_integral_value():
                raise CellError("E-NUMBER", value=text)
            if low is not None and value < low:
                raise CellError("E-MINIMUM", value=text, minimum=spec.minimum)
            if high is not None and value > high:
                raise CellError("E-MAXIMUM", value=text, maximum=spec.maximum)
            return value
        steps.append(as_number)
    else:
        if spec.pattern:
            def pattern(text, rx=re.compile(spec.pattern)):
                if not rx.fullmatch(text):
                    raise CellError("E-PATTERN", value=text, pattern=spec.pattern)
                return text
            steps.append(pattern)
        allowed = frozenset(spec.enum or ())
        if spec.separators:
            splitter = re.compile(f"[{re.escape(spec.separators)}]")

            def several(text):
                parts = tuple(p.strip() for p in splitter.split(text) if p.strip())
                for part in parts:
                    if allowed and part not in allowed:
                        raise CellError("E-ENUM", value=part, allowed=" / ".join(spec.enum))
                return parts
            steps.append(several)
        elif allowed:
            def one_of(text):
                if text not in allowed:
                    raise CellError("E-ENUM", value=text, allowed=" / ".join(spec.enum))
                return text
            steps.append(one_of)
        if spec.identifier in IDENTIFIER_CHECKS:
            steps.append(IDENTIFIER_CHECKS[spec.identifier])
    required, limit = spec.required, spec.max_length or 0

    def check(text):
        for step in steps:
            text = step(text)
        return text

    def parse(text, name=spec.name):
        if (i := first_control(text)) >= 0:  # before strip(), which would drop some of them
            raise CellError("E-CONTROL-CHAR", what=f"“{name}”", char=describe(text[i]))
        return parse_clean(text)

    def parse_clean(text):
        raw, text = text, text.strip()
        if not text:
            if required:
                raise CellError("E-REQUIRED")
            return None
        try:
            if limit and len(text) > limit:
                raise CellError("E-TOO-LONG", limit=limit)
            for step in steps:
                text = step(text)
        except CellError:  # say so when Excel did it (6.40302E+17, 45291, lost zeros, mojibake …)
            if (damage := excel_damage(spec, raw, check)) is None:
                raise
            raise CellError(damage[0], **damage[1]) from None
        return text
    return parse_clean if controls_checked else parse


# No number exceeds what a JSON consumer's float holds exactly (15 significant digits); a longer
# one is a typo or an identifier typed into a number column.
MAX_DIGITS, MAX_DECIMALS = 15, 6
_NUMBER_TEXT_LIMIT = 40  # longer text is not parsed at all


def parse_number(text: str) -> Decimal:
    """A number as editors type it (thousands separators allowed), within MAX_DIGITS significant
    digits and MAX_DECIMALS decimals; ``NaN``, ``Infinity`` and ``1e5000`` are refused."""
    if len(text) > _NUMBER_TEXT_LIMIT:
        raise CellError("E-NUMBER-RANGE", value=text[:_NUMBER_TEXT_LIMIT] + "…", digits=MAX_DIGITS, decimals=MAX_DECIMALS)
    try:
        value = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise CellError("E-NUMBER", value=text) from None
    if not value.is_finite():
        raise CellError("E-NUMBER", value=text)
    _, digits, exponent = value.normalize().as_tuple() if value else (0, (0,), 0)
    if len(digits) > MAX_DIGITS or len(digits) + exponent > MAX_DIGITS or -exponent > MAX_DECIMALS:
        raise CellError("E-NUMBER-RANGE", value=text, digits=MAX_DIGITS, decimals=MAX_DECIMALS)
    return value


def _uscc(text):
    text = text.upper()
    if text != USCC_PLACEHOLDER and (why := uscc_problem(text)):
        raise CellError("E-USCC", value=text, detail=why)
    return text


def _resident_id(text):
    if not resident_id_valid(text):
        raise CellError("E-RESIDENT-ID", value=text)
    return text


def _doc_number(text):
    if not doc_number_valid(text):
        raise CellError("E-DOC-NUMBER", value=text)
    return text


_PHONE_SEPARATORS = re.compile(r"[\s-]")


def _mobile(text):
    if not _MOBILE.match(_PHONE_SEPARATORS.sub("", text)):
        raise CellError("E-NUMBER", value=text)
    return text


def _personal_number(valid, kind):
    def check(text):
        if not valid(text):  # the value is private: the message does not repeat it
            raise CellError("E-IDENTIFIER", kind=kind)
        return text
    return check


IDENTIFIER_CHECKS = {"uscc": _uscc, "resident-id": _resident_id, "doc-number": _doc_number, "mobile": _mobile,
                     "bank-card": _personal_number(bank_card_valid, "银行卡号"),
                     "passport": _personal_number(passport_valid, "护照或通行证号码")}




def absent(_text):
    return None


def key_part(spec: FieldSpec | None, value) -> str:
    if value is None:
        return ""
    if spec is not None and spec.identifier == "doc-number":
        return normalise_doc_number(value)
    return str(value)


def record_id(dataset: str, key: tuple[str, ...]) -> str:
    """Stable URL id: it depends on the record's key only (I3-normalised), never on fields that
    a correction may change."""
    return hashlib.sha1("\x1f".join((dataset, *key)).encode("utf-8")).hexdigest()[:16]


def check_header(table: RawTable, schema: TableSchema, problems: list[Diagnostic]) -> list[int] | None:
    """Column index in the CSV of each schema field (-1 when an optional column is absent).
    Only the required columns must be present: a bureau's export without the optional ones reads
    as if their cells were empty."""
    if not any(table.header):
        problems.append(diag("E-CSV-EMPTY", table.path, 1))
        return None
    if garbled := garbled_header(table.header, schema.names):  # the whole file, not each column
        problems.append(diag("E-EXCEL-ENCODING", table.path, 1, value=garbled[1], fixed=f"，原文应为“{garbled[2]}”"))
        return None
    positions: dict[str, int] = {}
    ok = True
    for i, name in enumerate(table.header):
        if (c := first_control(name)) >= 0:  # never echoed: an ESC would reach the terminal
            problems.append(diag("E-CONTROL-CHAR", table.path, 1, i + 1, what="列名", char=describe(name[c])))
            ok = False
            continue
        if name in positions:
            problems.append(diag("E-COLUMN-DUPLICATE", table.path, 1, i + 1, column=name))
            ok = False
        elif schema.field(name) is None:
            problems.append(diag("E-COLUMN-UNKNOWN", table.path, 1, i + 1, column=name))
            ok = False
        positions.setdefault(name, i)
    for spec in schema.fields:
        if spec.name not in positions and spec.required:
            problems.append(diag("E-COLUMN-MISSING", table.path, 1, column=spec.name))
            ok = False
    return [positions.get(spec.name, -1) for spec in schema.fields] if ok else None
