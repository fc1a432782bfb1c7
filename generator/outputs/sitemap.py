"""What crawlers read: ``/sitemap.xml`` (every page of a kind declared ``in_sitemap``, with the
day its content last changed where the data say it) and ``/robots.txt``.  The site map for
people is a page (``theme/sitemap.html``, at ``routes.site_map()``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ..history import told
from ..model import Record
from ..site import DatasetView, Site
from . import routes


def robots(site: Site):
    yield f"User-agent: *\nAllow: /\n\nSitemap: {routes.absolute(site, routes.sitemap())}\n".encode()


def sitemap(site: Site, entries: Iterable[tuple[str, date | None]]):
    """``entries``: (site-relative URL, last change or None) of the pages to list (100,000 and
    more: written 1,000 at a time).  ``<lastmod>`` is left out where the day is unknown: a
    guessed one (the build's day) would tell crawlers that every page changed on every build."""
    yield b'<?xml version="1.0" encoding="UTF-8"?>\n'
    yield b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    buf = []
    for url, day in entries:
        lastmod = f"<lastmod>{day.isoformat()}</lastmod>" if day else ""
        buf.append(f"  <url><loc>{routes.absolute(site, url)}</loc>{lastmod}</url>\n")
        if len(buf) >= 1000:
            yield "".join(buf).encode()
            buf = []
    buf.append("</urlset>\n")
    yield "".join(buf).encode()


def record_changed(site: Site, view: DatasetView, record: Record) -> date | None:
    """The day a record's page last changed: its publication, its latest correction shown (P5.1)
    or its latest change of status, whichever is last (up to the as-of date)."""
    life = record.life
    days = [d for d in (life.published_on, life.status_on) if d and d <= site.as_of]
    days += [c.on for c in told(life, view.corrections.get(record.id, ()), site.as_of)]
    return max(days, default=None)


def site_changed(site: Site) -> date | None:
    """The last change of any dataset or dated content page: of the pages that summarise them all
    (home, 事前/事中/事后, downloads)."""
    days = [v.last_change for v in site.datasets.values() if v.last_change]
    days += [p.updated for p in site.pages if p.updated and p.updated <= site.as_of]
    return max(days, default=None)
