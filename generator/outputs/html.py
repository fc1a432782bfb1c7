"""The HTML side of rendering: the Jinja2 environment (the site's ``templates/`` first, then the
theme that ships in this package), the header and footer shared by a section's pages, and the
data that templates turn into markup.  The markup itself is in the templates and their macros
(``_macros.html``), which a site overrides file by file.  Only public fields exist on the
records by now (see the redact stage).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

from markupsafe import Markup, escape
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.runtime import Macro

from ..config import STATUS_NOTED
from ..dates import format_cn
from ..model import Record
from ..site import DatasetView, Site
from . import routes
from .text import plain, record_title, text_of, with_unit

THEME = Path(__file__).resolve().parent.parent / "theme"  # package data: installed with the package
MACROS = "_macros.html"
# a value that reads as one piece in a list table (the theme's ``nb`` class): a date, a number,
# a 文号 or credit code, or a code short enough never to need a break (准考证号, 工商注册号,
# 执法证件编号: at most 20 characters) or unique to its record (检查记录编号, 听证编号)
UNBROKEN_TYPES = frozenset({"date", "number", "integer"})
UNBROKEN_IDENTIFIERS = frozenset({"doc-number", "uscc"})
UNBROKEN_MAX_LENGTH = 20
UNBROKEN_UNIQUE_MAX_LENGTH = 50


def unbroken(f) -> bool:
    """Whether a field's values may not break inside a list table's cell ("2026年11月2 / 日",
    "〔2026〕9 / 号" is what the issue 14.6 saw); a long unique text (a name) still wraps."""
    if f.type in UNBROKEN_TYPES or f.identifier in UNBROKEN_IDENTIFIERS:
        return True
    if f.type != "string" or f.max_length is None:
        return False
    return f.max_length <= UNBROKEN_MAX_LENGTH or (f.unique and f.max_length <= UNBROKEN_UNIQUE_MAX_LENGTH)


def unit_after(f, heading: str) -> str:
    """The unit to write after a field's values under ``heading``: none where the heading
    already says it (a column 罚款金额（元）), else the schema's ``unit`` (80,000 元)."""
    return "" if not f.unit or f"（{f.unit}）" in heading else f.unit


