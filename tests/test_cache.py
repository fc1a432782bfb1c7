"""The build cache (generator/cache.py) and the search index built in parts (stages/index.py):
whatever the cache holds — nothing, the previous build's work, a corrupted or a foreign entry —
the output is byte-identical to a build without a cache (P2.4), and the cache holds nothing
private.  The golden site's penalties are split into indexes of months and of halves of a month
here (SHARD_MIN, PART_PAGES and PART_PAGES_MAX lowered), so that the parts, their reuse and their merged sort
orders are exercised on a small site."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import struct
import zipfile
import zlib
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import GOLDEN_AS_OF, REPO, Canaries, all_output_bytes, edit_row, run, tree
from generator import pagefind_files
from generator.cache import TAG, Cache, UnsafeCache, _unpack, explain_text, key, open_cache
from generator.diagnostics import BuildFailed
from generator.meanwhile import can_fork
from generator.pipeline import build
from generator.stages import index
from test_privacy_canary import planted  # noqa: F401 (the fixture: canaries in every private field)


_HEX_DIGEST = re.compile(rb"[0-9a-f]{64}")
DEMO_SHARD_MIN = 40  # the demo's sections of more than 40 pages in parts: 78 Pagefind runs, not 152


@pytest.fixture(autouse=True)
def small_parts(monkeypatch):
    # the golden site's 8 penalties indexed in parts: 1.3 a month, above the largest part, so
    # months are cut in halves (October's 8th and 20th in parts of their own)
    monkeypatch.setattr(index, "SHARD_MIN", 1)
    monkeypatch.setattr(index, "PART_PAGES", 1)
    monkeypatch.setattr(index, "PART_PAGES_MAX", 1)


def demo_parts(monkeypatch):
    """The demo's sections of more than 40 pages in parts, of whole months (78 Pagefind runs)."""
    monkeypatch.setattr(index, "SHARD_MIN", DEMO_SHARD_MIN)
    monkeypatch.setattr(index, "PART_PAGES_MAX", 10**9)  # no month cut


def cached(site: Path, as_of: date, cache: Path, out: Path):
    result = build(site, out, as_of, search_index=True, jobs=1, cache=cache)
    return result, {stage: action for stage, action, _why in result.explain}


def assert_same_as_cold(site: Path, as_of: date, out: Path, tmp_path: Path, step: str) -> None:
    cold = tmp_path / f"cold-{step}"
    result, report = run(site, as_of, out=cold, search=True)
    assert result, [d.format() for d in report.errors]
    warm, fresh = tree(out), tree(cold)
    assert warm.keys() == fresh.keys(), (step, warm.keys() ^ fresh.keys())
    differ = [name for name in warm if warm[name] != fresh[name]]
    assert not differ, (step, differ[:10])
    shutil.rmtree(cold)


