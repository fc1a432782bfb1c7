"""Validate: raw rows in, typed records out — or positioned problems.

Each cell is parsed by its schema field (dates in the three forms editors type, numbers,
enumerations, identifiers); then the dataset's cross-field checks run, public free text is
scanned for personal data (P3.3), keys are checked for uniqueness (I3), and the record's life
cycle (publication, review, period, deadline) is derived.  Rows stream through: only the keys
seen so far are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from ..cache import Cache
from ..calendar import WorkCalendar
from ..checks import CHECKS, review_problems
from ..conceal import row_concealer
from ..controls import CONTROL
from ..config import STATUS_NORMAL, STATUS_NOTED, STATUS_WITHDRAWN, DatasetConfig, PeriodRule, when_matches
from ..cells import CellError, absent, cell_parser, check_header, key_part, record_id
from ..rowcache import RowCache, fingerprint
from ..rowpool import checked_rows
from ..credit import classify
from ..dates import period_last_day
from ..diagnostics import Diagnostic, diag
from ..identifiers import uscc_problem
from ..major import BINDING, Hearings, Major, assess
from ..model import Agency, ContentPage, Layout, Lifecycle, RawTable, Record
from ..privacy import cell_scanner, find_personal_data, yaml_problems
from ..schema import TableSchema

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PAGE_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$")
AGENCY_LEVELS = ("区", "市", "县")


@dataclass(frozen=True)
class Context:
    agency_names: frozenset[str]
    calendar: WorkCalendar
    levels: dict = field(default_factory=dict)    # department → 层级 (区/市/县): attachment 6 as written or not
    hearings: dict = field(default_factory=dict)  # dataset name → Hearings held (L2: decided after a hearing)
    # the real date, from the CLI's clock (not the as-of date: a build for a past day still holds
    # the records decided since): an event date after it cannot be true (E-DATE-FUTURE); None: unchecked
    today: date | None = None


# ---------------------------------------------------------------- departments

def validate_agencies(relpath: str, items: list[tuple[int, dict, tuple]], problems: list[Diagnostic],
                      make) -> list[Agency]:
    agencies, ids, names = [], {}, {}
    for line, item, shown in items:
        problems.extend(yaml_problems(relpath, shown))  # office phones pass; a mobile or an ID does not (P3.3)
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


# ---------------------------------------------------------------- life cycle

def lifecycle(get, ds: DatasetConfig, calendar: WorkCalendar, level: str = "", major: Major = Major()) -> Lifecycle:
    period = ds.period
    start = get(period.start) if period.start else None
    credit, klass, why, periods = ds.credit, "", "", None
    if credit and start is not None:  # 失信程度 (P10.1), and what it is published for (P10.2)
        klass, why = classify(credit, get, level)
        periods = credit.classes.get(klass)
    chosen = period.default
    if periods and periods.portal:  # the class's own period on the portal, instead of the default
        chosen = PeriodRule(periods.portal.years, periods.portal.months, periods.portal.basis)
    for rule in period.rules:  # the longest matching period wins (P2.5)
        if all(when_matches(get(col), want) for col, want in rule.when) and \
                (rule.indefinite or (not chosen.indefinite and
                                     rule.years * 12 + rule.months > chosen.years * 12 + chosen.months)):
            chosen = rule
    last_day = None
    if not chosen.indefinite and start is not None:
        last_day = period_last_day(start, chosen.years, chosen.months)
    if period.until:  # 长期 while valid (P2.6)
        until = get(period.until)
        if until is not None:
            last_day = until if last_day is None else min(last_day, until)
    deadline, provisional = None, False
    if ds.deadline and (begin := get(ds.deadline.start)) is not None and \
            all(when_matches(get(col), want) for col, want in ds.deadline.when):
        deadline, provisional = calendar.deadline(begin, ds.deadline.working_days)
    status = get(ds.role("status")) or ""
    credit_life = {}
    if periods:
        credit_life = dict(credit_class=klass, credit_reason=why, credit_last_day=last_day,
                           credit_label=chosen.describe(), credit_basis=chosen.basis,
                           repair_from=periods.repair_after.last_day(start) + timedelta(days=1))
        if start >= credit.since:  # decided under Order 36: its period on the credit channel
            own = periods.creditchina
            credit_life.update(credit_sent=own is not None, credit_basis=periods.basis,
                               credit_label=own.describe() if own else "不报送",
                               # the platform sends only what it publishes: never past the portal
                               credit_last_day=None if own is None else
                               min(d for d in (own.last_day(start), last_day) if d is not None))
        if credit.repair:
            credit_life.update(repaired_on=get(credit.repair.on), repair_ends=credit.repair.ends)
    return Lifecycle(
        published_on=get(ds.role("published_on")), reviewed_on=get(ds.role("reviewed_on")),
        status=status, status_on=get(ds.role("status_on")), period_start=start, last_day=last_day,
        period_label=chosen.describe(), period_basis=chosen.basis,
        deadline=deadline, deadline_provisional=provisional, major=major.kind,
        major_reason="；".join(major.reasons), **credit_life,
    )


def law_problems(get, ds: DatasetConfig, life: Lifecycle, major: Major) -> Iterator[tuple]:
    """(code, column, params) of what the law's rules find in a row: a major decision by rule not
    marked as such (L2, L3), a major one without an agreeing legal review before it was made (L1);
    an incomplete or early credit repair (P10.3, P10.4)."""
    m = ds.major
    if m and major.kind == BINDING and get(m.flag) != "是":
        yield "E-MAJOR-UNMARKED", m.flag, {"reason": life.major_reason, "flag": m.flag}
    if m and (major.kind == BINDING or get(m.flag) == "是"):
        yield from review_problems(get, major.decided)
    repair = ds.credit.repair if ds.credit else None
    if repair and life.credit_class:
        given = {c: get(c) for c in (repair.number, repair.on, repair.body)}
        if any(v not in (None, "") for v in given.values()):
            for column, value in given.items():
                if value in (None, ""):
                    yield "E-REPAIR-INCOMPLETE", column, {"missing": column}
        if life.repaired_on and life.repair_from and life.repaired_on < life.repair_from:
            periods = ds.credit.classes[life.credit_class]
            yield "E-REPAIR-EARLY", repair.on, {
                "repaired": life.repaired_on.isoformat(), "earliest": life.repair_from.isoformat(),
                "klass": life.credit_class, "minimum": periods.repair_after.describe(),
                "decided": life.period_start.isoformat() if life.period_start else ""}


# ---------------------------------------------------------------- tables

def validate_table(table: RawTable, ds: DatasetConfig, schema: TableSchema, ctx: Context,
                   problems: list[Diagnostic], numbers: dict | None = None, jobs: int = 1,
                   store: Cache | None = None, code: bytes = b"") -> Iterator[Record]:
    """Typed records of the valid rows.  ``numbers``, when given, collects the key's last column
    → record ids of every row, valid or not (the corrections log names records by number).
    ``jobs``: processes among which the rows' own checks may be shared (``rowpool.py``); what
    spans rows (unique keys, the numbers) is decided here, in the rows' order, so the records and
    the problems are the same for any ``jobs``.  ``store``: a build cache, where the rows' own
    checks are kept chunk by chunk, encrypted (``rowcache.py``; ``code``: ``code_digest()``)."""
    cols = check_header(table, schema, problems)
    if cols is None:
        return
    row = RowCheck(table.path, len(table.header), ds, schema, ctx, cols)
    specs, path, flag_col = schema.fields, table.path, row.col_of
    unique = {i: {} for i, s in enumerate(specs) if s.unique}  # column → value → first line
    seen: dict[tuple, int] = {}
    last = ds.key[-1]
    conceal_row = row_concealer(specs, cols, key_part)  # private values never reach a log (P3.1)
    kept = None
    if store is not None and store.root is not None:
        kept = RowCache(store, ds.name, fingerprint(code, path, table.header, ds, schema, ctx),
                        [i for i, s in enumerate(specs) if s.event_date], ctx.today)

    for (line, cells), checked in checked_rows(row, table.rows, jobs, table.again, kept):
        if isinstance(checked, Diagnostic):
            problems.append(checked)
            continue
        row_problems, flagged = checked.problems, checked.flagged

        def flag(code, column, **params):
            if column not in flagged:
                flagged.add(column)
                row_problems.append(diag(code, path, line, flag_col.get(column, 0), column=column, **params))

        for i, value in checked.uniques:
            seen_values = unique[i]
            if value in seen_values:
                flag("E-DUPLICATE", specs[i].name, value=value, other_row=seen_values[value])
            else:
                seen_values[value] = line
        key, rid = checked.key, checked.rid
        if numbers is not None and rid not in (same := numbers.setdefault(key[-1], [])):
            same.append(rid)
        if key in seen:
            flag("E-DUPLICATE", last, value=" ".join(k for k in key if k), other_row=seen[key])
        else:
            seen[key] = line
        for code, column, params in checked.later:
            flag(code, column, **params)
        values, life = checked.values, checked.life
        if row_problems:
            problems.extend(conceal_row(row_problems, cells, values))
            continue
        if life.deadline and life.published_on and life.published_on > life.deadline:
            problems.extend(conceal_row([diag(
                "W-LATE", path, line, flag_col.get(ds.role("published_on"), 0),
                published=life.published_on.isoformat(), deadline=life.deadline.isoformat(),
                basis=ds.deadline.basis, days=ctx.calendar.workdays_after(life.deadline, life.published_on))],
                cells, values))
        yield Record(ds.name, rid, path, line, row.layout, values, life, checked.agency)
    if kept is not None:
        kept.finish()


class Checked(NamedTuple):
    """What one row's own checks found: its typed values, the problems and the cells flagged so
    far, what the law's rules found (flagged after the keys, as they always were), its life cycle,
    and what the table-wide checks need (its unique values, key and id)."""

    values: tuple
    problems: list
    flagged: set
    later: list          # (code, column, params)
    life: Lifecycle
    agency: str | None
    uniques: tuple       # (column index, value) of its non-empty unique cells
    key: tuple
    rid: str


class RowCheck:
    """A row's own checks, everything that needs no other row: ``(line, cells)`` → Checked, or the
    row's one Diagnostic when its length is wrong.  Holds no state between rows, so that rows may
    be checked in other processes (``rowpool.py``)."""

    def __init__(self, path: str, width: int, ds: DatasetConfig, schema: TableSchema, ctx: Context, cols: list[int]):
        specs = schema.fields
        self.path, self.width, self.ds, self.ctx, self.specs = path, width, ds, ctx, specs
        self.layout = Layout(schema.names)
        self.index = self.layout.index
        self.col_of = {spec.name: cols[i] + 1 for i, spec in enumerate(specs)}
        self.checks = [CHECKS[name] for name in ds.checks]
        self.references = [(i, s) for i, s in enumerate(specs) if s.references == "agencies"]
        # every public cell, as typed, whatever its type (P3.3); an internal dataset publishes nothing
        self.scan = cell_scanner([] if ds.internal else
                                 [(c, s.name) for c, s in zip(cols, specs) if c >= 0 and s.scanned_for_personal_data])
        self.key_specs = [(self.index[name], schema.field(name)) for name in ds.key]
        self.unique = [i for i, s in enumerate(specs) if s.unique]
        self.order = [(a, b, self.index[a], self.index[b]) for a, b in ds.order if a in self.index and b in self.index]
        self.events = [(i, s.name) for i, s in enumerate(specs) if s.event_date] if ctx.today else []
        self.status_cols = ds.role("status"), ds.role("status_on"), ds.role("status_note")
        # an optional column absent from the header reads as an empty cell
        self.cells_of = [(cell_parser(spec), c) if c >= 0 else (absent, 0) for spec, c in zip(specs, cols)]
        # the common row has no control character (one search of the whole row) and many empty
        # optional cells (no call at all): these parsers skip the search cell by cell
        self.quick_of = [(cell_parser(spec, controls_checked=True) if c >= 0 else absent, max(c, 0),
                          spec.required and c >= 0) for spec, c in zip(specs, cols)]

    def chunk(self, rows: list) -> tuple[list, frozenset]:
        """The answers of ``rows``, and the calendar's provisional years their deadlines touched
        (W-CALENDAR): collected chunk by chunk, so that a chunk answered by a helper process or
        by the row cache gives them back as if checked here (``rowpool.py``)."""
        years = self.ctx.calendar.provisional_years
        before = set(years)
        years.clear()
        try:
            return [self(*row) for row in rows], frozenset(years)
        finally:
            years.update(before)

    def touched(self, years) -> None:
        self.ctx.calendar.provisional_years.update(years)

    def __call__(self, line: int, cells: tuple[str, ...]) -> Checked | Diagnostic:
        path, ds, ctx, specs = self.path, self.ds, self.ctx, self.specs
        if len(cells) != self.width:
            return diag("E-ROW-LENGTH", path, line, got=len(cells), expected=self.width)
        row_problems: list[Diagnostic] = []
        flagged: set[str] = set()  # one problem per cell: the first one found
        # personal data first, so that no other message about the cell quotes it
        for c, column, kind, masked in self.scan(cells):
            flagged.add(column)
            row_problems.append(diag("E-PERSONAL-DATA", path, line, c + 1, column=column, kind=kind, masked=masked))
        try:  # the common case: every cell parses
            if CONTROL.search("".join(cells)):
                raise CellError("E-CONTROL-CHAR")  # which cell: the parsers below say
            values = tuple([parse(v) if (v := cells[c]) or required else None for parse, c, required in self.quick_of])
        except CellError:  # again, cell by cell, to report every bad cell of the row
            values = []
            for spec, (parse, c) in zip(specs, self.cells_of):
                try:
                    values.append(parse(cells[c]))
                except CellError as err:
                    if spec.name not in flagged:
                        row_problems.append(diag(err.code, path, line, c + 1, column=spec.name, **err.params))
                        flagged.add(spec.name)
                    values.append(None)
            values = tuple(values)
        col_of = self.col_of

        def get(name, _v=values, _i=self.index):
            i = _i.get(name)
            return None if i is None else _v[i]

        def flag(code, column, **params):
            if column not in flagged:
                flagged.add(column)
                row_problems.append(diag(code, path, line, col_of.get(column, 0), column=column, **params))

        for i, spec in self.references:
            if values[i] is not None and values[i] not in ctx.agency_names:
                flag("E-AGENCY-UNKNOWN", spec.name, value=values[i])
        for check in self.checks:
            for code, column, params in check(get, ds):
                flag(code, column, **params)
        for earlier, later, ia, ib in self.order:
            a, b = values[ia], values[ib]
            if a is not None and b is not None and b < a:
                flag("E-DATE-ORDER", later, later=later, later_value=b.isoformat(),
                     earlier=earlier, earlier_value=a.isoformat())
        for i, column in self.events:  # a decision or check dated after today cannot be true (P2.1, P8)
            if values[i] is not None and values[i] > ctx.today:
                flag("E-DATE-FUTURE", column, value=values[i].isoformat(), as_of=ctx.today.isoformat())
        status_col, status_on_col, status_note_col = self.status_cols
        status = get(status_col)
        if status not in (None, *STATUS_NORMAL) and (status in STATUS_NOTED or status in STATUS_WITHDRAWN):
            if get(status_on_col) is None or not get(status_note_col):
                flag("E-STATUS-DATE", status_on_col if get(status_on_col) is None else status_note_col,
                     status=status)
        uniques = tuple((i, value) for i in self.unique if (value := key_part(specs[i], values[i])))
        key = tuple(key_part(spec, values[i]) for i, spec in self.key_specs)
        agency = get(ds.agency_field) if ds.agency_field else None
        level = ctx.levels.get(agency, "")
        major = assess(ds.major, get, agency=agency, level=level, decided=get(ds.date_field) if ds.date_field else None,
                       hearings=ctx.hearings.get(ds.major.hearing.dataset) if ds.major.hearing else None) \
            if ds.major else Major()
        life = lifecycle(get, ds, ctx.calendar, level, major)
        return Checked(values, row_problems, flagged, list(law_problems(get, ds, life, major)), life, agency,
                       uniques, key, record_id(ds.name, key))


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
        if found := yaml_problems(page.path, page.front_matter):  # title, summary … (P3.3)
            problems.extend(found)
            continue
        if hit := find_personal_data(page.html):
            problems.append(diag("E-PERSONAL-DATA", page.path, 1, column="正文", kind=hit[0], masked=hit[1]))
            continue
        kept.append(page)
    return kept
