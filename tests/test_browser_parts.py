"""The full-text index in parts (stages/index.py), in Chromium: the demo built once whole and once
with every section of more than 40 pages indexed month by month (SHARD_MIN and PART_PAGES
lowered; each part is one Pagefind run, and every section in parts took twice as long), searched alike.
What one index finds, the parts find; the merged filter counts add up; the sort orders hold
across the parts (their places are on one scale for all parts).  The browser, the whole demo and the
helpers are test_browser.py's (skipped with it)."""

import shutil
import threading
from datetime import date

import pytest

from conftest import REPO, run
from generator import hosting
from generator.stages import index
from test_browser import base_url, browser, phone, rerun, search  # noqa: F401 (fixtures)


@pytest.fixture(scope="module")
def parted_url(tmp_path_factory):
    site = tmp_path_factory.mktemp("parted")
    for part in ("site_config.yaml", "data", "content"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copyfile)(REPO / part, site / part)
    saved = index.SHARD_MIN, index.PART_PAGES
    index.SHARD_MIN, index.PART_PAGES = 40, 1
    try:
        result, report = run(site, date(2026, 11, 29), out=site / "public", search=True)
    finally:
        index.SHARD_MIN, index.PART_PAGES = saved
    assert result, [d.format() for d in report.errors]
    assert len(list((site / "public/pagefind/s").iterdir())) > 3  # the penalties are in parts
    server = hosting.server(hosting.Hosting.load(site / "public", REPO / "netlify.toml"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def refine(page, base, query, sort=""):
    """Search, open 筛选和排序, sort: (the filter labels with their counts, the results' links)."""
    search(page, base, query)
    if page.is_visible("#search-fulltext"):
        rerun(page, lambda: page.click("#search-fulltext"))
    rerun(page, lambda: page.click("summary:has-text('筛选和排序')"))
    if sort:
        rerun(page, lambda: page.select_option("#search-sort", sort))
    labels = page.eval_on_selector_all("#search-filters label", "els => els.map(e => e.textContent)")
    links = page.eval_on_selector_all("#search-full-list .hit a", "els => els.map(e => e.getAttribute('href'))")
    return sorted(labels), links


def amounts(page, base, links):
    data = page.request.get(f"{base}/opendata/penalties.json").json()["records"]
    fines = {"/" + r["url"].split("/", 3)[3]: r["罚款金额（元）"] or 0 for r in data}
    return [fines.get(u) for u in links]


FIND = """async (query) => {
  const pf = await import('/pagefind/pagefind.js');
  await pf.init();
  const shards = await (await fetch('/pagefind/shards.json')).json();
  await Promise.all(shards.map((path) => pf.mergeIndex(path)));
  await pf.filters();  // as search.js does once 筛选和排序 is opened: the results then carry counts
  const found = await pf.search(query);
  const urls = await Promise.all(found.results.map(async (r) => (await r.data()).url));
  return [shards.length, urls, found.filters['公示事项'] || {}];
}"""


@pytest.mark.parametrize("query", ["有限公司", "工资", "劳务派遣"])
def test_what_one_index_finds_the_parts_find_and_their_counts_add_up(phone, base_url, parted_url, query):
    """Nothing one index finds is lost in parts, and the merged filter counts are those of the
    merged results.  (A part matches a query word against its own words, as Pagefind's multisite
    search does: where the word is not among a part's words, Pagefind widens it to the words it
    begins, so the parts may find a few pages more than one index; see README "Search".)"""
    phone.goto(f"{base_url}/search/")
    _, whole, _ = phone.evaluate(FIND, query)
    phone.goto(f"{parted_url}/search/")
    shards, parted, counts = phone.evaluate(FIND, query)
    assert shards > 3 and whole and set(whole) <= set(parted)
    assert counts.get("行政处罚结果", 0) == sum(u.startswith("/penalties/") for u in parted)
    assert phone.problems == []


@pytest.mark.parametrize("sort", ["amount:desc", "amount:asc", "date:desc", "date:asc"])
def test_sorted_results_are_in_the_sites_order_across_the_parts(phone, base_url, parted_url, sort):
    _, whole = refine(phone, base_url, "有限公司", sort)
    _, links = refine(phone, parted_url, "有限公司", sort)
    assert len(links) >= 3
    reverse = sort.endswith("desc")
    if sort.startswith("amount"):
        got = amounts(phone, parted_url, links)
        assert got == sorted(got, reverse=reverse) and got[0] == amounts(phone, base_url, whole)[0]
    else:
        dates = [phone.request.get(f"{parted_url}{u}").text().split('data-pagefind-sort="date">')[1][:10]
                 for u in links]
        assert dates == sorted(dates, reverse=reverse)
    assert phone.problems == []