def make_environment(site_templates: Path | None) -> Environment:
    loaders = [FileSystemLoader(str(site_templates))] if site_templates and site_templates.is_dir() else []
    loaders.append(FileSystemLoader(str(THEME)))
    # auto_reload off: templates do not change during a build, and checking costs two stat()s a page
    env = Environment(loader=ChoiceLoader(loaders), autoescape=select_autoescape(["html", "xml"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.filters["text"] = text_of
    env.filters["cn_date"] = format_cn
    env.filters["filesize"] = filesize
    env.filters["esc"] = esc
    env.globals["routes"] = routes
    return env


_SPECIAL = re.compile(r"[&<>\"']")


def esc(value) -> str:
    """``value`` as HTML text, for the theme's hot loops, where autoescape is off: most public
    values need no escaping, and finding that out costs less than making a Markup of each."""
    if value.__class__ is not str:
        if hasattr(value, "__html__"):
            return value.__html__()
        value = str(value)
    return escape(value) if _SPECIAL.search(value) else value


def filesize(n: int) -> str:
    """A download's size as people read it: 2.4 MB, 36 KB, 512 字节."""
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} 字节"


def _values(value) -> tuple:
    return value if isinstance(value, tuple) else () if value is None else (text_of(value),)


class Renderer:
    """Renders pages of one site model.  ``downloads(site, view)``: a dataset's downloads (from the
    declarations of the output kinds), for the list pages and the downloads page."""

    def __init__(self, site: Site, site_templates: Path | None, downloads: Callable):
        self.site = site
        self.shown = site  # the site as templates see it (reuse.py: its as-of date marked)
        self.sheets = None  # the workbooks' rows of earlier builds (reuse_sheets.py), for export_xlsx
        self.export_rows = None  # the CSV and JSON downloads' rows of earlier builds (reuse_exports.py)
        self.env = make_environment(site_templates)
        # the site weakly: a Jinja environment holds reference cycles, and a site it held would
        # outlive the build's ``del site`` until a collection of 100,000 records' objects (~2 s)
        shown_site = weakref.ref(site)
        self.env.globals["downloads"] = lambda view: downloads(shown_site(), view)
        # the macros of _macros.html (the site's, if it has one) are globals of every template:
        # importing them in each page would cost a tenth of a record page's time
        macros = self.env.get_template(MACROS).module
        self.env.globals.update({name: m for name, m in vars(macros).items() if isinstance(m, Macro)})
        self._templates = {}
        self._partials = {}
        self._column_info = {}
        # top navigation: the three phases of attachment 2, then the datasets named in site.nav
        self.nav = [(f"{phase}公开", routes.phase(phase)) for phase in routes.PHASE_PATHS]
        self.nav += [(site.datasets[n].config.title, routes.dataset(site.datasets[n])) for n in site.config.nav
                     if n in site.datasets]
        self.nav += [(page.title, routes.content(page)) for page in site.nav_pages]  # front matter nav: true
        # which navigation entry a section belongs to, when it has none of its own
        phase_of_item = {it.no: it.phase for it in site.items}
        nav_urls = {href for _, href in self.nav}
        self.section_nav = {}
        for view in site.datasets.values():
            if routes.dataset(view) not in nav_urls and view.config.item in phase_of_item:
                self.section_nav[routes.section(routes.dataset(view))] = routes.phase(phase_of_item[view.config.item])
        for page in site.pages:
            if page.phase in routes.PHASE_PATHS and not page.nav:  # a page in the navigation is its own entry
                self.section_nav.setdefault(routes.section(routes.content(page)), routes.phase(page.phase))

    # ------------------------------------------------------------- templates
    def preload(self) -> "Renderer":
        """Compile every template now, so that a syntax error is raised here, not in a worker."""
        for name in self.env.list_templates(extensions=["html", "xml"]):
            self.template(name)
        return self

    def template(self, name: str):
        if name not in self._templates:
            self._templates[name] = self.env.get_template(name)
        return self._templates[name]

    def html(self, name: str, url: str, **context) -> Iterator[bytes]:
        yield self.template(name).render(site=self.shown, config=self.site.config, url=url,
                                         nav=self.nav, r=self, **context).encode("utf-8")

    def partial(self, name: str, key, **context) -> Markup:
        """A fragment that many pages share, rendered once per ``key`` (which must determine it)."""
        cache_key = (name, key)
        if cache_key not in self._partials:
            self._partials[cache_key] = Markup(self.template(name).render(
                site=self.shown, config=self.site.config, nav=self.nav, r=self, **context))
        return self._partials[cache_key]

    def chrome(self, name: str, url: str) -> Markup:
        """A page's header or footer: the same for every page of a section (100,000 record
        pages share one)."""
        section = routes.section(url)
        root = routes.section_root(section)
        current = "page" if url == root else "true"
        active = self.section_nav.get(section, root)
        if active != root:
            current = "true"
        return self.partial(name, (section, current), section=section, current=current, active=active)

    # ------------------------------------------------------------- data for templates
    def agency_url(self, name: str | None) -> str | None:
        agency = self.site.agency_by_name.get(name)
        return routes.agency(agency) if agency else None

    def title(self, view: DatasetView, record: Record) -> str:
        """What names the record apart from the others of its dataset (``record_title``): its
        page's title and heading, its feed entries."""
        return record_title(view, record)

    def noted(self, record: Record) -> bool:
        return record.life.status in STATUS_NOTED

    # The two below are called for every list row and every record page: they return plain
    # tuples, which cost a tenth of named ones to make.
    def rows(self, view: DatasetView, records, columns, offset: int = 0) -> list[tuple]:
        """The rows of a list table (``record_table`` in ``_macros.html``), numbered from
        ``offset`` + 1: (number, link to the record's page or None, first column's name, its
        text, whether it may not break inside, [(column, text, may not break inside) of the
        other columns])."""
        pages = view.config.record_pages
        (first, first_unit, first_nb), *rest = self._columns(view, tuple(columns))
        return [(n, routes.record(view, record.id) if pages else None, first,
                 with_unit(text_of(record.get(first)), first_unit), first_nb,
                 [(c, with_unit(text_of(record.get(c)), unit), nb) for c, unit, nb in rest])
                for n, record in enumerate(records, offset + 1)]

    def _columns(self, view: DatasetView, columns: tuple) -> list[tuple]:
        """(name, unit to write after a value, whether a value may not break inside) of a list's
        columns.  A date, a number, a 文号 or a code reads as one piece ("2026年11月2日", not
        "2026年11月2 / 日"); a column whose name already says the unit (罚款金额（元）) leaves it
        out of its cells."""
        key = (view.config.name, columns)
        if key not in self._column_info:
            spec = {f.name: f for f in view.fields}
            info = []
            for c in columns:
                f = spec.get(c)
                info.append((c, unit_after(f, c) if f else "", bool(f) and unbroken(f)))
            self._column_info[key] = info
        return self._column_info[key]

    def fields(self, view: DatasetView, record: Record) -> list[tuple]:
        """Each non-empty public field of a record, in schema order (``field_rows`` in
        ``_macros.html``): (title, text as it reads on a page — with its unit, 80,000 元 —, link
        to its page (a department's) or None, its values if shown as a list (``display: list``)
        else (), whether it is in the full-text index (the dataset's ``search.fulltext``))."""
        out = []
        fulltext = view.config.search.fulltext
        # after redaction a record holds exactly the public fields, in schema order
        pairs = zip(view.fields, record.values) if record.layout.names == view.field_names else \
            ((f, record.get(f.name)) for f in view.fields)
        for f, value in pairs:
            indexed = fulltext is None or f.name in fulltext
            if f.display == "list" and isinstance(value, tuple) and len(value) > 1:
                out.append((f.title, text_of(value), None, value, indexed))
                continue
            text = text_of(value)
            if text:
                text = with_unit(text, unit_after(f, f.title))
                out.append((f.title, text, self.agency_url(text) if f.references == "agencies" else None, (), indexed))
        return out

    def search_facets(self, view: DatasetView, record: Record) -> list[tuple[str, str, str]]:
        """What Pagefind keeps of a record besides its text, as (meta/filter/sort, name, value):
        meta (the result's name, number and date; its category, department and item are read
        from its filters, since every meta value costs Pagefind memory on each of 100,000
        pages), filters (公示事项, the dataset's own, 执法主体, 地区, 年份) and sort keys (date,
        amount).  Only the non-empty ones."""
        cfg, s = view.config, view.config.search
        agency = self.site.agency_by_name.get(record.agency)
        date = record.get(cfg.date_field) if cfg.date_field else None
        facets = [("meta", "name", text_of(record.get((s.names or (cfg.title_field,))[0]))),
                  ("meta", "number", text_of(record.get(cfg.key[-1]))), ("meta", "date", plain(date)),
                  ("filter", "公示事项", cfg.title), ("filter", "执法主体", record.agency),
                  ("filter", "地区", agency.region if agency else None),
                  ("filter", "年份", str(date.year) if date else None)]
        facets += [("filter", c, v) for c in s.filters for v in _values(record.get(c))]
        amount = record.get(s.amount) if s.amount else None
        facets += [("sort", k, plain(v)) for k, v in (("date", date), ("amount", amount)) if v is not None]
        return [f for f in facets if f[2]]

    def grouped(self, view: DatasetView, rows, offset: int):
        """[(group label, rows, offset of the first)] for a grouped list; one group otherwise."""
        if not view.groups:
            return [("", rows, offset)]
        out = []
        for i, record in enumerate(rows):
            label = view.groups[offset + i] if offset + i < len(view.groups) else ""
            if not out or out[-1][0] != label:
                out.append((label, [], offset + i))
            out[-1][1].append(record)
        return out

    def pager(self, base: str, n: int, total: int):
        return {"n": n, "total": total, "first": routes.page(base, 1), "last": routes.page(base, total),
                "prev": routes.page(base, n - 1) if n > 1 else None,
                "next": routes.page(base, n + 1) if n < total else None}
