"""The build, as a table of contents: read → validate → redact → expire → assemble → render →
write → index.  ``build()`` is a pure function of (site inputs, as-of date)."""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from jinja2 import TemplateError

from .calendar import WorkCalendar
from .checks import CHECKS
from .config import CONFIG_FILE, CORRECTION_COLUMNS, ConfigError, dataset_problems, load_config
from .diagnostics import DEFAULT_MAX_PER_CODE, BuildFailed, Report, diag
from .frontmatter import unlinked_pages
from .privacy import yaml_text_problems
from .schema import SchemaError, load_schema
from .site import HEAVY_KINDS, MANIFEST_KINDS, RESERVED, Site
from .stages.assemble import assemble, dataset_view
from .stages.expire import expire
from .stages.index import build_index
from .stages.lookup import LookupSpec, build_lookup
from .stages.assets import asset_collisions, check_assets, write_assets
from .stages.read import content_files, make_agency, read_agencies, read_content, read_table
from .stages.redact import redact
from .stages.render import DEFAULT_THEME, Renderer
from .stages.corrections import resolve_corrections, validate_corrections
from .stages.validate import Context, validate_agencies, validate_content, validate_table
from .stages.output_dir import UnsafeOutput, prepare_output
from .stages.write import Writer, copy_static, file_for, file_infos

PARALLEL_THRESHOLD = 3000  # outputs; below this, forking workers costs more than it saves
CHUNK = 1000


@dataclass
class BuildResult:
    report: Report
    out: Path
    counts: dict = field(default_factory=dict)  # dataset → {visibility: n}
    files: int = 0
    timings: dict = field(default_factory=dict)  # phase → seconds (wall), for benchmarks


@dataclass
class Validated:
    """What ``gongshi check`` keeps of a load: the inputs and every dataset's full validated records
    (private fields included, before redaction), internal datasets too."""

    config: object = None
    calendar: WorkCalendar | None = None
    agencies: tuple = ()
    tables: dict = field(default_factory=dict)  # dataset name → (DatasetConfig, TableSchema, records)


def load_site(root: Path, as_of: date, report: Report, keep: Validated | None = None, out: Path | None = None,
              today: date | None = None) -> Site:
    """Read, validate, redact and expire every input, then assemble the site model.  With ``keep``,
    the validated records are also kept there (for ``gongshi check``), even when the load fails.
    ``out``: the output directory of a build, which the content folder may not overlap.  ``today``:
    the real date (the CLI's clock), after which no event date can be (E-DATE-FUTURE); it decides
    whether the load fails, never what is output."""
    try:  # every problem of the configuration and the calendar files is a diagnostic, never a traceback
        config = load_config(root)
        calendar = WorkCalendar.load(*config.calendar_files, root=root)
    except ConfigError as exc:
        report.extend(exc.diagnostics)
        raise BuildFailed(report) from None
    problems = report.items
    for f in (root / CONFIG_FILE, *config.calendar_files):  # site texts and calendar notices reach pages (P3.3)
        problems.extend(yaml_text_problems(root, f.relative_to(root).as_posix() if f.is_relative_to(root) else str(f)))
    agencies = validate_agencies(config.agencies_file, read_agencies(root, config.agencies_file, problems),
                                 problems, make_agency)
    levels = {a.name: a.level for a in agencies}
    ctx = Context(frozenset(a.name for a in agencies), calendar, levels, hearings_held(root, config), today)
    if keep is not None:
        keep.config, keep.calendar, keep.agencies = config, calendar, tuple(agencies)
    views, counts = {}, {}
    pending = read_corrections(root, config, report)
    for ds in config.datasets:
        try:
            schema = load_schema(root, ds.schema)
        except SchemaError as exc:
            report.extend(exc.diagnostics)
            continue
        if misconfigured := dataset_problems(ds, lambda col: schema.field(col) is not None, CHECKS,
                                             lambda col: schema.field(col).public):
            report.extend(misconfigured)
            continue
        table = read_table(root, ds.file, problems)
        if table is None:
            continue
        review = ds.role("reviewed_on")
        review_column = table.header.index(review) + 1 if review in table.header else 0
        numbers = {} if pending.get(ds.name) else None  # the corrections log names records by number
        records = validate_table(table, ds, schema, ctx, problems, numbers)
        if keep is not None:
            records = keep.tables.setdefault(ds.name, (ds, schema, tuple(records)))[2]
        if ds.internal:  # never rendered, not even counted on a page (P3.1): validated only
            for _ in records:
                pass
            continue
        shown = expire(redact(records, schema), as_of, review_column, problems,
                       ds.deadline.basis if ds.deadline else "",
                       repair_notice=bool(ds.credit and ds.credit.repair and ds.credit.repair.page == "notice"))
        counts[ds.name] = {v.value: n for v, n in shown.counts.items()}
        corrections = {}
        if numbers or not any(d.path == ds.file for d in report.errors):  # an unreadable table: said already
            corrections = resolve_corrections(pending.get(ds.name, []), config.corrections.file if config.corrections
                                              else "", numbers or {}, schema.field(ds.key[-1]), problems)
        public_fields = tuple(f for f in schema.fields if f.public)
        views[ds.name] = dataset_view(ds, public_fields, shown.listed, shown.withdrawn, levels.get,
                                      shown.expired, corrections, as_of)
    reserved = RESERVED | {ds.path for ds in config.datasets if not ds.internal}
    markdown, files = content_files(root, config, problems, out)
    pages = validate_content(read_content(root, config.content_dir, markdown, problems), reserved, problems)
    problems.extend(unlinked_pages(pages))  # front matter says where a page appears (issue 11.8)
    assets = check_assets(root, config.content_dir, files, reserved, problems)
    for year in sorted(calendar.provisional_years):
        report.add(diag("W-CALENDAR", CONFIG_FILE, year=year))
    if report.errors:
        raise BuildFailed(report)
    years = tuple((n.year, n.basis) for n in sorted(calendar.notices.values(), key=lambda n: n.year))
    site = assemble(config, as_of, agencies, views, pages, years, counts)
    asset_collisions(assets, (file_for(o.url) for o in site.outputs), problems)
    if report.errors:
        raise BuildFailed(report)
    return replace(site, assets=assets)


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


