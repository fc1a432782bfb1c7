"""Every internal link of the demo and golden sites resolves: each ``href``, ``src`` and form
``action`` of every page, each link of every feed and archive, the sitemap, robots.txt and
index.json lead to a file of the output or to a 410 rule of ``_redirects`` (a record no longer
shown, P5.2, P6, P2.3); a ``#fragment`` names an element of its page."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

from conftest import GOLDEN_AS_OF, GOLDEN_SITE, REPO, run
from generator.config import load_config

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class _Page(HTMLParser):
    LINKS = {"a": "href", "link": "href", "script": "src", "img": "src", "form": "action", "source": "src"}

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag in self.LINKS and attrs.get(self.LINKS[tag]) is not None:
            self.links.append(attrs[self.LINKS[tag]])


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def links_of(out: Path):
    """(file, link) of every link the site's outputs carry."""
    for path in sorted(out.rglob("*.html")):
        for link in parse(path).links:
            yield path, link
    for path in sorted((out / "feeds").rglob("*.xml")) if (out / "feeds").is_dir() else ():
        root = ElementTree.parse(path).getroot()
        for el in root.iter(f"{ATOM}link"):
            yield path, el.get("href")
        yield path, root.findtext(f"{ATOM}id")
    for loc in ElementTree.parse(out / "sitemap.xml").getroot().iter(f"{SITEMAP}loc"):
        yield out / "sitemap.xml", loc.text
    yield out / "robots.txt", re.search(r"^Sitemap: (\S+)$", (out / "robots.txt").read_text(), re.M).group(1)
    index = json.loads((out / "opendata/index.json").read_text(encoding="utf-8"))
    yield out / "opendata/index.json", index["datapackage"]
    for ds in index["datasets"].values():
        for link in [ds["page"], ds["feed"], *(f["url"] for f in ds["files"])]:
            if link:
                yield out / "opendata/index.json", link


def gone_rules(out: Path) -> list[str]:
    """The URLs that answer 410 Gone: ``/penalties/<id>/* … 410!`` covers every URL under the
    record's; ``/penalties/<id>/index.html … 410!`` that one file."""
    rules = [line.split() for line in (out / "_redirects").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    assert all(r[-1] == "410!" for r in rules), rules
    return [r[0] for r in rules]


def broken_links(out: Path, base_url: str) -> list[str]:
    gone = gone_rules(out)
    ids: dict[Path, set[str]] = {}
    broken, checked = [], 0
    for source, link in links_of(out):
        if link.startswith(base_url):
            link = "/" + link[len(base_url):]
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            if not parts.scheme and not parts.netloc and not parts.path:  # "#main": this page
                target = source
            else:
                assert parts.scheme in ("", "mailto", "tel"), f"{source}: link out of the site: {link}"
                continue
        else:
            path = unquote(parts.path)
            if any(path.startswith(rule[:-1]) if rule.endswith("*") else path == rule for rule in gone):
                checked += 1
                continue
            target = out / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
            if not target.is_file():
                broken.append(f"{source.relative_to(out)}: {link}")
                continue
        checked += 1
        if parts.fragment:
            if target not in ids:
                ids[target] = parse(target).ids
            if parts.fragment not in ids[target]:
                broken.append(f"{source.relative_to(out)}: {link} (no element #{parts.fragment})")
    assert checked > 100, "the link checker found too little to check"
    return broken


def test_golden_site_has_no_broken_link(tmp_path):
    result, report = run(GOLDEN_SITE, GOLDEN_AS_OF, out=tmp_path / "out")
    assert result is not None, [d.format() for d in report.errors]
    assert broken_links(tmp_path / "out", load_config(GOLDEN_SITE).base_url) == []


def test_demo_site_has_no_broken_link(tmp_path):
    site = tmp_path / "demo"
    site.mkdir()
    for part in ("site_config.yaml", "data", "content"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copyfile)(REPO / part, site / part)
    result, report = run(site, date(2026, 11, 29))  # the day the demo's data describe
    assert result is not None, [d.format() for d in report.errors]
    base_url = load_config(site).base_url
    assert gone_rules(site / "public"), "the demo should have records no longer shown, to check their 410 rules"
    assert broken_links(site / "public", base_url) == []


def test_the_checker_finds_a_broken_link_and_a_missing_fragment(tmp_path):
    out = tmp_path / "out"
    run(GOLDEN_SITE, GOLDEN_AS_OF, out=out)
    page = out / "platform/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "</main>", '<a href="/feeds/staff.xml">x</a><a href="/search/#nowhere">y</a></main>'), encoding="utf-8")
    assert broken_links(out, "https://gongshi.hrss.nx.example/") == [
        "platform/index.html: /feeds/staff.xml", "platform/index.html: /search/#nowhere (no element #nowhere)"]
