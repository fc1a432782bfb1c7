"""Load: a site's inputs in — configuration, work calendar, departments, the corrections log,
datasets, content pages — read, validated, redacted and expired; the site model out.  Shared by
``gongshi build``, which renders the model, and ``gongshi check``, which checks the records.

Records stream from the CSV through validation, redaction and expiry, so the build holds only
the public values of the records it shows.  ``gongshi check`` asks for ``full_records``: each
dataset's validated records are then kept as well — private fields included, internal datasets
too — for its rules, and never rendered.  Every problem goes into the report; the site model is
made only when there is no error.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import NamedTuple

from .cache import Cache
from .calendar import WorkCalendar
from .checks import CHECKS
from .config import CONFIG_FILE, CORRECTION_COLUMNS, ConfigError, DatasetConfig, SiteConfig, dataset_problems, load_config
from .ledger import apply as apply_ledger, read_ledger
from .diagnostics import Report, diag
from .frontmatter import unlinked_pages
from .model import Agency, RawTable, Record
from .outputs.kinds import KINDS, outputs
from .outputs.reuse import code_digest
from .outputs.routes import RESERVED, served_from
from .privacy import yaml_text_problems
from .schema import SchemaError, TableSchema, load_schema
from .site import DatasetView, Site
from .stages.assemble import assemble, dataset_view
from .stages.assets import asset_collisions, check_assets
from .stages.corrections import resolve_corrections, validate_corrections
from .stages.expire import expire
from .stages.read import content_files, make_agency, read_agencies, read_content, read_table
from .stages.redact import redact
from .stages.validate import Context, validate_agencies, validate_content, validate_table


class Table(NamedTuple):
    """A dataset's validated records, private fields included (``full_records`` only)."""

    config: DatasetConfig
    schema: TableSchema
    records: tuple[Record, ...]


@dataclass(frozen=True)
class Loaded:
    config: SiteConfig | None = None      # None: site_config.yaml or the calendar could not be read
    calendar: WorkCalendar | None = None
    agencies: tuple[Agency, ...] = ()
    tables: dict = field(default_factory=dict)  # dataset name → Table, with ``full_records`` only
    site: Site | None = None              # None when the inputs have errors (see the report)


def load(root: Path, as_of: date, report: Report, *, full_records: bool = False, out: Path | None = None,
         today: date | None = None, jobs: int = 1, store: Cache | None = None) -> Loaded:
    """The site at ``root`` as shown on ``as_of``; every problem found goes into ``report``.
    ``out``: the output directory of a build, which the content folder may not overlap.  ``today``:
    the real date (the CLI's clock), after which no event date can be (E-DATE-FUTURE); it decides
    whether the load fails, never what is output (None: not checked).  ``jobs``: processes that a
    large table's rows may be checked in (``rowpool.py``); the result is the same for any number.
    ``store``: a build's cache, where the rows' own checks are kept, encrypted (``rowcache.py``);
    the result is the same with or without it."""
    try:  # every problem of the configuration and the calendar files is a diagnostic, never a traceback
        config = load_config(root)
        calendar = WorkCalendar.load(*config.calendar_files, root=root)
    except ConfigError as exc:
        report.extend(exc.diagnostics)
        return Loaded()
    for f in (root / CONFIG_FILE, *config.calendar_files):  # site texts and calendar notices reach pages (P3.3)
        report.extend(yaml_text_problems(root, f.relative_to(root).as_posix() if f.is_relative_to(root) else str(f)))
    agencies = tuple(validate_agencies(config.agencies_file, read_agencies(root, config.agencies_file, report.items),
                                       report.items, make_agency))
    ctx = Context(frozenset(a.name for a in agencies), calendar, {a.name: a.level for a in agencies},
                  hearings_held(root, config), today)
    corrections = read_corrections(root, config, report)
    ledger = read_ledger(root, report.items)  # what was published before: deleted rows still leave properly
    # the 公示情况 page's figures, counted as the records stream by (the check makes its own)
    figures = _figures(config, agencies, calendar, as_of) if config.supervision.public_page and not full_records else None
    tables, views, counts = {}, {}, {}
    kept = (store, code_digest()) if store is not None and store.root is not None else (None, b"")
    for ds in config.datasets:
        table, view, count = _dataset(root, config, ds, ctx, corrections.get(ds.name, []), as_of, report, full_records,
                                      ledger.get(ds.name), figures, jobs, kept)
        if table is not None:
            tables[ds.name] = table
        if view is not None:
            views[ds.name], counts[ds.name] = view, count
    reserved = RESERVED | {ds.path for ds in config.datasets if not ds.internal}
    markdown, files = content_files(root, config, report.items, out)
    pages = validate_content(read_content(root, config.content_dir, markdown, report.items), reserved, report.items)
    report.extend(unlinked_pages(pages))  # front matter says where a page appears (issue 11.8)
    assets = check_assets(root, config.content_dir, files, reserved, report.items)
    for year in sorted(calendar.provisional_years):
        report.add(diag("W-CALENDAR", CONFIG_FILE, year=year))
    site = None
    if not report.errors:
        years = tuple((n.year, n.basis) for n in sorted(calendar.notices.values(), key=lambda n: n.year))
        site = assemble(config, as_of, agencies, views, pages, years, counts, assets)
        if figures is not None:
            site = replace(site, disclosure=figures.result())
        # a content file may not take the place of an output (/robots.txt, /sitemap.xml …)
        asset_collisions(assets, (served_from(o.url).lstrip("/") for o in outputs(site, KINDS)), report.items)
        if report.errors:
            site = None
    return Loaded(config, calendar, agencies, tables, site)


