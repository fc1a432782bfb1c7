"""What crawlers read: ``/sitemap.xml`` (every page of a kind declared ``in_sitemap``) and
``/robots.txt``."""

from __future__ import annotations

from collections.abc import Iterable

from ..site import Site
from . import routes


def robots(site: Site):
    yield f"User-agent: *\nAllow: /\n\nSitemap: {routes.absolute(site, routes.sitemap())}\n".encode()


def sitemap(site: Site, urls: Iterable[str]):
    """``urls``: the pages to list, site-relative (100,000 and more: written 1,000 at a time)."""
    yield b'<?xml version="1.0" encoding="UTF-8"?>\n'
    yield b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    buf = []
    for url in urls:
        buf.append(f"  <url><loc>{routes.absolute(site, url)}</loc></url>\n")
        if len(buf) >= 1000:
            yield "".join(buf).encode()
            buf = []
    buf.append("</urlset>\n")
    yield "".join(buf).encode()