def read_corrections(root: Path, config, report: Report) -> dict:
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


# ---------------------------------------------------------------- render + write, in parallel

_WORKER: dict = {}


def _render_chunk(bounds: tuple[int, int]) -> int:
    site, templates, root = _WORKER["site"], _WORKER["templates"], _WORKER["root"]
    renderer = _WORKER.get("renderer") or _WORKER.setdefault("renderer", Renderer(site, templates))
    writer = _WORKER.get("writer") or _WORKER.setdefault("writer", Writer(root))
    for output in site.outputs[bounds[0]:bounds[1]]:
        writer.write(output.url, renderer.render(output))
    return bounds[1] - bounds[0]


def render_site(site: Site, staging: Path, templates: Path | None, jobs: int) -> int:
    _WORKER.clear()
    _WORKER.update(site=site, templates=templates, root=staging)
    n = next((i for i, o in enumerate(site.outputs) if o.kind in MANIFEST_KINDS), len(site.outputs))
    heavy = next((i for i, o in enumerate(site.outputs) if o.kind not in HEAVY_KINDS), n)
    chunks = [(i, i + 1) for i in range(heavy)] + [(i, min(i + CHUNK, n)) for i in range(heavy, n, CHUNK)]
    # compile every template here, so that a syntax error is raised in this process, not a worker
    _WORKER["renderer"] = Renderer(site, templates).preload()
    try:
        if jobs <= 1 or n < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
            return sum(map(_render_chunk, chunks))
        gc.freeze()  # keep the site model's pages shared between the forked workers
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return sum(pool.imap_unordered(_render_chunk, chunks))
    finally:
        gc.unfreeze()
        _WORKER.clear()


def render_manifest(site: Site, staging: Path, templates: Path | None) -> int:
    """The outputs that describe the downloads (sizes, SHA-256), once the downloads are written."""
    urls = [url for view in site.datasets.values() for url, _, _ in site.download_files(view)]
    site = replace(site, downloads=file_infos(staging, urls))
    renderer, writer = Renderer(site, templates), Writer(staging)
    last = [o for o in site.outputs if o.kind in MANIFEST_KINDS]
    for output in last:
        writer.write(output.url, renderer.render(output))
    return len(last)


