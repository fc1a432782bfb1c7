"""outputs/sitemap.py and the site map page: ``<lastmod>`` from the data (a record's publication,
correction or change of status; a dataset's last change), never from the clock; the footer's
网站地图 opens a page for people, not the crawlers' XML."""

from __future__ import annotations

import re
from datetime import date
from xml.etree import ElementTree

from conftest import GOLDEN_AS_OF, GOLDEN_EXPECTED, GOLDEN_SITE, edit_row, run
from generator.diagnostics import Report
from generator.load import load
from generator.outputs import routes

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://gongshi.hrss.nx.example"


def lastmods(path) -> dict[str, str | None]:
    root = ElementTree.parse(path).getroot()
    return {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root.iter(f"{SM}url")}


def test_lastmod_comes_from_the_data():
    site = load(GOLDEN_SITE, GOLDEN_AS_OF, Report()).site
    view = site.datasets["penalties"]
    got = lastmods(GOLDEN_EXPECTED / "sitemap.xml")
    assert got[f"{BASE}/penalties/"] == view.last_change.isoformat() == "2024-12-20"
    assert got[f"{BASE}/"] == "2024-12-20"  # the latest change of any dataset
    for record in view.listed:
        day = got[routes.absolute(site, routes.record(view, record.id))]
        assert day >= record.life.published_on.isoformat() and day <= GOLDEN_AS_OF.isoformat()
    # the corrected record: the day of its correction, not of its publication (P5.1)
    corrected = next(r for r in view.listed if r.id == "e2b0e0dc446b9d2c")
    assert corrected.life.published_on == date(2024, 10, 22)
    assert got[routes.absolute(site, routes.record(view, corrected.id))] == "2024-11-01"
    # pages whose day of change the data do not say have none, rather than the build's day
    assert got[f"{BASE}/search/"] is None and got[f"{BASE}/agencies/"] is None
    assert all(v is None or re.fullmatch(r"\d{4}-\d\d-\d\d", v) for v in got.values())


def test_a_correction_moves_the_records_lastmod_and_nothing_else(site, tmp_path):
    before = lastmods(GOLDEN_EXPECTED / "sitemap.xml")
    with open(site / "data/corrections.csv", encoding="utf-8-sig") as f:
        header = f.readline()
    assert header.startswith("数据集,记录,更正日期"), header
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": "贺人社监罚〔2024〕21号"}, 状态="已更正",
             状态日期="2025-01-10", 状态说明="更正违法事实的表述。")
    with open(site / "data/corrections.csv", "a", encoding="utf-8") as f:
        f.write("penalties,贺人社监罚〔2024〕21号,2025-01-10,违法事实的表述更正,录入错误,更正审批单2025-01,马建平\n")
    result, report = run(site, GOLDEN_AS_OF, out=tmp_path / "o")
    assert result, [d.format() for d in report.errors]
    after = lastmods(tmp_path / "o/sitemap.xml")
    changed = {url for url in after if after[url] != before.get(url)}
    assert f"{BASE}/penalties/3f3f3f00396d75fe/" in changed and after[f"{BASE}/penalties/3f3f3f00396d75fe/"] == "2025-01-10"
    assert changed <= {f"{BASE}/penalties/3f3f3f00396d75fe/", f"{BASE}/penalties/", f"{BASE}/", f"{BASE}/before/",
                       f"{BASE}/during/", f"{BASE}/after/", f"{BASE}/opendata/"}, changed


def test_the_footer_opens_the_site_map_page_which_links_every_section():
    home = (GOLDEN_EXPECTED / "index.html").read_text(encoding="utf-8")
    assert '<a href="/sitemap/">网站地图</a>' in home and 'href="/sitemap.xml"' not in home
    page = (GOLDEN_EXPECTED / "sitemap/index.html").read_text(encoding="utf-8")
    assert "<title>网站地图 - " in page
    site = load(GOLDEN_SITE, GOLDEN_AS_OF, Report()).site
    for view in site.datasets.values():
        if view.config.item:
            assert f'<a href="{routes.dataset(view)}">' in page, view.config.title
    for phase in routes.PHASE_PATHS:
        assert f'<a href="{routes.phase(phase)}">{phase}公开</a>' in page
    for url in (routes.search(), routes.agencies(), routes.platform(), routes.opendata(), routes.feeds()):
        assert f'<a href="{url}">' in page, url
    for p in site.pages:
        assert f'href="{routes.content(p)}"' in page, p.slug
    assert f"{BASE}/sitemap/" in lastmods(GOLDEN_EXPECTED / "sitemap.xml")
