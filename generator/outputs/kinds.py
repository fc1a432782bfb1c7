"""Every kind of output the site has, declared once: its name, when it is rendered, which URLs it
has, how it renders, and whether it is in the sitemap or is a download.

A new page kind or download format is one ``Kind`` below plus its renderer (a function of
``pages.py``, ``exports.py`` …) or template.  Scheduling follows ``phase``; rendering an output
calls its kind's ``render``; the sitemap, the downloads page, the list pages' download links,
``index.json`` and ``datapackage.json`` all iterate over these declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum

from ..site import AGENCY_PREVIEW, DatasetView, Site, page_count
from . import exports, feeds, manifest, pages, routes, sitemap, workbooks


class Phase(Enum):
    """When a kind's outputs are rendered (``schedule.py``)."""

    HEAVY = 1     # one output over all of a dataset's records (a feed, an export): one task each, first,
                  # so that parallel workers start them early instead of one finishing them alone at the end
    PAGES = 2     # everything else that does not describe other outputs: in chunks
    MANIFEST = 3  # what describes the downloads (their sizes, SHA-256): once the downloads are written


class Scope(Enum):
    """What one call of a kind's ``urls`` covers, and so what its outputs' first argument is."""

    SITE = 1      # the whole site: no subject
    DATASET = 2   # one dataset (its name comes first in the arguments)
    AGENCY = 3    # one department (its name)
    CONTENT = 4   # one content page (its number in ``site.pages``)


@dataclass(frozen=True)
class Download:
    """An output that is a download of its dataset (scope DATASET)."""

    format: str                     # as index.json names it: csv, json, atom …
    label: str | Callable           # on the downloads page and in index.json; or (site, view, args) → label
    link: str = ""                  # its link on the dataset's list pages ("": not linked there)
    resource: Callable | None = None  # (site, view, File) → its datapackage.json resource; None: not in it


@dataclass(frozen=True)
class Kind:
    name: str
    phase: Phase
    scope: Scope
    urls: Callable      # (site, subject) → (url, args) of each output; subject per ``scope``
    render: Callable    # (Renderer, Output) → the output's bytes, in chunks
    in_sitemap: bool = False
    download: Download | None = None
    lastmod: Callable | None = None  # (site, Output) → the day its content last changed, for the sitemap; None: unknown


@dataclass(frozen=True, slots=True)
class Output:
    url: str
    kind: Kind
    args: tuple = ()    # the subject's key first (see Scope), then the kind's own


@dataclass(frozen=True)
class File:
    """One download of a dataset, as the downloads page, index.json and datapackage.json list it."""

    url: str
    format: str
    label: str
    link: str
    resource: Callable | None
    args: tuple


def _once(url: Callable[[], str], *args) -> Callable:
    return lambda site, subject: [(url(), args)]


def _of_dataset(render: Callable) -> Callable:
    """A renderer of ``render(site, view, *args)`` for an output of a dataset."""
    return lambda r, o: render(r.site, r.site.datasets[o.args[0]], *o.args[1:])


def _of_site(render: Callable) -> Callable:
    return lambda r, o: render(r.site)


def _list_pages(site: Site, view: DatasetView):
    return [(routes.dataset(view, n), (n,)) for n in range(1, page_count(len(view.listed), site.config.page_size) + 1)]


def _records(site: Site, view: DatasetView):
    return [(routes.record(view, r.id), (i,)) for i, r in enumerate(view.listed)] if view.config.record_pages else []


def _notices(site: Site, view: DatasetView):
    return [(routes.record(view, r.id), (i,)) for i, r in enumerate(view.withdrawn)] if view.config.record_pages else []


def _agency_lists(site: Site, agency):
    """A department's records of a dataset get pages of their own when its page shows only the latest."""
    out = []
    for name, view in site.datasets.items():
        count = len(view.by_agency.get(agency.name, ()))
        if count > AGENCY_PREVIEW:
            out += [(routes.agency_dataset(agency, view, n), (name, n))
                    for n in range(1, page_count(count, site.config.page_size) + 1)]
    return out


def _mapped(site: Site, view: DatasetView):
    return [(routes.export(view, "csv", e.name), (i,)) for i, e in enumerate(view.config.exports)]


