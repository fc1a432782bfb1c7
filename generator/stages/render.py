"""Render: an output of the site model in, its bytes out (as chunks, so big exports stream).

HTML comes from Jinja2 templates (the site's ``templates/`` first, then the default theme);
feeds, exports and the sitemap from ``render_data``.  Only public fields exist on the records by
now (see the redact stage).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from markupsafe import Markup, escape
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..config import STATUS_NOTED
from ..dates import format_cn
from ..history import ended_by, told
from ..model import Record
from ..site import AGENCY_PREVIEW, HOME_LATEST, PHASE_PATHS, PHASES, DatasetView, Output, Site, page_url

from . import render_data, render_feeds, render_manifest
from .render_data import plain, text_of


def _values(value) -> tuple:
    return value if isinstance(value, tuple) else () if value is None else (text_of(value),)

DEFAULT_THEME = Path(__file__).resolve().parents[2] / "templates"


_SPECIAL = re.compile(r"[&<>\"']")


def _esc(text: str) -> str:
    """HTML-escaped text; most public values need no escaping, and finding that out is cheap."""
    return escape(text) if _SPECIAL.search(text) else text


def make_environment(site_templates: Path | None) -> Environment:
    loaders = [FileSystemLoader(str(site_templates))] if site_templates and site_templates.is_dir() else []
    loaders.append(FileSystemLoader(str(DEFAULT_THEME)))
    env = Environment(loader=ChoiceLoader(loaders), autoescape=select_autoescape(["html", "xml"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["text"] = text_of
    env.filters["cn_date"] = format_cn
    env.filters["filesize"] = filesize
    env.globals["page_url"] = page_url
    env.globals["crumbs"] = crumbs
    env.globals["phase_url"] = lambda phase: f"/{PHASE_PATHS[phase]}/"
    return env


def filesize(n: int) -> str:
    """A download's size as people read it: 2.4 MB, 36 KB, 512 字节."""
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} 字节"


def crumbs(items) -> Markup:
    """Breadcrumbs from the home page to this one: [(title, url), …], the last being this page."""
    out = ['<nav class="crumbs wrap" aria-label="当前位置">\n  <ol>\n    <li><a href="/">首页</a></li>\n']
    for i, (title, href) in enumerate(items):
        if i == len(items) - 1:
            out.append(f'    <li><span aria-current="page">{escape(title)}</span></li>\n')
        else:
            out.append(f'    <li><a href="{escape(href)}">{escape(title)}</a></li>\n')
    out.append("  </ol>\n</nav>\n")
    return Markup("".join(out))


