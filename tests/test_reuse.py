"""Record pages reused from the build cache (generator/outputs/reuse.py): whatever the cache
holds, every file is byte-identical to a build without a cache (P2.4); a changed row renders
its slot again and only it; the next day reuses the pages and writes the new as-of date; what
the marked date could be confused with is never stored.  The golden site's penalties (8) fall
into several slots here (PAGES_PER_SLOT lowered)."""

from __future__ import annotations

import zlib
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import GOLDEN_AS_OF, GOLDEN_SITE, REPO, edit_row, run, tree
from generator.dates import format_cn
from generator.outputs import reuse, schedule
from generator.pipeline import build

PENALTY = {"行政处罚决定书文号": "银人社监罚〔2024〕15号"}


@pytest.fixture(autouse=True)
def small_slots(monkeypatch):
    monkeypatch.setattr(reuse, "PAGES_PER_SLOT", 2)  # 8 penalties: 4 slots


def cached(site: Path, as_of: date, cache: Path, out: Path, jobs: int = 1) -> dict[str, tuple[str, str]]:
    """Build with the cache; (action, why) of each stage of its --explain."""
    result = build(site, out, as_of, search_index=False, jobs=jobs, cache=cache)
    return {stage: (action, why) for stage, action, why in result.explain}


def assert_same_as_without_cache(site: Path, as_of: date, out: Path, tmp_path: Path) -> None:
    cold = tmp_path / "cold"
    result, report = run(site, as_of, out=cold)
    assert result, [d.format() for d in report.errors]
    warm, fresh = tree(out), tree(cold)
    assert warm.keys() == fresh.keys(), warm.keys() ^ fresh.keys()
    differ = [name for name in warm if warm[name] != fresh[name]]
    assert not differ, differ[:10]


def test_a_changed_row_renders_its_slot_again_and_the_others_come_from_the_cache(site, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    first = cached(site, GOLDEN_AS_OF, cache, out)
    assert first["pages-penalties"][0] == "rebuilt"
    slots = len(list((cache / "pages-penalties").iterdir()))
    assert slots > 1, "8 penalties, 2 a slot: 4 slots, some maybe empty"
    again = cached(site, GOLDEN_AS_OF, cache, out)
    assert again["pages-penalties"] == ("reused", f"{slots} 组（7 页）输入未变"), again  # 7 shown, 1 withdrawn
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)

    edit_row(site / "data/penalties.csv", PENALTY, 违法事实="拖欠 23 名劳动者工资共计 412,000 元，经复核更正。")
    after = cached(site, GOLDEN_AS_OF, cache, out)
    action, why = after["pages-penalties"]
    assert action == "rebuilt" and why.startswith(f"1/{slots} 组") and "输入已改变" in why, why
    assert after["pages-powers"][0] == "reused", after  # another dataset's pages: untouched
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)
    page = next(p for p in out.glob("penalties/*/index.html") if "412,000" in p.read_text(encoding="utf-8"))
    assert "经复核更正" in page.read_text(encoding="utf-8")


def test_the_next_day_reuses_the_pages_and_writes_its_own_date(site, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    day = GOLDEN_AS_OF + timedelta(days=1)
    actions = cached(site, day, cache, out)
    assert actions["pages-powers"][0] == "reused", actions
    assert_same_as_without_cache(site, day, out, tmp_path)
    page = next(out.glob("powers/*/index.html")).read_text(encoding="utf-8")
    assert f"数据截至 {format_cn(day)}" in page and format_cn(GOLDEN_AS_OF) not in page
    assert reuse.MARK not in page


def test_the_same_day_twice_forked_reuses_every_page(site, tmp_path, monkeypatch):
    """Render workers (forked) hand back what they reused; the stored slots are theirs."""
    monkeypatch.setattr(schedule, "PARALLEL_THRESHOLD", 0)
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out, jobs=2)
    actions = cached(site, GOLDEN_AS_OF, cache, out, jobs=2)
    pages = {s: a for s, a in actions.items() if s.startswith("pages-")}
    assert pages and all(action == "reused" for action, _why in pages.values()), pages
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)


def test_a_record_holding_the_marks_character_is_rendered_every_time(site, tmp_path):
    """A private-use character in a record could be taken for the marked date: its slot is not
    stored, and its text is published as it is, the next day too."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    edit_row(site / "data/penalties.csv", PENALTY, 违法事实=f"拖欠工资{reuse.MARK}案。")
    cached(site, GOLDEN_AS_OF, cache, out)
    day = GOLDEN_AS_OF + timedelta(days=1)
    actions = cached(site, day, cache, out)
    assert "保留字符" in actions["pages-penalties"][1], actions
    assert_same_as_without_cache(site, day, out, tmp_path)
    assert any(f"拖欠工资{reuse.MARK}案" in p.read_text(encoding="utf-8") for p in out.glob("penalties/*/index.html"))


def test_the_sites_own_record_templates_turn_reuse_off(site, tmp_path):
    """A site's own templates may read anything of the site model: no key covers that."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    (site / "templates").mkdir()
    theme = REPO / "generator/theme/_footer.html"
    (site / "templates/_footer.html").write_text(
        theme.read_text(encoding="utf-8").replace("</footer>", "<p>共 {{ site.datasets|length }} 类信息</p></footer>"),
        encoding="utf-8")
    actions = cached(site, GOLDEN_AS_OF, cache, out)
    assert actions["pages"][0] == "rebuilt" and "_footer.html" in actions["pages"][1], actions
    assert not [s for s in actions if s.startswith("pages-")]
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)


