"""``gongshi check``: everything the build would reject, then the compliance rules (P1, P5.3, P6,
P8, P9, L1–L4, C4) over the full validated records — private columns included, nothing written.

``run_check()`` is a pure function of (site inputs, as-of date), like the build.
"""

from __future__ import annotations

import os

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..config import CONFIG_FILE
from ..conceal import conceal_findings, conceal_text, record_private
from ..diagnostics import DEFAULT_MAX_PER_CODE, Diagnostic, Report, diag
from ..load import Loaded, load
from .announcements import announced_on, missing_announcements, months_by_level
from .common import record_label
from .credit import downgraded, repair_eligible
from .duties import duty_findings
from .expiry import expiry, scheduled
from .major import unmarked_major
from .publication import overdue_publications
from .references import certificates, citation_conflicts, law_status, repealed_citations
from .settings import Compliance, load_compliance
from .since import prepare, since_findings
from ..ledger import findings as ledger_findings, read_ledger
from .supervision import collect, input_digest, input_files, reportable_problems

# the build's warnings that the check reports as errors instead (E-OVERDUE, E-RECORD-…)
SUPERSEDED = {"W-OVERDUE", "W-RECORD-DELETED", "W-RECORD-RESURRECTED"}


@dataclass
class CheckResult:
    as_of: date
    report: Report
    expiry: dict = field(default_factory=dict)      # dataset → expiring / expired counts and lists
    expiring_days: int = 30
    scheduled: dict = field(default_factory=dict)   # dataset → records whose 公示日期 is still to come
    calendar_years: tuple[int, ...] = ()
    provisional_years: tuple[int, ...] = ()
    where: dict = field(default_factory=dict)       # (path, row) → (dataset, record) for every record
    repair: dict = field(default_factory=dict)      # dataset → records whose party may apply for repair (P10.3)
    root: Path | None = None                        # the site, where the report finds Excel positions
    figures: object = None                          # supervision.Figures (``run_check(figures=True)``)
    agency_of: dict = field(default_factory=dict)   # (path, row) → department, with the figures
    inputs: tuple = ()                              # the files the figures are made from
    digest: str = ""                                # their SHA-256, with the figures
    revision: str = ""                              # the data's version control revision (the CLI's)
    site_title: str = ""


def run_check(root: Path, as_of: date, max_per_code: int | None = DEFAULT_MAX_PER_CODE,
              since: str | None = None, figures: bool = False, today: date | None = None) -> CheckResult:
    """``since``: a git revision to compare the public state with (``--since``, compliance/since.py);
    raises gitrev.RevisionError when it cannot be read. ``figures``: also the supervisors' figures
    (the HTML report: supervision.py). ``today``: the real date, for E-DATE-FUTURE (see ``load``)."""
    report = Report(max_per_code)
    pending = prepare(Path(root), since, as_of) if since is not None else None  # REV, meanwhile
    # the build's problems, and every dataset's validated records (those that did validate, when
    # some did not), private fields included
    keep = load(Path(root), as_of, report, full_records=True, today=today, jobs=os.cpu_count() or 1)
    broken = {d.path for d in report.errors}  # files whose rejected rows are not "missing"
    result = CheckResult(as_of, report, root=Path(root))
    if keep.config is None:  # site_config.yaml or the calendar unreadable: nothing more to check
        if pending is not None:
            pending.cancel()
        return result
    schemas = {name: t.schema for name, t in keep.tables.items()}
    names = {ds.name for ds in keep.config.datasets}

    def has_column(dataset, column):
        if dataset not in names:
            return None
        return dataset not in schemas or schemas[dataset].field(column) is not None

    compliance, problems = load_compliance(keep.config.raw, has_column)
    report.drop(SUPERSEDED)
    report.extend(problems)
    report.extend(reportable_problems(keep.config, schemas))
    calendar = keep.calendar
    before = set(calendar.provisional_years)
    if not problems:
        report.extend(conceal_findings(_findings(compliance, keep, as_of), keep.tables))
    report.extend(ledger_findings(read_ledger(Path(root), []), keep.tables, as_of, broken))
    report.extend(diag("W-CALENDAR", CONFIG_FILE, year=y) for y in sorted(calendar.provisional_years - before))
    report.extend(_calendar_due(compliance, calendar, as_of))
    if since is not None:
        report.extend(since_findings(Path(root), since, as_of, keep, pending))
    result.expiry = expiry(keep.tables, as_of, compliance.expiring_days)
    result.repair = {name: found for name, (ds, _schema, records) in keep.tables.items()
                     if (found := repair_eligible(ds, records, as_of))}
    result.expiring_days = compliance.expiring_days
    result.scheduled = scheduled(keep.tables, as_of)
    result.calendar_years = tuple(sorted(calendar.notices))
    result.provisional_years = tuple(sorted(calendar.provisional_years))
    result.where = {(r.path, r.line): (t.config.name, _label(t.config, t.schema, r))
                    for t in keep.tables.values() for r in t.records}
    if figures:
        _figures(result, keep, compliance, as_of, max_per_code)
    return result