def build(root: Path, out: Path | None = None, as_of: date | None = None, *,
          search_index: bool = True, jobs: int | None = None,
          max_per_code: int | None = DEFAULT_MAX_PER_CODE, today: date | None = None) -> BuildResult:
    """Build the site at ``root`` for the day ``as_of`` into ``out`` (default ``root/public``).

    Raises BuildFailed (with the full report) when the inputs have errors; ``out`` is then left
    as it was.  ``max_per_code``: problems kept per file and code (all are counted; see Report)."""
    if as_of is None:
        raise ValueError("as_of is required: only the CLI reads the clock (P2.4)")
    root = Path(root)
    out = Path(out) if out else root / "public"
    output = check_output_dir(root, out)  # UnsafeOutput (exit 2) before anything is touched
    report = Report(max_per_code)
    clock = _Clock()
    gc.disable()  # the records hold no reference cycles; collecting while loading 100k is waste
    try:
        site = load_site(root, as_of, report, out=out, today=today)
    finally:
        gc.enable()
    clock.lap("read+validate+redact+expire+assemble")
    templates = root / "templates"
    staging = output.stage()
    try:
        try:
            files = render_site(site, staging, templates, jobs or os.cpu_count() or 1)
            files += render_manifest(site, staging, templates)
        except TemplateError as exc:  # a site's own template is input too: report, don't crash
            report.add(_template_problem(exc, root))
            raise BuildFailed(report) from None
        # the theme's root/ holds what browsers ask for at the root (/favicon.ico)
        copy_static([(DEFAULT_THEME / "static", "assets"), (templates / "static", "assets"),
                     (DEFAULT_THEME / "root", "."), (templates / "root", ".")], staging)
        if changed := write_assets(root, site.assets, staging):  # content/: checked files only
            report.extend(changed)
            raise BuildFailed(report)
        clock.lap("render+write")
        config, counts = site.config, site.counts
        del site  # free the site model before Pagefind runs beside this process: the build's peak
        gc.collect()
        if search_index and (error := build_lookup(staging, lookup_specs(config), config.base_url)
                             or build_index(staging)):
            report.add(diag("E-SEARCH-INDEX", "public", detail=error))
            raise BuildFailed(report)
        clock.lap("index")
        output.commit()  # the old tree is deleted in the background, not in the build's time
        clock.lap("swap")
    except OSError as exc:  # a full disk, a file system that refuses: the old output is untouched
        output.discard()
        report.add(diag("E-OUTPUT", out.as_posix(), detail=f"{exc.strerror or exc}（{exc.filename or ''}）"))
        raise BuildFailed(report) from None
    except BaseException:
        output.discard()
        raise
    return BuildResult(report, out, counts, files, clock.laps)


def lookup_specs(config) -> list[LookupSpec]:
    """The datasets whose records the lookup index finds by name or identifier.  A result shows
    the first name column (else the title), the key's last column (the document number), the
    first filter column (e.g. 处罚类别), the department and the date."""
    specs = []
    for ds in config.datasets:
        s = ds.search
        if ds.record_pages and (s.names or s.identifiers):
            shown = ((s.names or (ds.title_field,))[0], ds.key[-1], s.filters[0] if s.filters else None,
                     ds.agency_field, ds.date_field)
            specs.append(LookupSpec(ds.path, ds.title, s.names, s.identifiers, shown))
    return specs


def check_output_dir(root: Path, out: Path):
    """``out`` if the build may replace it (absent, empty, or marked by an earlier build), with
    what earlier builds left beside it put right; else UnsafeOutput (stages/output_dir.py)."""
    return prepare_output(root, out)


def _template_problem(exc: TemplateError, root: Path):
    where = Path(getattr(exc, "filename", None) or "templates")
    if where.is_absolute() and where.is_relative_to(root.resolve()):
        where = where.relative_to(root.resolve())
    return diag("E-TEMPLATE", where.as_posix(), getattr(exc, "lineno", 0) or 0, detail=f"{type(exc).__name__}: {exc}")


class _Clock:
    """Wall time per phase, for benchmarks only: it never reaches the output."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now