def test_another_template_of_the_site_is_in_every_key(site, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    (site / "templates").mkdir()
    theme = REPO / "generator/theme/404.html"
    (site / "templates/404.html").write_text(theme.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    actions = cached(site, GOLDEN_AS_OF, cache, out)
    assert all(a == "rebuilt" for s, (a, _w) in actions.items() if s.startswith("pages-")), actions
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)


@pytest.mark.parametrize("how", ["flipped", "truncated", "swapped"])
def test_a_corrupted_or_foreign_slot_is_rendered_again(site, tmp_path, how):
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    slots = sorted((cache / "pages-penalties").iterdir())
    data = slots[0].read_bytes()
    if how == "flipped":
        slots[0].write_bytes(data[:100] + bytes([data[100] ^ 0xFF]) + data[101:])
    elif how == "truncated":
        slots[0].write_bytes(data[:-10])
    else:  # another slot's sound entry in its place: another key
        slots[0].write_bytes(slots[1].read_bytes())
    actions = cached(site, GOLDEN_AS_OF, cache, out)
    action, why = actions["pages-penalties"]
    assert action == "rebuilt" and why.startswith(f"1/{len(slots)} 组"), why
    assert ("输入已改变" if how == "swapped" else "损坏") in why, why
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)
    assert cached(site, GOLDEN_AS_OF, cache, out)["pages-penalties"][0] == "reused"  # stored anew


def test_slots_no_longer_used_are_dropped(site, tmp_path, monkeypatch):
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    assert len(list((cache / "pages-penalties").iterdir())) > 1
    monkeypatch.setattr(reuse, "PAGES_PER_SLOT", 8)
    cached(site, GOLDEN_AS_OF, cache, out)
    assert [p.name for p in (cache / "pages-penalties").iterdir()] == ["0000"]


def test_stored_pages_are_public_output_with_the_date_marked(site, tmp_path):
    """What a slot holds: the pages as published, the as-of date's place marked."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    stored = b"".join(zlib.decompress(p.read_bytes()[64:-32]) for p in (cache / "pages-penalties").iterdir())
    assert stored.count(reuse.MARK.encode()) == 2 * 7  # the footer and the print line of 7 record pages
    published = b"".join(p.read_bytes() for p in out.glob("penalties/*/index.html"))
    assert stored.count(b"</html>") == published.count(b'<article class="record"') == 7
    assert published.count(b"</html>") == 8  # and the withdrawn record's notice, not stored


def test_slots_follow_the_record_not_its_place_and_grow_by_doubling():
    assert [reuse.slots_for(n) for n in (0, 1, 2, 3, 4, 5, 9)] == [1, 1, 1, 2, 2, 4, 8]
    assert reuse.slot_of("abc", 8) == zlib.crc32(b"abc") % 8
    pages = [b"<html>a</html>", b"", "页".encode() * 1000]
    facts = b'[0,null,["' + b"0" * 64 + b'",[["date","2024-01-02"]]]]'
    assert reuse._unpack(reuse._pack(pages, facts), 3) == (pages, facts)
    assert reuse._unpack(reuse._pack(pages, facts), 4) is None  # not what was stored: a miss
    assert reuse._unpack(b"not zlib", 3) is None


def test_a_records_fingerprint_covers_all_an_output_reads_of_it_and_not_where_its_row_sits():
    """``model.fingerprint``: the build cache's keys of record pages, downloads, workbook rows and
    feed archives are made of it, so any part of a record that an output may show changes it."""
    from dataclasses import replace
    from generator.diagnostics import Report
    from generator.load import load
    from generator.model import Layout, fingerprint

    view = load(GOLDEN_SITE, GOLDEN_AS_OF, Report()).site.datasets["penalties"]
    rec = view.listed[0]
    assert view.fingerprints == tuple(map(fingerprint, view.listed))
    assert fingerprint(replace(rec, path="data/other.csv", line=9999)) == fingerprint(rec)
    changed = {
        "its id": replace(rec, id="x" + rec.id),
        "a value": replace(rec, values=tuple("x" if isinstance(v, str) else v for v in rec.values)),
        "a field's name": replace(rec, layout=Layout(rec.layout.names[:-1] + ("另一字段",))),
        "its lifecycle": replace(rec, life=replace(rec.life, last_day=date(2099, 1, 1))),
        "its department": replace(rec, agency="另一部门"),
    }
    seen = {fingerprint(rec)}
    for what, other in changed.items():
        assert fingerprint(other) not in seen, what
        seen.add(fingerprint(other))