def test_output_is_byte_identical_with_a_cold_warm_or_changed_cache(site, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    _, actions = cached(site, GOLDEN_AS_OF, cache, out)
    assert set(actions.values()) == {"rebuilt"} and "pagefind-main" in actions and "lookup" in actions
    months = [s for s in actions if s.startswith("pagefind-penalties-")]
    assert len(months) > 1, actions  # the penalties are in parts, some of them a half of a month
    assert {"pagefind-penalties-2024-10-01", "pagefind-penalties-2024-10-16"} <= set(months), months
    assert_same_as_cold(site, GOLDEN_AS_OF, out, tmp_path, "cold cache")

    _, actions = cached(site, GOLDEN_AS_OF, cache, out)
    assert set(actions.values()) == {"reused"}, actions
    assert_same_as_cold(site, GOLDEN_AS_OF, out, tmp_path, "warm cache")

    # a row's field that no index reads (fulltext: [] indexes the title only): its page changed,
    # what Pagefind reads of it did not, so every month is reused
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2024〕15号"},
             违法事实="拖欠 23 名劳动者工资共计 412,000 元，经复核更正。")
    result, actions = cached(site, GOLDEN_AS_OF, cache, out)
    assert all(actions[s] == "reused" for s in months), actions
    assert [why for stage, _, why in result.explain if stage in months and why.startswith("页面有改动，但检索读到的内容未变")]
    assert actions["lookup"] == "rebuilt"  # the JSON export it reads changed
    assert_same_as_cold(site, GOLDEN_AS_OF, out, tmp_path, "row, a field no index reads")

    # a row's title (案件名称): its month is indexed again, the other months are reused
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2024〕15号"},
             案件名称="银川市永固建筑劳务有限公司拖欠劳动者工资案")
    _, actions = cached(site, GOLDEN_AS_OF, cache, out)
    assert [s for s in months if actions[s] == "rebuilt"] and [s for s in months if actions[s] == "reused"], actions
    assert_same_as_cold(site, GOLDEN_AS_OF, out, tmp_path, "row, its title")

    # a template: the site's own record page, with a word inside what is indexed
    theme = REPO / "generator/theme/record.html"
    (site / "templates").mkdir()
    (site / "templates/record.html").write_text(
        theme.read_text(encoding="utf-8").replace("</article>", "<p>本页信息依法公示。</p>\n</article>", 1),
        encoding="utf-8")
    _, actions = cached(site, GOLDEN_AS_OF, cache, out)
    assert all(actions[s] == "rebuilt" for s in months), actions
    assert_same_as_cold(site, GOLDEN_AS_OF, out, tmp_path, "template")

    # the configuration: the site's title is in every page, but not in what is indexed
    config = site / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "title: 宁夏人力资源和社会保障行政执法公示平台", "title: 宁夏人社行政执法公示平台", 1), encoding="utf-8")
    _, actions = cached(site, GOLDEN_AS_OF, cache, out)
    assert all(actions[s] == "reused" for s in months), actions
    assert_same_as_cold(site, GOLDEN_AS_OF, out, tmp_path, "configuration")

    # the date: every page's footer (数据截至) changes; the index is reused where its text did not
    day = GOLDEN_AS_OF + timedelta(days=1)
    _, actions = cached(site, day, cache, out)
    assert "reused" in actions.values(), actions
    assert_same_as_cold(site, day, out, tmp_path, "date")

    # the calendar: a holiday notice moves the working-day deadlines (C4)
    (site / "data/calendar-2025.yaml").write_text(
        "years:\n  2025:\n    basis: 测试用通知\n    holidays: [2025-01-01, 2025-01-02..2025-01-10]\n    workdays: []\n",
        encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8").replace(
        "# calendar: [data/calendar-2027.yaml]", "calendar: [data/calendar-2025.yaml]", 1), encoding="utf-8")
    cached(site, day, cache, out)
    assert_same_as_cold(site, day, out, tmp_path, "calendar")