def _archives(site: Site, view: DatasetView):
    # an archive of a busy day takes as long as 300 pages: each is a task of its own (HEAVY)
    return [(routes.archive(view, d.day), (k,)) for k, d in enumerate(view.feed_days)] if view.config.feed else []


def _dataset_changed(site: Site, o: Output):
    return site.datasets[o.args[0]].last_change


def _record_changed(site: Site, o: Output):
    view = site.datasets[o.args[0]]
    return sitemap.record_changed(site, view, view.listed[o.args[1]])


def _content_changed(site: Site, o: Output):
    return site.pages[o.args[0]].updated


SITE, DATASET, AGENCY, CONTENT = Scope.SITE, Scope.DATASET, Scope.AGENCY, Scope.CONTENT
HEAVY, PAGES, MANIFEST = Phase.HEAVY, Phase.PAGES, Phase.MANIFEST
# the kinds whose renderers read a dataset's rows in slots (r.export_rows, reuse_exports.py): a
# render worker makes the slots' keys of a dataset once (1.4 s at 100,000), so schedule.py hands
# a dataset's outputs of these kinds to one worker together
SHARED_ROWS = ("export-csv", "export-json", "export-mapped")

KINDS: tuple[Kind, ...] = (
    # the downloads of a dataset, in the order its downloads are listed
    # (r.export_rows, r.sheets: the downloads' rows of earlier builds, reuse_exports.py and reuse_sheets.py)
    Kind("export-csv", HEAVY, DATASET, lambda site, v: [(routes.export(v, "csv"), ())],
         lambda r, o: exports.export_csv(r.site, r.site.datasets[o.args[0]], r.export_rows),
         download=Download("csv", "CSV（UTF-8，供程序读取）", "CSV", manifest.csv_resource)),
    Kind("export-json", HEAVY, DATASET, lambda site, v: [(routes.export(v, "json"), ())],
         lambda r, o: exports.export_json(r.site, r.site.datasets[o.args[0]], r.export_rows),
         download=Download("json", "JSON", "JSON", manifest.json_resource)),
    Kind("export-xlsx", HEAVY, DATASET, lambda site, v: [(routes.export(v, "xlsx"), ())],
         lambda r, o: workbooks.export_xlsx(r.site, r.site.datasets[o.args[0]], r.sheets),
         download=Download("xlsx", "Excel 工作簿（.xlsx，号码为文本、日期为日期）", "Excel", workbooks.xlsx_resource)),
    Kind("export-mapped", HEAVY, DATASET, _mapped,
         lambda r, o: exports.export_mapped(r.site, r.site.datasets[o.args[0]],
                                            r.site.datasets[o.args[0]].config.exports[o.args[1]], r.export_rows),
         download=Download("csv", lambda site, view, args: f"{view.config.exports[args[1]].title}（CSV）",
                           resource=manifest.mapped_resource)),
    Kind("feed", HEAVY, DATASET, lambda site, v: [(routes.feed(v), ())] if v.config.feed else [],
         _of_dataset(feeds.subscription),
         download=Download("atom", lambda site, view, args:
                           f"订阅源（Atom，最新 {site.config.feed_size} 条变动，附历史归档）", "订阅（Atom）")),
    Kind("feed-archive", HEAVY, DATASET, _archives, _of_dataset(feeds.archive)),
    Kind("sitemap", HEAVY, SITE, _once(routes.sitemap), lambda r, o: sitemap.sitemap(r.site, sitemap_entries(r.site))),
    # pages
    Kind("home", PAGES, SITE, _once(routes.home), pages.home, in_sitemap=True,
         lastmod=lambda site, o: sitemap.site_changed(site)),
    Kind("agencies", PAGES, SITE, _once(routes.agencies), pages.template("agencies.html"), in_sitemap=True),
    Kind("platform", PAGES, SITE, _once(routes.platform), pages.template("platform.html"), in_sitemap=True),
    Kind("disclosure", PAGES, SITE, lambda site, _: [(routes.disclosure(), ())] if site.disclosure else [],
         pages.template("disclosure.html"), in_sitemap=True),  # supervision.public_page (P8, P9)
    Kind("search", PAGES, SITE, _once(routes.search), pages.template("search.html"), in_sitemap=True),
    Kind("404", PAGES, SITE, _once(routes.not_found), pages.template("404.html")),
    Kind("gone", PAGES, SITE, _once(routes.gone), pages.template("gone.html")),  # 410 Gone: not for indexing
    Kind("phase", PAGES, SITE, lambda site, _: [(routes.phase(p), (p,)) for p in routes.PHASE_PATHS], pages.phase,
         in_sitemap=True, lastmod=lambda site, o: sitemap.site_changed(site)),
    Kind("list", PAGES, DATASET, _list_pages, pages.dataset_list, in_sitemap=True, lastmod=_dataset_changed),
    Kind("record", PAGES, DATASET, _records, pages.record, in_sitemap=True, lastmod=_record_changed),
    Kind("notice", PAGES, DATASET, _notices, pages.notice),  # 410 Gone: not for indexing
    Kind("agency", PAGES, AGENCY, lambda site, a: [(routes.agency(a), ())], pages.agency, in_sitemap=True),
    Kind("agency-list", PAGES, AGENCY, _agency_lists, pages.agency_dataset, in_sitemap=True),
    Kind("content", PAGES, CONTENT, lambda site, page: [(routes.content(page), ())], pages.content, in_sitemap=True,
         lastmod=_content_changed),
    Kind("feeds", PAGES, SITE, _once(routes.feeds), pages.template("feeds.html"), in_sitemap=True),
    Kind("site-map", PAGES, SITE, _once(routes.site_map), pages.template("sitemap.html"), in_sitemap=True),
    Kind("robots", PAGES, SITE, _once(routes.robots), _of_site(sitemap.robots)),
    Kind("redirects", PAGES, SITE, _once(routes.redirects), _of_site(manifest.redirects)),
    # what describes the downloads
    Kind("opendata", MANIFEST, SITE, _once(routes.opendata), pages.template("opendata.html"), in_sitemap=True,
         lastmod=lambda site, o: sitemap.site_changed(site)),
    Kind("open-index", MANIFEST, SITE, _once(routes.open_index), lambda r, o: manifest.open_index(r.site, files(r.site))),
    Kind("datapackage", MANIFEST, SITE, _once(routes.datapackage),
         lambda r, o: manifest.datapackage(r.site, files(r.site))),
)