class Renderer:
    def __init__(self, site: Site, site_templates: Path | None):
        self.site = site
        self.env = make_environment(site_templates)
        self._templates = {}
        self._partials = {}
        # top navigation: the three phases of attachment 2, then the datasets named in site.nav
        self.nav = [(f"{phase}公开", f"/{path}/") for phase, path in PHASE_PATHS.items()]
        self.nav += [(site.datasets[n].config.title, site.datasets[n].url) for n in site.config.nav
                     if n in site.datasets]
        self.nav += [(page.title, f"/{page.slug}/") for page in site.nav_pages]  # front matter nav: true
        # which navigation entry a section belongs to, when it has none of its own
        phase_of_item = {it.no: it.phase for it in site.items}
        nav_urls = {href for _, href in self.nav}
        self.section_nav = {}
        for view in site.datasets.values():
            if view.url not in nav_urls and view.config.item in phase_of_item:
                self.section_nav[view.config.path] = f"/{PHASE_PATHS[phase_of_item[view.config.item]]}/"
        for page in site.pages:
            if page.phase in PHASE_PATHS and not page.nav:  # a page in the navigation is its own entry
                self.section_nav.setdefault(page.slug.split("/")[0], f"/{PHASE_PATHS[page.phase]}/")

    def partial(self, name: str, key, **context) -> Markup:
        """A fragment that many pages share, rendered once per ``key`` (which must determine it)."""
        cache_key = (name, key)
        if cache_key not in self._partials:
            self._partials[cache_key] = Markup(self.template(name).render(
                site=self.site, config=self.site.config, nav=self.nav, r=self, **context))
        return self._partials[cache_key]

    def chrome(self, name: str, url: str) -> Markup:
        """A page's header or footer: the same for every page of a section (100,000 record
        pages share one)."""
        section = url.strip("/").split("/", 1)[0] if url.endswith("/") else ""
        current = "page" if url == f"/{section}/" or url == "/" else "true"
        active = self.section_nav.get(section, f"/{section}/")
        if active != f"/{section}/":
            current = "true"
        return self.partial(name, (section, current), section=section, current=current, active=active)

    def preload(self) -> "Renderer":
        for name in self.env.list_templates(extensions=["html", "xml"]):
            self.template(name)
        return self

    def template(self, name: str):
        if name not in self._templates:
            self._templates[name] = self.env.get_template(name)
        return self._templates[name]

    def html(self, name: str, output: Output, **context) -> Iterator[bytes]:
        yield self.template(name).render(site=self.site, config=self.site.config, url=output.url,
                                         nav=self.nav, r=self, **context).encode("utf-8")

    # ------------------------------------------------------------- helpers for templates
    def table_rows(self, view: DatasetView, rows, columns, offset: int = 0) -> Markup:
        """The <tr> rows of a list table, each cell labelled for the narrow-screen layout. Built
        here rather than in the template: list pages hold 50 rows, and there are thousands."""
        labels = [_esc(c) for c in columns]
        out = []
        for n, record in enumerate(rows, offset + 1):
            cells = [_esc(text_of(record.get(c))) for c in columns]
            first = f'<a href="{view.record_url(record)}">{cells[0]}</a>' if view.config.record_pages else cells[0]
            out.append(f'    <tr>\n      <td data-label="序号">{n}</td>\n'
                       f'      <th scope="row" data-label="{labels[0]}">{first}</th>\n')
            out.extend(f'      <td data-label="{label}">{cell}</td>\n' for label, cell in zip(labels[1:], cells[1:]))
            out.append("    </tr>\n")
        return Markup("".join(out).rstrip("\n"))

    def fields(self, view: DatasetView, record: Record):
        """(field, text, link) of each non-empty public field, in schema order."""
        out = []
        # after redaction a record holds exactly the public fields, in schema order
        pairs = zip(view.fields, record.values) if record.layout.names == view.field_names else \
            ((f, record.get(f.name)) for f in view.fields)
        for f, value in pairs:
            if f.display == "list" and isinstance(value, tuple) and len(value) > 1:
                out.append((f, list(value), None))
                continue
            text = text_of(value)
            if text:
                out.append((f, text, self.site.agency_url(text) if f.references == "agencies" else None))
        return out

    def field_rows(self, view: DatasetView, record: Record) -> Markup:
        """The <tr> rows of a record's public fields (built here: 100,000 pages × 25 fields).
        Fields outside the dataset's ``search.fulltext`` are kept out of the full-text index."""
        out = []
        fulltext = view.config.search.fulltext
        for f, value, link in self.fields(view, record):
            if link:
                cell = f'<a href="{link}">{_esc(value)}</a>'
            elif isinstance(value, str):
                cell = _esc(value)
            else:
                cell = "<ul>" + "".join(f"<li>{_esc(v)}</li>" for v in value) + "</ul>"
            tr = "<tr>" if fulltext is None or f.name in fulltext else "<tr data-pagefind-ignore>"
            out.append(f'    {tr}<th scope="row">{_esc(f.title)}</th><td>{cell}</td></tr>\n')
        return Markup("".join(out).rstrip("\n"))

    def search_data(self, view: DatasetView, record: Record) -> Markup:
        """What Pagefind keeps of a record besides its text: the result's name, number and date
        (meta; its category, department and item are read from its filters, since every meta
        value costs Pagefind memory on each of 100,000 pages), the filters (公示事项, the
        dataset's own, 执法主体, 地区, 年份) and the sort keys (date, amount).  Hidden, and not
        indexed as text; read from the page, so the index holds only public values."""
        cfg, s = view.config, view.config.search
        agency = self.site.agency_by_name.get(record.agency)
        date = record.get(cfg.date_field) if cfg.date_field else None
        meta = [("name", text_of(record.get((s.names or (cfg.title_field,))[0]))),
                ("number", text_of(record.get(cfg.key[-1]))), ("date", plain(date))]
        out = [f'<span data-pagefind-meta="{k}">{_esc(v)}</span>' for k, v in meta if v]
        filters = [("公示事项", cfg.title), ("执法主体", record.agency), ("地区", agency.region if agency else None),
                   ("年份", str(date.year) if date else None)]
        filters += [(c, v) for c in s.filters for v in _values(record.get(c))]
        out += [f'<span data-pagefind-filter="{_esc(k)}">{_esc(v)}</span>' for k, v in filters if v]
        amount = record.get(s.amount) if s.amount else None
        out += [f'<span data-pagefind-sort="{k}">{_esc(plain(v))}</span>'
                for k, v in (("date", date), ("amount", amount)) if v is not None]
        return Markup('<div hidden data-pagefind-ignore>' + "".join(out) + "</div>")

    def noted(self, record: Record) -> bool:
        return record.life.status in STATUS_NOTED

    def agency_url(self, name):
        return self.site.agency_url(name)

    def pager(self, base: str, n: int, total: int):
        return {"n": n, "total": total, "first": page_url(base, 1), "last": page_url(base, total),
                "prev": page_url(base, n - 1) if n > 1 else None,
                "next": page_url(base, n + 1) if n < total else None}

    # ------------------------------------------------------------- outputs
    def render(self, output: Output) -> Iterator[bytes]:
        return getattr(self, "_" + output.kind.replace("-", "_"))(output)

    def _home(self, output):
        phases = [(p, [it for it in self.site.items if it.phase == p]) for p in PHASES]
        latest = [(self.site.datasets[n], self.site.datasets[n].listed[:HOME_LATEST])
                  for n in self.site.config.nav if n in self.site.datasets]
        return self.html("home.html", output, phases=phases, latest=latest, more=self.site.home_pages)

    def _phase(self, output):
        phase = output.args[0]
        return self.html("phase.html", output, phase=phase, items=[it for it in self.site.items if it.phase == phase])

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

    def _list(self, output):
        name, n = output.args
        view = self.site.datasets[name]
        size = self.site.config.page_size
        total = view.pages(len(view.listed), size)
        rows = view.listed[(n - 1) * size: n * size]
        return self.html("list.html", output, view=view, rows=rows, pager=self.pager(view.url, n, total),
                         offset=(n - 1) * size, agency=None)

    def _agency_list(self, output):
        agency_name, name, n = output.args
        view = self.site.datasets[name]
        agency = self.site.agency_by_name[agency_name]
        size = self.site.config.page_size
        indexes = view.by_agency.get(agency_name, ())
        total = view.pages(len(indexes), size)
        rows = [view.listed[i] for i in indexes[(n - 1) * size: n * size]]
        base = f"/agencies/{agency.id}/{view.config.path}/"
        return self.html("list.html", output, view=view, rows=rows, pager=self.pager(base, n, total),
                         offset=(n - 1) * size, agency=agency)

    def _record(self, output):
        name, i = output.args
        view = self.site.datasets[name]
        record = view.listed[i]
        agency = self.site.agency_by_name.get(record.agency)
        corrections = told(record.life, view.corrections.get(record.id, ()), self.site.as_of)
        return self.html("record.html", output, view=view, record=record, agency=agency, corrections=corrections)

    def _notice(self, output):
        name, i = output.args
        view = self.site.datasets[name]
        record = view.withdrawn[i]
        number_field = view.config.key[-1]
        kind, on, note = ended_by(view.config, record)  # a withdrawal, or a credit repair (P10.4)
        return self.html("notice.html", output, view=view, record=record, kind=kind, on=on,
                         number=text_of(record.get(number_field)), number_label=number_field, note=note)

    def _agencies(self, output):
        return self.html("agencies.html", output)

    def _agency(self, output):
        agency = self.site.agency_by_name[output.args[0]]
        sections, empty = [], []
        for name, view in self.site.datasets.items():
            if not view.config.agency_field:
                continue
            indexes = view.by_agency.get(agency.name, ())
            if not indexes:
                empty.append(view)
                continue
            more = f"/agencies/{agency.id}/{view.config.path}/" if len(indexes) > AGENCY_PREVIEW else None
            sections.append((view, [view.listed[i] for i in indexes[:AGENCY_PREVIEW]], len(indexes), more))
        return self.html("agency.html", output, agency=agency, sections=sections, empty=empty)

    def _content(self, output):
        return self.html("content.html", output, page=self.site.pages[output.args[0]])

    def _platform(self, output):
        return self.html("platform.html", output)

    def _search(self, output):
        return self.html("search.html", output)

    def _opendata(self, output):
        return self.html("opendata.html", output)

    def _404(self, output):
        return self.html("404.html", output)

    def _gone(self, output):
        return self.html("gone.html", output)

    # ------------------------------------------------------------- machine-readable outputs
    def _robots(self, output):
        return render_data.robots(self.site)

    def _sitemap(self, output):
        return render_data.sitemap(self.site)

    def _feed(self, output):
        return render_feeds.subscription(self.site, self.site.datasets[output.args[0]])

    def _feed_archive(self, output):
        return render_feeds.archive(self.site, self.site.datasets[output.args[0]], output.args[1])

    def _open_index(self, output):
        return render_manifest.open_index(self.site)

    def _datapackage(self, output):
        return render_manifest.datapackage(self.site)

    def _redirects(self, output):
        return render_manifest.redirects(self.site)

    def _export_csv(self, output):
        return render_data.export_csv(self.site, self.site.datasets[output.args[0]])

    def _export_json(self, output):
        return render_data.export_json(self.site, self.site.datasets[output.args[0]])

    def _export_mapped(self, output):
        view = self.site.datasets[output.args[0]]
        return render_data.export_mapped(self.site, view, view.config.exports[output.args[1]])
