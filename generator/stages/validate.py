"""Validate: raw rows in, typed records out — or positioned problems.

Each cell is parsed by its schema field (dates in the three forms editors type, numbers,
enumerations, identifiers); then the dataset's cross-field checks run, public free text is
scanned for personal data (P3.3), keys are checked for uniqueness (I3), and the record's life
cycle (publication, review, period, deadline) is derived.  Rows stream through: only the keys
seen so far are kept.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..calendar import WorkCalendar
from ..checks import CHECKS
from ..config import STATUS_NORMAL, STATUS_NOTED, STATUS_WITHDRAWN, DatasetConfig
from ..dates import parse_date, period_last_day
from ..diagnostics import Diagnostic, diag
from ..identifiers import (USCC_PLACEHOLDER, doc_number_valid, normalise_doc_number, resident_id_valid,
                           uscc_problem)
from ..model import Agency, ContentPage, Correction, Layout, Lifecycle, RawTable, Record
from ..privacy import find_personal_data
from ..schema import FieldSpec, TableSchema

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PAGE_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_PHONE = re.compile(r"^[0-9\-+() 转—]{5,}$")
AGENCY_LEVELS = ("区", "市", "县")


@dataclass(frozen=True)
class Context:
    agency_names: frozenset[str]
    calendar: WorkCalendar


# ---------------------------------------------------------------- departments

def validate_agencies(relpath: str, items: list[tuple[int, dict]], problems: list[Diagnostic],
                      make) -> list[Agency]:
    agencies, ids, names = [], {}, {}
    for line, item in items:
        agency = make(line, item)
        bad = False
        for key, value in (("标识", agency.id), ("名称", agency.name), ("层级", agency.level),
                           ("统一社会信用代码", agency.credit_code)):
            if not value:
                problems.append(diag("E-REQUIRED", relpath, line, column=key))
                bad = True
        if agency.id and not _SLUG.match(agency.id):
            problems.append(diag("E-CONFIG", relpath, line,
                                 detail=f"标识“{agency.id}”只能含小写字母、数字和连字符（用作网址）"))
        if agency.level and agency.level not in AGENCY_LEVELS:
            problems.append(diag("E-ENUM", relpath, line, column="层级", value=agency.level,
                                 allowed=" / ".join(AGENCY_LEVELS)))
        if agency.credit_code and (why := uscc_problem(agency.credit_code)):
            problems.append(diag("E-USCC", relpath, line, value=agency.credit_code, detail=why))
        for seen, key, value in ((ids, "标识", agency.id), (names, "名称", agency.name)):
            if value and value in seen:
                problems.append(diag("E-AGENCY-DUPLICATE", relpath, line, column=key, value=value,
                                     other_row=seen[value]))
                bad = True
            seen.setdefault(value, line)
        if not bad:
            agencies.append(agency)
    return agencies


# ---------------------------------------------------------------- cells

class CellError(Exception):
    def __init__(self, code: str, **params):
        self.code, self.params = code, params


def cell_parser(spec: FieldSpec):
    """A function from a cell's text to its typed value (None when empty), raising CellError.
    Built once per column, so that 100,000 rows pay only for the checks their column has."""
    steps = []  # each takes and returns the (stripped, non-empty) value
    if spec.type == "date":
        def as_date(text):
            value = parse_date(text)
            if value is None:
                raise CellError("E-DATE", value=text)
            return value
        steps.append(as_date)
    elif spec.type in ("number", "integer"):
        low = None if spec.minimum is None else Decimal(str(spec.minimum))
        high = None if spec.maximum is None else Decimal(str(spec.maximum))

        def as_number(text, integer=spec.type == "integer"):
            try:
                value = Decimal(text.replace(",", "").replace("，", ""))
            except InvalidOperation:
                raise CellError("E-NUMBER", value=text) from None
            if not value.is_finite() or (integer and value != value.to_integral_value()):
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

    def parse(text):
        text = text.strip()
        if not text:
            if required:
                raise CellError("E-REQUIRED")
            return None
        if limit and len(text) > limit:
            raise CellError("E-TOO-LONG", limit=limit)
        for step in steps:
            text = step(text)
        return text
    return parse


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


IDENTIFIER_CHECKS = {"uscc": _uscc, "resident-id": _resident_id, "doc-number": _doc_number, "mobile": _mobile}




def _absent(_text):
    return None


def _key_part(spec: FieldSpec | None, value) -> str:
    if value is None:
        return ""
    if spec is not None and spec.identifier == "doc-number":
        return normalise_doc_number(value)
    return str(value)


def record_id(dataset: str, key: tuple[str, ...]) -> str:
    """Stable URL id: it depends on the record's key only (I3-normalised), never on fields that
    a correction may change."""
    return hashlib.sha1("\x1f".join((dataset, *key)).encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------- life cycle

def lifecycle(get, ds: DatasetConfig, calendar: WorkCalendar) -> Lifecycle:
    period = ds.period
    chosen = period.default
    for rule in period.rules:  # the longest matching period wins (P2.5)
        if all(_matches(get(col), want) for col, want in rule.when) and \
                (rule.indefinite or (not chosen.indefinite and
                                     rule.years * 12 + rule.months > chosen.years * 12 + chosen.months)):
            chosen = rule
    start = get(period.start) if period.start else None
    last_day = None
    if not chosen.indefinite and start is not None:
        last_day = period_last_day(start, chosen.years, chosen.months)
    if period.until:  # 长期 while valid (P2.6)
        until = get(period.until)
        if until is not None:
            last_day = until if last_day is None else min(last_day, until)
    deadline, provisional = None, False
    if ds.deadline and (begin := get(ds.deadline.start)) is not None and \
            all(_matches(get(col), want) for col, want in ds.deadline.when):
        deadline, provisional = calendar.deadline(begin, ds.deadline.working_days)
    status = get(ds.role("status")) or ""
    return Lifecycle(
        published_on=get(ds.role("published_on")), reviewed_on=get(ds.role("reviewed_on")),
        status=status, status_on=get(ds.role("status_on")), period_start=start, last_day=last_day,
        period_label=chosen.describe(), period_basis=chosen.basis,
        deadline=deadline, deadline_provisional=provisional,
    )


def _matches(value, want: str) -> bool:
    if isinstance(value, tuple):
        return want in value
    return value is not None and str(value) == want


# ---------------------------------------------------------------- tables

def check_header(table: RawTable, schema: TableSchema, problems: list[Diagnostic]) -> list[int] | None:
    """Column index in the CSV of each schema field (-1 when an optional column is absent)."""
    if not any(table.header):
        problems.append(diag("E-CSV-EMPTY", table.path, 1))
        return None
    positions: dict[str, int] = {}
    ok = True
    for i, name in enumerate(table.header):
        if name in positions:
            problems.append(diag("E-COLUMN-DUPLICATE", table.path, 1, i + 1, column=name))
            ok = False
        elif schema.field(name) is None:
            problems.append(diag("E-COLUMN-UNKNOWN", table.path, 1, i + 1, column=name))
            ok = False
        positions.setdefault(name, i)
    for spec in schema.fields:
        if spec.name not in positions and not spec.optional_column:
            problems.append(diag("E-COLUMN-MISSING", table.path, 1, column=spec.name))
            ok = False
    return [positions.get(spec.name, -1) for spec in schema.fields] if ok else None


def validate_table(table: RawTable, ds: DatasetConfig, schema: TableSchema, ctx: Context,
                   problems: list[Diagnostic], numbers: dict | None = None) -> Iterator[Record]:
    """Typed records of the valid rows.  ``numbers``, when given, collects the key's last column
    → record ids of every row, valid or not (the corrections log names records by number)."""
    cols = check_header(table, schema, problems)
    if cols is None:
        return
    layout = Layout(schema.names)
    parsers = [cell_parser(spec) for spec in schema.fields]
    index = layout.index
    specs = schema.fields
    width = len(table.header)
    path = table.path
    col_of = {spec.name: cols[i] + 1 for i, spec in enumerate(specs)}
    checks = [CHECKS[name] for name in ds.checks]
    references = [(i, s) for i, s in enumerate(specs) if s.references == "agencies"]
    scanned = [(i, s) for i, s in enumerate(specs) if s.scanned_for_personal_data]
    key_specs = [(index[name], schema.field(name)) for name in ds.key]
    unique = {i: {} for i, s in enumerate(specs) if s.unique}  # column → value → first line
    order = [(a, b, index[a], index[b]) for a, b in ds.order if a in index and b in index]
    seen: dict[tuple, int] = {}
    status_col, status_on_col = ds.role("status"), ds.role("status_on")
    status_note_col = ds.role("status_note")
    # an optional column absent from the header reads as an empty cell
    cells_of = [(parse, c) if c >= 0 else (_absent, 0) for parse, c in zip(parsers, cols)]

    for line, cells in table.rows:
        if len(cells) != width:
            problems.append(diag("E-ROW-LENGTH", path, line, got=len(cells), expected=width))
            continue
        row_problems: list[Diagnostic] = []
        flagged: set[str] = set()  # one problem per cell: the first one found
        try:  # the common case: every cell parses
            values = tuple([parse(cells[c]) for parse, c in cells_of])
        except CellError:  # again, cell by cell, to report every bad cell of the row
            values = []
            for spec, (parse, c) in zip(specs, cells_of):
                try:
                    values.append(parse(cells[c]))
                except CellError as err:
                    row_problems.append(diag(err.code, path, line, c + 1, column=spec.name, **err.params))
                    flagged.add(spec.name)
                    values.append(None)
            values = tuple(values)

        def get(name, _v=values, _i=index):
            i = _i.get(name)
            return None if i is None else _v[i]

        def flag(code, column, **params):
            if column not in flagged:
                flagged.add(column)
                row_problems.append(diag(code, path, line, col_of.get(column, 0), column=column, **params))

        for i, spec in references:
            if values[i] is not None and values[i] not in ctx.agency_names:
                flag("E-AGENCY-UNKNOWN", spec.name, value=values[i])
        for check in checks:
            for code, column, params in check(get, ds):
                flag(code, column, **params)
        for earlier, later, ia, ib in order:
            a, b = values[ia], values[ib]
            if a is not None and b is not None and b < a:
                flag("E-DATE-ORDER", later, later=later, later_value=b.isoformat(),
                     earlier=earlier, earlier_value=a.isoformat())
        status = get(status_col)
        if status not in (None, *STATUS_NORMAL) and (status in STATUS_NOTED or status in STATUS_WITHDRAWN):
            if get(status_on_col) is None or not get(status_note_col):
                flag("E-STATUS-DATE", status_on_col if get(status_on_col) is None else status_note_col,
                     status=status)
        for i, spec in scanned:
            value = values[i]
            if value and (hit := find_personal_data(value if isinstance(value, str) else "、".join(value))):
                flag("E-PERSONAL-DATA", spec.name, kind=hit[0], masked=hit[1])
        for i, seen_values in unique.items():
            value = _key_part(specs[i], values[i])
            if value and value in seen_values:
                flag("E-DUPLICATE", specs[i].name, value=value, other_row=seen_values[value])
            elif value:
                seen_values[value] = line
        key = tuple(_key_part(spec, values[i]) for i, spec in key_specs)
        if numbers is not None and (rid := record_id(ds.name, key)) not in (same := numbers.setdefault(key[-1], [])):
            same.append(rid)
        if key in seen:
            last = ds.key[-1]
            flag("E-DUPLICATE", last, value=" ".join(k for k in key if k), other_row=seen[key])
        else:
            seen[key] = line
        if row_problems:
            problems.extend(row_problems)
            continue
        life = lifecycle(get, ds, ctx.calendar)
        if life.deadline and life.published_on and life.published_on > life.deadline:
            problems.append(diag("W-LATE", path, line, col_of.get(ds.role("published_on"), 0),
                                 published=life.published_on.isoformat(),
                                 deadline=life.deadline.isoformat(), basis=ds.deadline.basis,
                                 days=ctx.calendar.workdays_after(life.deadline, life.published_on)))
        agency = get(ds.agency_field) if ds.agency_field else None
        yield Record(ds.name, record_id(ds.name, key), path, line, layout, values, life, agency)


# ---------------------------------------------------------------- content pages

def validate_content(pages: list[ContentPage], reserved: set[str], problems: list[Diagnostic]) -> list[ContentPage]:
    seen: dict[str, str] = {}
    kept = []
    for page in pages:
        if not _PAGE_SLUG.match(page.slug):  # it becomes a path in the output: nothing else may
            problems.append(diag("E-CONTENT", page.path, 1,
                                 detail=f"slug“{page.slug}”只能含小写字母、数字、连字符和 /"))
            continue
        if page.slug in seen or page.slug.split("/")[0] in reserved:
            problems.append(diag("E-SLUG-DUPLICATE", page.path, 1, slug=page.slug,
                                 other=seen.get(page.slug, "系统页面")))
            continue
        seen[page.slug] = page.path
        if hit := find_personal_data(page.html):
            problems.append(diag("E-PERSONAL-DATA", page.path, 1, column="正文", kind=hit[0], masked=hit[1]))
            continue
        kept.append(page)
    return kept


# ---------------------------------------------------------------- corrections log (P5.1)

@dataclass(frozen=True)
class PendingCorrection:
    """A row of the corrections log before its record is found."""

    dataset: str
    ref: str             # what the editor wrote: the record's id, or its number (the key's last column)
    on: object           # date
    shown: tuple
    line: int
    ref_col: int


def validate_corrections(table: RawTable, schema: TableSchema, datasets: set[str],
                         problems: list[Diagnostic]) -> list[PendingCorrection]:
    cols = check_header(table, schema, problems)
    if cols is None:
        return []
    parsers = [cell_parser(spec) for spec in schema.fields]
    index = {spec.name: i for i, spec in enumerate(schema.fields)}
    public = [(i, s) for i, s in enumerate(schema.fields) if s.public]
    scanned = [(i, s) for i, s in enumerate(schema.fields) if s.scanned_for_personal_data]
    width, out = len(table.header), []
    for line, cells in table.rows:
        if len(cells) != width:
            problems.append(diag("E-ROW-LENGTH", table.path, line, got=len(cells), expected=width))
            continue
        values, bad = [], False
        for spec, parse, c in zip(schema.fields, parsers, cols):
            try:
                values.append(parse(cells[c]) if c >= 0 else None)
            except CellError as err:
                problems.append(diag(err.code, table.path, line, c + 1, column=spec.name, **err.params))
                values.append(None)
                bad = True
        dataset, ref, on = (values[index[n]] for n in ("数据集", "记录", "更正日期"))
        for name, value in (("数据集", dataset), ("记录", ref), ("更正日期", on)):
            if value is None and not bad:
                problems.append(diag("E-REQUIRED", table.path, line, cols[index[name]] + 1, column=name))
                bad = True
        if dataset is not None and dataset not in datasets:
            problems.append(diag("E-CORRECTION-REF", table.path, line, cols[index["数据集"]] + 1,
                                 detail=f"数据集“{dataset}”不在 site_config.yaml 中"))
            bad = True
        for i, spec in scanned:
            if values[i] and (hit := find_personal_data(values[i])):
                problems.append(diag("E-PERSONAL-DATA", table.path, line, cols[i] + 1, column=spec.name,
                                     kind=hit[0], masked=hit[1]))
                bad = True
        if not bad:
            shown = tuple((s.name, _shown(values[i])) for i, s in public)
            out.append(PendingCorrection(dataset, str(ref).strip(), on, shown, line, cols[index["记录"]] + 1))
    return out


def resolve_corrections(pending: list[PendingCorrection], path: str, numbers: dict,
                        number_spec: FieldSpec | None, problems: list[Diagnostic]) -> dict:
    """Corrections by record id, oldest first.  ``numbers``: the key's last column → ids, over
    every row of the dataset (see ``validate_table``); a number is matched as keys are (I3)."""
    found: dict[str, list] = {}
    ids = {i for found_ids in numbers.values() for i in found_ids}
    for c in pending:
        if c.ref in ids:
            matches = [c.ref]
        else:
            matches = numbers.get(_key_part(number_spec, c.ref), [])
        if len(matches) != 1:
            problems.append(diag("E-CORRECTION-REF", path, c.line, c.ref_col, detail=(
                f"“{c.ref}”在数据集 {c.dataset} 中{'对应多条记录，请改填记录标识（网址中的 16 位编号）' if matches else '找不到对应的记录'}")))
            continue
        found.setdefault(matches[0], []).append(Correction(c.dataset, matches[0], c.on, c.shown, path, c.line))
    return {k: tuple(sorted(v, key=lambda c: (c.on, c.line))) for k, v in found.items()}


def _shown(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return "、".join(value) if isinstance(value, tuple) else str(value)