def _dataset(root: Path, config: SiteConfig, ds: DatasetConfig, ctx: Context, pending: list, as_of: date,
             report: Report, full_records: bool, remembered: dict | None = None, figures=None, jobs: int = 1,
             kept: tuple = (None, b"")) -> tuple[Table | None, DatasetView | None, dict | None]:
    """One dataset streamed through validate → redact → expire into its view, with its
    corrections (``pending``: the log's rows naming it); and its full records if asked for.
    ``remembered``: its records in the ledger (ledger.py): none resurrected, deleted ones withdrawn.
    ``figures``: a supervision Collector that sees every validated record as it passes."""
    source = _source(root, ds, report)
    if source is None:
        return None, None, None
    schema, raw = source
    numbers = {} if pending else None  # the corrections log names records by number
    records = validate_table(raw, ds, schema, ctx, report.items, numbers, jobs, *kept)
    if figures is not None:
        records = figures.watch(ds, schema, records)
    table = None
    if full_records:
        table = Table(ds, schema, tuple(records))
        records = table.records
    if ds.internal:  # never rendered, not even counted on a page (P3.1): validated only
        deque(records, maxlen=0)
        return table, None, None
    if remembered:
        records = apply_ledger(records, remembered, ds, schema, as_of, report.items, numbers)
    shown = expire(redact(records, schema), as_of, _column(raw, ds.role("reviewed_on")), report.items,
                   ds.deadline.basis if ds.deadline else "",
                   repair_notice=bool(ds.credit and ds.credit.repair and ds.credit.repair.page == "notice"))
    corrected = {}
    if _matchable(numbers, ds.file, report):
        corrected = resolve_corrections(pending, config.corrections.file if config.corrections else "",
                                        numbers or {}, schema.field(ds.key[-1]), report.items)
    view = dataset_view(ds, tuple(f for f in schema.fields if f.public), shown.listed, shown.withdrawn,
                        ctx.levels.get, shown.expired, corrected, as_of)
    return table, view, {v.value: n for v, n in shown.counts.items()}


def _figures(config: SiteConfig, agencies, calendar: WorkCalendar, as_of: date):
    """The public page's figures: counts and public dates only (no ``supervision.reportable``)."""
    from .compliance.supervision import Collector  # generator.compliance imports this module

    return Collector(config, agencies, calendar, as_of, reportable=False)


def _source(root: Path, ds: DatasetConfig, report: Report) -> tuple[TableSchema, RawTable] | None:
    """A dataset's schema, checked against its configuration, and its CSV opened for streaming."""
    try:
        schema = load_schema(root, ds.schema)
    except SchemaError as exc:
        report.extend(exc.diagnostics)
        return None
    if misconfigured := dataset_problems(ds, lambda col: schema.field(col) is not None, CHECKS,
                                         lambda col: schema.field(col).public):
        report.extend(misconfigured)
        return None
    raw = read_table(root, ds.file, report.items)
    return None if raw is None else (schema, raw)


def _column(raw: RawTable, name: str | None) -> int:
    """The column of ``name`` in the CSV as read (1 = A), 0 if absent: a diagnostic's position."""
    return raw.header.index(name) + 1 if name in raw.header else 0


def _matchable(numbers: dict | None, path: str, report: Report) -> bool:
    """Whether a dataset's corrections can be looked for among its rows: not when no row was read
    because its table was rejected (a bad header …), which is reported already — "record not
    found" would only repeat it."""
    return numbers is not None and (bool(numbers) or not any(d.path == path for d in report.errors))


def hearings_held(root: Path, config) -> dict:
    """The hearings each dataset's ``major.hearing`` test looks in (L2: decided after a hearing),
    by dataset name: read from the raw CSV, since that dataset may come later in the order.  Its
    own problems are reported when it is validated; a hearing taken down was not held."""
    from .config import STATUS_WITHDRAWN
    from .dates import parse_date
    from .major import Hearings

    held = {}
    links = {ds.major.hearing.dataset: ds.major.hearing for ds in config.datasets if ds.major and ds.major.hearing}
    for name, link in sorted(links.items()):
        hds = config.dataset(name)
        table = read_table(root, hds.file, [])
        if table is None:
            continue
        at = {c: i for i, c in enumerate(table.header)}
        cols = [at.get(c) for c in (hds.agency_field, link.applicant, hds.date_field, hds.key[-1], hds.role("status"))]

        def cell(cells, i):
            return cells[i].strip() if i is not None and i < len(cells) else ""
        held[name] = Hearings.of(
            (cell(c, cols[0]), cell(c, cols[1]), parse_date(cell(c, cols[2])), cell(c, cols[3]))
            for _, c in table.rows if cell(c, cols[4]) not in STATUS_WITHDRAWN)
    return held


def read_corrections(root: Path, config: SiteConfig, report: Report) -> dict:
    """The corrections log (P5.1), by dataset name; its records are found as the datasets stream."""
    if config.corrections is None:
        return {}
    try:
        schema = load_schema(root, config.corrections.schema)
    except SchemaError as exc:
        report.extend(exc.diagnostics)
        return {}
    missing = [c for c in CORRECTION_COLUMNS if schema.field(c) is None]
    if missing:
        report.add(diag("E-CONFIG", CONFIG_FILE, detail=f"corrections：{config.corrections.schema} 缺少列 {'、'.join(missing)}"))
        return {}
    table = read_table(root, config.corrections.file, report.items)
    if table is None:
        return {}
    by_dataset: dict = {}
    published = {ds.name for ds in config.datasets if not ds.internal}  # an internal one has nothing to correct
    for c in validate_corrections(table, schema, published, report.items):
        by_dataset.setdefault(c.dataset, []).append(c)
    return by_dataset