BY_NAME = {k.name: k for k in KINDS}
assert len(BY_NAME) == len(KINDS), "two output kinds share a name"
assert all(k.scope is DATASET for k in KINDS if k.download), "a download belongs to a dataset"


# ---------------------------------------------------------------- enumerating the outputs

def outputs(site: Site, kinds: Iterable[Kind]) -> Iterator[Output]:
    """The outputs of ``kinds``: the site-wide ones, then dataset by dataset, department by
    department and content page by content page (each in the order of ``kinds``)."""
    kinds = tuple(kinds)
    for k in kinds:
        if k.scope is SITE:
            yield from (Output(url, k, args) for url, args in k.urls(site, None))
    subjects = ((DATASET, ((name, view) for name, view in site.datasets.items())),
                (AGENCY, ((a.name, a) for a in site.agencies)),
                (CONTENT, enumerate(site.pages)))
    for scope, of_scope in subjects:
        scoped = [k for k in kinds if k.scope is scope]
        if not scoped:
            continue
        for key, subject in of_scope:
            for k in scoped:
                yield from (Output(url, k, (key, *args)) for url, args in k.urls(site, subject))


def plan(site: Site) -> dict[Phase, tuple[Output, ...]]:
    """Every output of the site, by phase."""
    return {phase: tuple(outputs(site, (k for k in KINDS if k.phase is phase))) for phase in Phase}


def sitemap_entries(site: Site) -> Iterator[tuple[str, object]]:
    """(URL, day of its last change or None) of every output of a kind declared ``in_sitemap``."""
    for phase in Phase:
        for o in outputs(site, (k for k in KINDS if k.phase is phase and k.in_sitemap)):
            yield o.url, o.kind.lastmod(site, o) if o.kind.lastmod else None


def downloads(site: Site, view: DatasetView) -> list[File]:
    """A dataset's downloads, in the order of their declarations."""
    out = []
    for k in KINDS:
        if d := k.download:
            for url, args in k.urls(site, view):
                args = (view.config.name, *args)
                out.append(File(url, d.format, d.label(site, view, args) if callable(d.label) else d.label,
                                d.link, d.resource, args))
    return out


def files(site: Site) -> dict[str, list[File]]:
    """Every dataset's downloads, by dataset name."""
    return {name: downloads(site, view) for name, view in site.datasets.items()}