def corrupt(cache: Path, how: str) -> None:
    pack = next((cache / "pagefind-main").glob("*.pack"))
    if how == "changed":  # one byte of one stored file
        data = bytearray(pack.read_bytes())
        data[len(data) // 2] ^= 0xFF
        pack.write_bytes(bytes(data))
    elif how == "truncated":
        pack.write_bytes(pack.read_bytes()[:-100])
    else:  # the listing garbled
        pack.with_suffix(".json").write_text("{not json", encoding="utf-8")


@pytest.mark.parametrize("how", ["changed", "truncated", "listing"])
def test_a_corrupted_cache_entry_is_not_used(site, tmp_path, how):
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    corrupt(cache, how)
    result, actions = cached(site, GOLDEN_AS_OF, cache, out)
    assert actions["pagefind-main"] == "rebuilt", actions
    why = dict((s, w) for s, _a, w in result.explain)["pagefind-main"]
    assert "损坏" in why, why
    assert_same_as_cold(site, GOLDEN_AS_OF, out, tmp_path, how)
    _, actions = cached(site, GOLDEN_AS_OF, cache, out)  # the entry was replaced by a sound one
    assert actions["pagefind-main"] == "reused"


def test_a_cache_of_another_site_is_a_miss_not_a_mix(site, tmp_path, monkeypatch):
    """The demo site's cache, then the golden site's build with it: nothing of the demo's index
    reaches the golden site's output."""
    demo_parts(monkeypatch)
    demo = tmp_path / "demo"
    demo.mkdir()
    for part in ("site_config.yaml", "data", "content"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copyfile)(REPO / part, demo / part)
    cache = tmp_path / "cache"
    cached(demo, date(2026, 11, 29), cache, tmp_path / "demo-out")
    out = tmp_path / "out"
    _, actions = cached(site, GOLDEN_AS_OF, cache, out)
    assert actions["pagefind-main"] == "rebuilt" and actions["lookup"] == "rebuilt", actions
    assert_same_as_cold(site, GOLDEN_AS_OF, out, tmp_path, "foreign")


def test_the_same_site_checked_out_elsewhere_reuses_everything(site, tmp_path):
    """Keys hold what the outputs are made of, not where the site sits (SiteConfig.root is not in
    its repr): a cache restored into another checkout or CI workspace is not a cold start."""
    cache = tmp_path / "cache"
    cached(site, GOLDEN_AS_OF, cache, tmp_path / "out")
    elsewhere = tmp_path / "another" / "checkout"
    shutil.copytree(site, elsewhere)
    out = tmp_path / "out2"
    _, actions = cached(elsewhere, GOLDEN_AS_OF, cache, out)
    assert actions and set(actions.values()) == {"reused"}, actions
    assert_same_as_cold(elsewhere, GOLDEN_AS_OF, out, tmp_path, "elsewhere")


def test_the_cache_must_stay_out_of_the_output_and_the_inputs(site, tmp_path):
    out = tmp_path / "out"
    for bad in (out / "cache", out, site / "data" / "cache"):
        with pytest.raises(UnsafeCache):
            open_cache(bad, out, site)
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(UnsafeCache, match=TAG):
        open_cache(foreign, out, site)
    with pytest.raises(UnsafeCache):  # through the build: refused before anything is written
        build(site, out, GOLDEN_AS_OF, search_index=False, jobs=1, cache=foreign)
    assert not out.exists() and (foreign / "keep.txt").read_text(encoding="utf-8") == "x"
    made = open_cache(tmp_path / "new-cache", out, site)
    assert (made.root / TAG).is_file()


def test_parts_cover_whole_calendar_months_as_many_as_keep_them_near_the_aimed_size(monkeypatch):
    monkeypatch.setattr(index, "PART_PAGES", 12000)
    monkeypatch.setattr(index, "PART_PAGES_MAX", 30000)
    def dates(per_month, months=12):
        return [f"2026-{m:02d}-01" for m in range(1, months + 1) for _ in range(per_month)]
    assert index.part_span(dates(9000)) == (1, 1)       # 100,000 a year: monthly
    assert index.part_span(dates(2500)) == (4, 1)       # 30,000 a year: Jan–Apr, May–Aug, Sep–Dec
    assert index.part_span(dates(800)) == (12, 1)       # 10,000 a year: one part a year
    assert index.part_span(dates(25000)) == (1, 1)      # 300,000 a year: above the aim, still a month
    assert index.part_span([]) is None


def test_a_month_above_the_largest_part_is_cut_at_the_same_days_of_every_month(monkeypatch):
    monkeypatch.setattr(index, "PART_PAGES", 12000)
    monkeypatch.setattr(index, "PART_PAGES_MAX", 30000)
    def dates(per_month, months=12):
        return [f"2026-{m:02d}-01" for m in range(1, months + 1) for _ in range(per_month)]
    assert index.part_span(dates(30000)) == (1, 1)      # at the largest part: a month whole
    assert index.part_span(dates(30001)) == (1, 2)      # just above it: halves
    assert index.part_span(dates(83000)) == (1, 3)      # 1,000,000 a year: thirds of about 27,700
    assert index.part_span(dates(90000)) == (1, 3)      # at the largest part a third
    assert index.part_span(dates(90001)) == (1, 6)
    assert index.part_span(dates(250000)) == (1, 6)     # above it even cut in six: six still
    # halves: the 1st–15th and the 16th to the month's end
    assert [index.part_start(f"2026-01-{d:02d}", 1, 2) for d in (1, 15, 16, 31)] == \
        ["2026-01-01", "2026-01-01", "2026-01-16", "2026-01-16"]
    # thirds: from the 1st, the 11th and the 21st; February's last days with the 21st
    assert [index.part_start(f"2026-02-{d:02d}", 1, 3) for d in (10, 11, 20, 21, 28)] == \
        ["2026-02-01", "2026-02-11", "2026-02-11", "2026-02-21", "2026-02-21"]
    # sixths: from the 1st, 6th, 11th, 16th, 21st, 26th; the 31st with the 26th
    assert [index.part_start(f"2026-03-{d:02d}", 1, 6) for d in (5, 6, 25, 26, 30, 31)] == \
        ["2026-03-01", "2026-03-06", "2026-03-21", "2026-03-26", "2026-03-26", "2026-03-26"]
    assert index.part_start("2026-03", 1, 3) == "2026-03-01"   # a date without its day: the first part
    # whole months are named by their first month only, as before
    assert [index.part_start(f"2026-{m:02d}-20", 4, 1) for m in (4, 5, 12)] == ["2026-01", "2026-05", "2026-09"]


def test_keys_differ_with_any_part_and_its_boundaries():
    assert key("s", "ab", "c") != key("s", "a", "bc")
    assert key("s", b"x") == key("s", "x") != key("t", "x")


def test_a_cache_that_cannot_be_written_only_costs_time(site, tmp_path):
    cache = Cache(tmp_path / "file-not-folder")
    cache.root.write_text("x", encoding="utf-8")
    src = tmp_path / "src"
    src.mkdir()
    (src / "a").write_bytes(b"1")
    cache.store("stage", "k", src)  # no error
    assert not cache.restore("stage", "k", tmp_path / "dest")


def test_an_entry_hands_over_the_digests_of_the_files_it_stored_or_restored(tmp_path):
    cache = Cache(tmp_path / "cache")
    cache.root.mkdir()
    src = tmp_path / "src"
    (src / "fragment").mkdir(parents=True)
    (src / "fragment/1.pf_fragment").write_bytes(b"one")
    (src / "entry.json").write_bytes(b"{}")
    stored, restored = {}, {}
    cache.store("stage", "k", src, stored)
    assert cache.restore("stage", "k", tmp_path / "dest", digests=restored)
    expected = {"fragment/1.pf_fragment": hashlib.sha256(b"one").hexdigest(), "entry.json": hashlib.sha256(b"{}").hexdigest()}
    assert stored == restored == expected
    # an entry that fails its check hands over nothing, not the files written before it failed
    pack = next((cache.root / "stage").glob("*.pack"))
    pack.write_bytes(pack.read_bytes()[:-1] + b"X")
    refused = {}
    assert not cache.restore("stage", "k", tmp_path / "again", digests=refused)
    assert refused == {}


def test_release_json_takes_the_index_files_digests_from_the_cache(site, tmp_path, monkeypatch):
    """A build with a cache does not read the search indexes' fragments back for release.json
    (100,000 files at 100,000 records): their digests come from the cache's store or restore.
    That they are the files' own is the byte-identity test's (release.json is compared too)."""
    from generator import release

    read: list[str] = []
    real = release.sha256_file
    monkeypatch.setattr(release, "sha256_file", lambda path: read.append(str(path)) or real(path))
    for step in ("cold cache", "warm cache"):
        read.clear()
        cached(site, GOLDEN_AS_OF, tmp_path / "cache", tmp_path / "out")
        assert not [p for p in read if "/fragment/" in p or "/lookup/" in p], step
        assert any(p.endswith("pagefind-entry.json") for p in read), step  # rewritten after the cache: read


def test_the_cache_holds_no_private_value(planted, tmp_path, monkeypatch):
    """Canaries planted in every private field (test_privacy_canary): the cache holds copies of
    public output, so none is in it either (search index files unpacked, record pages, feed
    archives, the downloads' and workbooks' rows decompressed, the lookup's rows as stored), and
    the rows as checked, encrypted (rowcache.py: read raw below, where no canary may show)."""
    site, markers, as_of = planted
    if site.name == "demo":  # its larger sections in parts: each part is one Pagefind run
        demo_parts(monkeypatch)
    cache = tmp_path / "cache"
    build(site, tmp_path / "out", as_of, search_index=True, jobs=1, cache=cache)
    unpacked = tmp_path / "unpacked"
    for listing in cache.glob("*/*.json"):  # every entry, its files unpacked (gzip too)
        _unpack(listing.read_bytes(), listing.with_suffix(".pack").read_bytes(), unpacked / listing.parent.name, {})
    for slot in cache.glob("xlsx-*/*"):  # the workbooks' rows, slot by slot: as a zip, read as the .xlsx are
        data = slot.read_bytes()[64:-32]
        _crc, size = struct.unpack_from("<IQ", data)
        xml = zlib.decompressobj(-15).decompress(data[12:])  # raw deflate, ended by a sync flush
        assert len(xml) == size
        with zipfile.ZipFile(unpacked / f"{slot.parent.name}-{slot.name}.xlsx", "w") as z:
            z.writestr("sheet1.xml", xml)
    stored = list(all_output_bytes(unpacked))
    assert any(n.startswith("xlsx-") for n, _ in stored)
    assert any(n.startswith("pagefind-") and "pf_fragment" in n for n, _ in stored)
    assert any(n.startswith("lookup/") for n, _ in stored)
    assert list(cache.glob("lookup-*/rows"))  # the datasets' rows of the lookup: JSON, read raw below
    slots = [p for p in cache.glob("pages-*/*") if p.is_file()]  # the record pages, decompressed
    archives = [p for p in cache.glob("archives-*/*") if p.is_file()]  # and the feed archives
    rows = [p for p in cache.glob("export-*/*") if p.is_file()]  # and the CSV and JSON downloads' rows
    assert slots and archives and any(p.parent.name.endswith("creditchina.csv") for p in rows)
    assert list(cache.glob("rows-*/*"))  # the rows as checked, private fields included: raw bytes only
    slots += archives + rows
    stored += [(p.as_posix(), zlib.decompress(p.read_bytes()[64:-32])) for p in slots]
    # and the raw files, without their keys and digests (SHA-256 in hex: a numeric canary such as
    # 98760 is in one key in about 17,000 by chance, and a digest cannot be read back to a value)
    stored += [(p.name, _HEX_DIGEST.sub(b"", p.read_bytes())) for p in cache.rglob("*") if p.is_file()]
    canaries = Canaries(markers)
    for name, data in stored:
        assert not (leaked := canaries.found(data)), f"{leaked[:3]} in the cache: {name}"


def test_merged_sort_orders_share_one_scale_across_the_parts(site, tmp_path):
    """Each part's sort order holds its pages at places on one scale for all parts, so that the
    browser's merge by place (stable: the main index, then the parts in order) is sorted by value;
    a place holds at most one page of a part, and two parts share a place only for equal values."""
    out = tmp_path / "out"
    result, report = run(site, GOLDEN_AS_OF, out=out, search=True)
    assert result, [d.format() for d in report.errors]
    listed = json.loads((out / "pagefind/shards.json").read_text())
    parts = [out / "pagefind"] + [out / p.lstrip("/") for p in listed]
    values = index.plan(out)[1]["amount"]
    placed = []  # (place, part, url)
    for n, part in enumerate(parts):
        urls = pagefind_files.page_urls(part)
        for _e, _l, _i, _p, meta in pagefind_files._metas(part):
            order = dict(meta[4]).get("amount", [])
            held = [number for number in order if number < len(urls)]
            assert len(held) == len(set(held)), "a page of the part at two places"
            placed += [(place, n, urls[number]) for place, number in enumerate(order) if number < len(urls)]
    merged = sorted(placed)
    assert len({u for _p, _n, u in merged}) == len(merged) == len(values) > 3
    numbers = [float(values[u]) for _p, _n, u in merged]
    assert numbers == sorted(numbers)
    for (p1, n1, u1), (p2, n2, u2) in zip(merged, merged[1:]):
        if p1 == p2:
            assert n1 != n2 and float(values[u1]) == float(values[u2]), (u1, u2)


def test_pages_of_equal_value_in_different_parts_share_places_and_lists_stay_short():
    sorts = {"amount": {"/a/": "5", "/b/": "5", "/c/": "7", "/d/": "5.0", "/e/": "1"},
             "date": {"/a/": "2025-01-02", "/b/": "2025-02-01", "/c/": "2025-01-03"}}
    part_of = {"/a/": "", "/c/": "", "/e/": "", "/b/": "p1", "/d/": "p1"}
    places = index.sort_places(sorts, part_of)
    # 1 first; then 5 (one page in the main index, two in p1: a run two wide); then 7
    assert places["amount"] == {"/e/": 0, "/a/": 1, "/b/": 1, "/d/": 2, "/c/": 3}
    assert places["date"] == {"/a/": 0, "/c/": 1, "/b/": 2}
    assert index._ordered(places["amount"], ["/c/", "/a/", "/e/"]) == [2, 1, None, 0]
    assert index._ordered(places["amount"], ["/d/", "/b/"]) == [None, 1, 0]
    assert index._ordered(places["date"], ["/x/"]) == []


def test_a_failed_build_with_a_cache_leaves_the_output_untouched(site, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    before = tree(out)
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2024〕15号"}, 处罚决定日期="2024-13-45")
    with pytest.raises(BuildFailed):
        cached(site, GOLDEN_AS_OF, cache, out)
    assert tree(out) == before


def _pids_of_pagefind_runs(monkeypatch, log: Path, fail: str = "", raises: bool = False):
    """Note the process of every Pagefind run in ``log`` (a forked worker's memory does not come
    back); a part whose folder name holds ``fail`` fails as Pagefind would, or (``raises``) as a
    full disk would."""
    real = index.run_pagefind

    def run_pagefind(source, out):
        with log.open("a") as fh:
            fh.write(f"{os.getpid()} {out.name}\n")
        if fail and fail in out.name:
            if raises:
                raise OSError(28, "模拟的磁盘已满")
            return "模拟的 Pagefind 错误"
        return real(source, out)

    monkeypatch.setattr(index, "run_pagefind", run_pagefind)


@pytest.mark.skipif(not can_fork(), reason="the parts are indexed in forked processes where fork exists")
def test_parts_indexed_in_forked_processes_give_the_output_and_cache_of_one_process(site, tmp_path, monkeypatch):
    """With two jobs each part is indexed in a forked process, its cache entry stored there
    (stages/index.py, ``_made_parts``): the output, the cache and --explain are those of one
    process, and the next build reuses every part."""
    made = {}
    for jobs in (1, 2):
        log = tmp_path / f"runs-{jobs}"
        _pids_of_pagefind_runs(monkeypatch, log)
        cache, out = tmp_path / f"cache-{jobs}", tmp_path / f"out-{jobs}"
        result = build(site, out, GOLDEN_AS_OF, search_index=True, jobs=jobs, cache=cache)
        runs = [line.split() for line in log.read_text().splitlines()]
        index_entries = {name: data for name, data in tree(cache).items() if name.startswith("pagefind-")}
        made[jobs] = (tree(out), index_entries, sorted(result.explain), {pid for pid, _part in runs}, len(runs))
    assert made[1][3] == {str(os.getpid())}
    assert len(made[2][3]) == made[2][4] > 2 and str(os.getpid()) not in made[2][3]  # a process of its own each
    assert made[2][0] == made[1][0]
    assert made[2][1] == made[1][1] and any(name.startswith("pagefind-penalties-") for name in made[2][1])  # the index's entries
    assert made[2][2] == made[1][2]
    _, actions = cached(site, GOLDEN_AS_OF, tmp_path / "cache-2", tmp_path / "out-2")
    assert {a for s, a in actions.items() if s.startswith("pagefind-")} == {"reused"}


@pytest.mark.skipif(not can_fork(), reason="the parts are indexed in forked processes where fork exists")
@pytest.mark.parametrize("raises", [False, True], ids=["pagefind-fails", "worker-raises"])
def test_a_part_that_fails_in_a_forked_process_fails_the_build_and_leaves_the_output(site, tmp_path, monkeypatch, raises):
    """No part is started after a failure, and the running ones end before the work folder goes
    (a worker stopped midway would leave its Pagefind writing into a deleted staging folder)."""
    out = tmp_path / "out"
    build(site, out, GOLDEN_AS_OF, search_index=True, jobs=2)
    before = tree(out)
    _pids_of_pagefind_runs(monkeypatch, tmp_path / "runs", fail="penalties", raises=raises)
    with pytest.raises(BuildFailed) as failed:
        build(site, out, GOLDEN_AS_OF + timedelta(days=1), search_index=True, jobs=2)
    [problem] = failed.value.report.errors
    assert problem.code == "E-SEARCH-INDEX"
    assert ("模拟的磁盘已满" if raises else "模拟的 Pagefind 错误") in problem.format()
    runs = (tmp_path / "runs").read_text().splitlines()
    assert sum("penalties" in line for line in runs) <= 2  # the first failure stops the rest
    assert tree(out) == before
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name]  # nor a work folder left


def test_the_lookup_keys_on_the_records_not_the_date_in_the_head(tmp_path):
    from generator.pipeline import records_part

    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text('{\n "as_of": "2026-11-29",\n "records": [\n{"id": 1}\n ],\n "withdrawn": [\n'
                 '{"id": 2, "状态日期": "2026-11-29"}\n ]\n}\n', encoding="utf-8")
    b.write_text('{\n "as_of": "2026-11-30",\n "records": [\n{"id": 1}\n ],\n "withdrawn": [\n'
                 '{"id": 2, "状态日期": "2026-11-30"}\n ]\n}\n', encoding="utf-8")
    assert records_part(a) == records_part(b) and b'"id": 1' in records_part(a) and b'"id": 2' not in records_part(a)
    c = tmp_path / "c.json"
    c.write_text('{\n "as_of": "2026-11-29",\n "records": [\n{"id": 1},\n{"id": 3}\n ],\n "withdrawn": [\n ]\n}\n',
                 encoding="utf-8")
    assert records_part(c) != records_part(a)  # a record more: another key
    other = tmp_path / "d.json"
    other.write_text('{"as_of": "2026-11-29", "records": []}', encoding="utf-8")  # not the exports' layout
    assert records_part(other) == other.read_bytes()


def test_a_changed_dataset_reads_its_export_again_and_the_others_rows_are_reused(site, tmp_path):
    """The lookup index of a change in one dataset: the rows of the datasets whose exports did
    not change come from the cache (stages/lookup.py KeptRows), with the same output; a stored
    entry that is not rows (foreign, though its SHA-256 holds) is read as a miss, never trusted."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    _, actions = cached(site, GOLDEN_AS_OF, cache, out)
    rows_stages = sorted(s for s in actions if s.startswith("lookup-"))
    assert rows_stages == ["lookup-penalties", "lookup-powers", "lookup-random_checks", "lookup-staff"], actions
    assert {actions[s] for s in rows_stages} == {"rebuilt"}
    assert all((cache / s / "rows").is_file() for s in rows_stages)

    edit_row(site / "data/powers.csv", {"事项编码": "640000-XZXK-0001"}, 事项名称="劳务派遣经营许可（含变更）")
    _, actions = cached(site, GOLDEN_AS_OF, cache, out)
    assert actions["lookup"] == "rebuilt" and actions["lookup-powers"] == "rebuilt", actions
    assert [actions[s] for s in ("lookup-penalties", "lookup-random_checks", "lookup-staff")] == ["reused"] * 3
    assert_same_as_cold(site, GOLDEN_AS_OF, out, tmp_path, "one dataset changed")
    assert "劳务派遣经营许可（含变更）" in "".join(p.read_text(encoding="utf-8") for p in (out / "lookup/r").glob("*.json"))

    # a foreign entry under the right key, its SHA-256 intact: not rows, so the export is read
    stored = (cache / "lookup-penalties" / "rows").read_bytes()
    Cache(cache).put("lookup-penalties", "rows", stored[:64].decode(), b'{"rows": "not these"}')
    edit_row(site / "data/powers.csv", {"事项编码": "640000-XZXK-0001"}, 事项名称="劳务派遣经营许可")
    result, actions = cached(site, GOLDEN_AS_OF, cache, out)
    assert actions["lookup-penalties"] == "rebuilt", actions  # its key and digest hold, its content is refused
    assert ("lookup-penalties", "rebuilt", "缓存项不是查询索引的记录行，已重新读取") in result.explain
    assert_same_as_cold(site, GOLDEN_AS_OF, out, tmp_path, "foreign rows")
    assert (cache / "lookup-penalties" / "rows").read_bytes() == stored  # and the rows read again are stored


def test_explain_names_each_part_of_the_index_by_where_it_starts():
    text = explain_text([("pagefind-main", "reused", "输入未变"),
                         ("pagefind-penalties-2026-01", "reused", "输入未变"),
                         ("pagefind-penalties-2026-02-11", "rebuilt", "输入已改变")], no_search=False)
    assert "全文检索索引（Pagefind）：页面和较小的数据集：复用缓存（输入未变）" in text
    assert "全文检索索引（Pagefind）：penalties 2026-01 起：复用缓存（输入未变）" in text
    assert "全文检索索引（Pagefind）：penalties 2026-02-11 起：重新生成（输入已改变）" in text  # a third of February