def _figures(result: CheckResult, keep: Loaded, compliance: Compliance, as_of: date, limit) -> None:
    result.figures = collect(keep.config, keep.agencies, keep.calendar, keep.tables, as_of, limit=limit,
                             compliance=compliance)
    result.agency_of = {(r.path, r.line): r.agency for _ds, _schema, records in keep.tables.values()
                        for r in records if r.agency}
    result.agency_of.update({(keep.config.agencies_file, a.line): a.name for a in keep.agencies})
    result.inputs = input_files(result.root, keep.config)
    result.digest = input_digest(result.root, result.inputs)
    result.site_title = keep.config.title


def _label(ds, schema, record) -> str:
    """The record's key, its private parts masked (an internal dataset's key may be private)."""
    label = record_label(ds, record)
    if all(schema.field(k) is None or schema.field(k).public for k in ds.key):
        return label
    return conceal_text(label, record_private(schema, record)[1])


def _findings(c: Compliance, keep: Loaded, as_of: date) -> list[Diagnostic]:
    tables, calendar, out = keep.tables, keep.calendar, []
    for ds, _schema, records in tables.values():
        out += overdue_publications(ds, records, as_of, calendar)
    for duty in c.duties:
        if duty.dataset in tables:
            ds, _schema, records = tables[duty.dataset]
            out += duty_findings(duty, ds, records, as_of, calendar)
    levels = {a.name: a.level for a in keep.agencies}
    for ds, _schema, records in tables.values():
        out += unmarked_major(ds, records)
        out += downgraded(ds, records, levels)
    if c.certificates and c.certificates["dataset"] in tables:
        ds, _schema, records = tables[c.certificates["dataset"]]
        out += certificates(c.certificates, ds, records, as_of)
    if c.repealed and c.repealed["dataset"] in tables:
        status = law_status(c.repealed, tables[c.repealed["dataset"]][2])
        for name, column in c.repealed["cited_in"].items():
            if name in tables:
                ds, _schema, records = tables[name]
                out += repealed_citations(c.repealed, status, ds, column, records)
    if c.citations:
        out += citation_conflicts(c.citations["cited_in"], tables)
    if c.announcements:
        months = c.announcements["months"] or months_by_level(keep.config, c.announcements["dataset"], keep.agencies)
        announced: dict = {}
        for name in (c.announcements["dataset"], c.announcements.get("nil_returns")):
            for agency, days in announced_on(tables.get(name, (None, None, ()))[2], as_of).items():
                announced.setdefault(agency, []).extend(days)
        out += missing_announcements({**c.announcements, "months": months}, keep.agencies,
                                     keep.config.agencies_file, announced, as_of)
    return out


def _calendar_due(c: Compliance, calendar, as_of: date) -> list[Diagnostic]:
    """C4: this year's notice must be in the calendar; next year's from the due day (1 November)."""
    due = c.next_year_due(as_of)
    years = [(as_of.year, date(as_of.year, 1, 1))] + ([(as_of.year + 1, due)] if as_of >= due else [])
    return [diag("W-CALENDAR-NEXT-YEAR", CONFIG_FILE, year=year, due=since.isoformat())
            for year, since in years if not calendar.known(year)]
