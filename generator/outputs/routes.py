"""Every URL of the site, made here and nowhere else.  Templates call these functions as
``routes.…`` (a Jinja global); the declarations of the output kinds (``kinds.py``) enumerate
their outputs with them.

A URL is site-relative and "/"-separated; a page's URL ends in "/" and is served from its
``index.html``.  ``absolute()`` prefixes the site's ``base_url`` for feeds, exports and the
sitemap, which are read away from the site.
"""

from __future__ import annotations

from datetime import date

# 事前 / 事中 / 事后 (attachment 2): the phase pages
PHASE_PATHS = {"事前": "before", "事中": "during", "事后": "after"}

AGENCIES = "agencies"
FEEDS = "feeds"
OPENDATA = "opendata"
ASSETS = "assets"
LOOKUP = "lookup"      # the lookup index (stages/lookup.py; read by the theme's lookup.js)
PAGEFIND = "pagefind"  # Pagefind's full-text index (stages/index.py)

# the first path segments of the pages and files the build makes itself: a content page may
# not take them (a dataset's path takes its own)
DISCLOSURE = "disclosure"  # 公示情况 (supervision.public_page)
RESERVED = frozenset({AGENCIES, FEEDS, OPENDATA, ASSETS, LOOKUP, PAGEFIND, DISCLOSURE, "search", "platform", "404",
                      "gone", *PHASE_PATHS.values()})


# ---------------------------------------------------------------- the site's own pages

def home() -> str:
    return "/"


def search() -> str:
    return "/search/"


def platform(anchor: str = "") -> str:
    """关于公示内容与期限; ``anchor``: a section of it (e.g. ``correction``)."""
    return "/platform/" + (f"#{anchor}" if anchor else "")


def disclosure(anchor: str = "") -> str:
    """公示情况: timeliness per department and the 本期无 statements (P8, P9; issue 16)."""
    return f"/{DISCLOSURE}/" + (f"#{anchor}" if anchor else "")


def gone() -> str:
    """The page a record past its period answers with (410 Gone)."""
    return "/gone/"


def not_found() -> str:
    return "/404.html"


def phase(name: str) -> str:
    return f"/{PHASE_PATHS[name]}/"


def content(page) -> str:
    """A Markdown page of ``content/``, at its slug."""
    return f"/{page.slug}/"


def asset(name: str) -> str:
    """A file of the theme's ``static/`` (CSS, scripts)."""
    return f"/{ASSETS}/{name}"


# ---------------------------------------------------------------- datasets and departments
# A dataset is given as its view (site.DatasetView) or its configuration (config.DatasetConfig).

def _path(dataset) -> str:
    return getattr(dataset, "config", dataset).path


def dataset(view, n: int = 1) -> str:
    """A dataset's list, page ``n``."""
    return page(f"/{_path(view)}/", n)


def record(view, record_id: str) -> str:
    """A record's page (its withdrawal notice once withdrawn): the URL never changes."""
    return f"/{_path(view)}/{record_id}/"


def agencies() -> str:
    return f"/{AGENCIES}/"


def agency(agency) -> str:
    return f"/{AGENCIES}/{agency.id}/"


def agency_dataset(agency, view, n: int = 1) -> str:
    """A department's records of one dataset, page ``n`` (when they are more than its page shows)."""
    return page(f"/{AGENCIES}/{agency.id}/{_path(view)}/", n)


def page(base: str, n: int) -> str:
    """Page ``n`` of a paginated list whose first page is ``base``."""
    return base if n == 1 else f"{base}page/{n}/"


# ---------------------------------------------------------------- machine-readable files

def feed(view) -> str:
    return f"/{FEEDS}/{_path(view)}.xml"


def archive(view, day: date) -> str:
    """A feed's archive document of one day (RFC 5005)."""
    return f"/{FEEDS}/{_path(view)}/{day.isoformat()}.xml"


def export(view, extension: str, variant: str = "") -> str:
    """A dataset's download: ``export(view, "csv")`` → /opendata/penalties.csv; a ``variant``
    (another system's data items) → /opendata/penalties-creditchina.csv."""
    return f"/{OPENDATA}/{_path(view)}{'-' + variant if variant else ''}.{extension}"


def opendata() -> str:
    return f"/{OPENDATA}/"


def open_index() -> str:
    return f"/{OPENDATA}/index.json"


def datapackage() -> str:
    return f"/{OPENDATA}/datapackage.json"


def sitemap() -> str:
    return "/sitemap.xml"


def robots() -> str:
    return "/robots.txt"


def redirects() -> str:
    """Netlify's rules file (410 Gone for records no longer shown)."""
    return "/_redirects"


# the release log (release.py): at the root, written last by the build
RELEASE_MANIFEST = "release.json"
RELEASE_SIGNATURE = "release.sig"
RELEASE_KEY = "release-key.pub"


def release(name: str = RELEASE_MANIFEST) -> str:
    """A file of the release log: the manifest, its signature or the public key."""
    return f"/{name}"


def served_from(url: str) -> str:
    """The file a URL is served from: a page's ``index.html``."""
    return url + "index.html" if url.endswith("/") else url


def of_file(path: str) -> str:
    """The URL a file of the output (its path from the output's root) is served at."""
    return "/" + (path[:-len("index.html")] if path == "index.html" or path.endswith("/index.html") else path)


def file_name(url: str) -> str:
    """The last part of a file's URL (a data package names its resources' files relative to it)."""
    return url.rsplit("/", 1)[-1]


# ---------------------------------------------------------------- sections, absolute URLs

def section(url: str) -> str:
    """The first part of a page's URL ("" for the home page and for files): pages of one section
    share their header and footer."""
    return url.strip("/").split("/", 1)[0] if url.endswith("/") else ""


def section_root(name: str) -> str:
    return f"/{name}/" if name else "/"


def absolute(site, url: str) -> str:
    """``url`` with the site's ``base_url`` before it: for what is read away from the site."""
    return site.config.base_url.rstrip("/") + url


def relative(base_url: str, url: str) -> str:
    """The site-relative URL of an absolute one on the site at ``base_url`` (which ends in "/")."""
    return "/" + url[len(base_url):] if url.startswith(base_url) else url
