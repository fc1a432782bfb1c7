"""The front matter of a Markdown page in ``content/``: its keys declared once, as those of
``site_config.yaml`` are (config/options.py), so that an unknown or misspelled key is an error that
suggests the nearest valid one, and every value is typed, with the key in the message (issue 11.5).

The placement keys say where a page appears (issue 11.8): ``nav`` (the top navigation), ``home``
(the home page), ``item`` (an item of attachment 2: its place on the home page and its phase
page).  A page placed nowhere and linked from no placed page is reported (W-PAGE-UNLINKED);
``unlisted: true`` says that this is meant (a page reached from a QR code, or a site's own template).
"""

from __future__ import annotations

import html
import posixpath
import re
from datetime import date
from urllib.parse import unquote

from .config.kinds import Choice, Flag, Integer, Text
from .config.options import At, Kind, Option, Section, section, shown
from .dates import parse_date
from .diagnostics import Diagnostic, diag
from .outputs import routes

PHASES = ("事前", "事中", "事后")


class Day(Kind):
    """A date, as YAML reads ``2026-11-27`` or as editors type it (``2026年11月27日``)."""

    def parse(self, value, at):
        if isinstance(value, date):
            return value
        day = parse_date(value) if isinstance(value, str) else None
        if day is None:
            at.fail(f"应为日期（如 2026-11-27），现为{shown(value)}")
        return day

    def describe(self):
        return "date `YYYY-MM-DD`"


@section
class FrontMatter:
    title: str = Option(Text(), "the page's title: its heading, the browser tab, every link to it", required=True)
    slug: str = Option(Text(example="about"), "URL path (lower-case letters, digits, hyphens, `/`)",
                       default_doc="the file's path under `content/` without `.md`")
    summary: str = Option(Text(), "one sentence under the title, and beside the page's links on the home page")
    updated: date | None = Option(Day(), "last change of substance, shown on the page", default=None)
    item: int | None = Option(Integer(min=1, max=24), "the item of attachment 2 the page publishes or explains (P1): "
                              "linked from that item on the home page and its phase page", default=None)
    phase: str = Option(Choice(PHASES), "事前 / 事中 / 事后: the navigation entry the page belongs to", default="")
    nav: bool = Option(Flag(), "a link in the top navigation of every page", default=False)
    home: bool = Option(Flag(), "a link on the home page, under 更多信息", default=False)
    order: int | None = Option(Integer(min=1, max=999), "position among the navigation, home or item links: "
                               "smaller first; pages without one follow, by title", default=None)
    unlisted: bool = Option(Flag(), "placed nowhere on purpose (reached by a QR code or from a site's own "
                            "template): not reported as unlinked", default=False)
    note: str = Option(Text(), "the editor's note (source, who asked for the page): never published, "
                       "scanned for personal data like every value")


FRONT_MATTER = Section(FrontMatter)


def read_front_matter(data, doc, relpath: str) -> tuple[FrontMatter | None, list[Diagnostic]]:
    """The page's front matter, typed; or None and an E-FRONT-MATTER at the line of each problem's
    key (``doc``: the YamlDoc it was parsed from)."""
    at = At()
    front = FRONT_MATTER.parse(data, at)
    if not at.problems:
        return front, []
    seen = dict.fromkeys((tuple(p), m) for p, m in at.problems)
    return None, [diag("E-FRONT-MATTER", relpath, doc.line(path) or 1, detail=message.strip()) for path, message in seen]


def unlinked_pages(pages) -> list[Diagnostic]:
    """W-PAGE-UNLINKED for each page a reader cannot reach: placed nowhere (``nav``, ``home``,
    ``item``; or ``unlisted`` on purpose) and linked from no page that can be reached."""
    by_url = {routes.content(p): p for p in pages}
    reached = [p for p in pages if p.nav or p.home or p.item or p.unlisted]
    seen = {routes.content(p) for p in reached}
    while reached:
        page = reached.pop()
        for url in _linked_urls(page):
            if url in by_url and url not in seen:
                seen.add(url)
                reached.append(by_url[url])
    return [diag("W-PAGE-UNLINKED", p.path, 1, slug=p.slug) for p in pages if routes.content(p) not in seen]


_HREF = re.compile(r'href="([^"]*)"')


def _linked_urls(page):
    """The site pages a page's links point to, as page URLs (``/about/``, ``../about``, ``about/#x``)."""
    base = routes.content(page)
    for href in _HREF.findall(page.html):
        href = html.unescape(href).split("#", 1)[0].split("?", 1)[0]
        if not href or re.match(r"^[a-z][a-z0-9+.-]*:|^//", href, re.I):
            continue
        path = posixpath.normpath(posixpath.join(base, unquote(href)))
        yield routes.section_root(path.strip("/"))
