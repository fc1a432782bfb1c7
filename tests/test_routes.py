"""outputs/routes.py: every URL of the site is made there, and nowhere else — not in Python, not
in the theme's templates; the URLs the build takes are reserved from content pages."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from conftest import GOLDEN_AS_OF, GOLDEN_SITE, REPO, run
from generator.diagnostics import Report
from generator.load import load
from generator.outputs import routes

GENERATOR = REPO / "generator"
# routes.py itself; PDF names ("/JavaScript") in documents.py; hosting.py answers as Netlify does
NOT_SITE = {"routes.py", "documents.py", "hosting.py", "serve.py"}  # serve.py: the preview's own /__gongshi__/
# a string literal that starts a site path ("/penalties/…", f"/{…}"): a URL made in place
URL_LITERAL = re.compile(r"""(^|[^\w.])f?["']/[\w{]""")
# a link written into a template instead of asked of routes
TEMPLATE_URL = re.compile(r"""(href|src|action)="/""")


def golden():
    return load(GOLDEN_SITE, GOLDEN_AS_OF, Report()).site


def test_urls_of_a_dataset():
    site = golden()
    view, record = site.datasets["penalties"], site.datasets["penalties"].listed[0]
    assert routes.dataset(view) == "/penalties/" and routes.dataset(view, 3) == "/penalties/page/3/"
    assert routes.record(view, record.id) == f"/penalties/{record.id}/"
    assert routes.feed(view) == "/feeds/penalties.xml"
    assert routes.archive(view, date(2024, 3, 8)) == "/feeds/penalties/2024-03-08.xml"
    assert routes.export(view, "csv") == "/opendata/penalties.csv"
    assert routes.export(view, "csv", "creditchina") == "/opendata/penalties-creditchina.csv"
    agency = site.agencies[0]
    assert routes.agency(agency) == f"/agencies/{agency.id}/"
    assert routes.agency_dataset(agency, view, 2) == f"/agencies/{agency.id}/penalties/page/2/"
    assert routes.absolute(site, "/penalties/") == "https://gongshi.hrss.nx.example/penalties/"
    assert routes.relative(site.config.base_url, "https://gongshi.hrss.nx.example/penalties/") == "/penalties/"
    assert routes.served_from("/gone/") == "/gone/index.html" and routes.served_from("/404.html") == "/404.html"
    assert routes.section("/penalties/abc/") == "penalties" and routes.section("/404.html") == ""
    assert routes.of_file("robots.txt") == "/robots.txt" and routes.of_file("gone/index.html") == "/gone/"


def test_no_url_is_made_outside_routes():
    made = [f"{p.relative_to(REPO)}:{n}: {line.strip()}"
            for p in sorted(GENERATOR.rglob("*.py")) if p.name not in NOT_SITE
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if URL_LITERAL.search(line)]
    assert made == []
    written = [f"{p.relative_to(REPO)}:{n}: {line.strip()}"
               for p in sorted((GENERATOR / "theme").glob("*.html"))
               for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if TEMPLATE_URL.search(line)]
    assert written == []


def test_the_lint_would_see_a_url_made_in_place():
    assert URL_LITERAL.search('    return f"/feeds/{path}.xml"') and URL_LITERAL.search("url = '/opendata/'")
    assert not URL_LITERAL.search('text.rstrip("/")') and TEMPLATE_URL.search('<a href="/search/">')


def test_every_top_level_path_the_build_writes_is_reserved_or_a_dataset(tmp_path):
    out = tmp_path / "out"
    run(GOLDEN_SITE, GOLDEN_AS_OF, out=out, search=True)
    site = golden()
    taken = routes.RESERVED | {v.config.path for v in site.datasets.values()} | \
        {routes.section(routes.content(p)) for p in site.pages}
    tops = {p.name for p in out.iterdir() if p.is_dir()}
    assert tops and tops <= taken, tops - taken
    assert {"lookup", "pagefind", "feeds", "assets"} <= tops


def test_a_content_page_cannot_take_the_lookup_index(site: Path):
    (site / "content/lookup.md").write_text("---\ntitle: 查询\nslug: lookup\n---\n正文\n", encoding="utf-8")
    result, report = run(site, GOLDEN_AS_OF)
    assert result is None and [d.code for d in report.errors] == ["E-SLUG-DUPLICATE"]
