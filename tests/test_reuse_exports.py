"""The CSV, JSON and 信用中国 downloads' records in slots, reused from the build cache
(generator/outputs/reuse_exports.py): whatever the cache holds, every download is byte-identical
to a build without a cache (P2.4, P10.2); the next day reuses every slot; a changed record makes
its slot again, not the file; a withdrawn record changes its own slot and at most the one it
joins, never every slot after it.  Slots are made small here (SLOT 2, LONGEST 3): the golden
penalties (7 listed) fall into several slots."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import GOLDEN_AS_OF, GOLDEN_SITE, edit_row
from generator.cache import Cache
from generator.diagnostics import Report
from generator.load import load
from generator.outputs import reuse_exports
from test_credit_repair import NUMBER, configure
from test_reuse import PENALTY, assert_same_as_without_cache, cached

STAGES = ("export-penalties.csv", "export-penalties.json", "export-penalties-creditchina.csv")


@pytest.fixture(autouse=True)
def small_slots(monkeypatch):
    monkeypatch.setattr(reuse_exports, "SLOT", 2)
    monkeypatch.setattr(reuse_exports, "LONGEST", 3)


def slot_count(site, as_of=GOLDEN_AS_OF) -> int:
    """How many slots the listed penalties of ``site`` fall into (as reuse_exports.py cuts them)."""
    view = load(site, as_of, Report()).site.datasets["penalties"]
    return len(reuse_exports.slots(view.listed))


def test_the_next_day_reuses_every_slot_of_every_download(site, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    n = slot_count(site)
    assert n >= 3
    first = cached(site, GOLDEN_AS_OF, cache, out)
    for stage in STAGES:
        assert first[stage] == ("rebuilt", f"{n}/{n} 组（平均每组 2 条）重新生成：缓存中没有此项"), stage
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)
    stored = {p.name for p in (cache / "export-penalties.csv").iterdir()}
    assert len(stored) == n  # one file a slot, named after its first record
    day = GOLDEN_AS_OF + timedelta(days=1)
    again = cached(site, day, cache, out)
    for stage in STAGES:
        assert again[stage] == ("reused", f"{n} 组（7 条）输入未变"), stage
    assert_same_as_without_cache(site, day, out, tmp_path)
    assert f'"as_of": "{day.isoformat()}"' in (out / "opendata/penalties.json").read_text(encoding="utf-8")


def test_a_changed_record_makes_its_slot_again(site, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    n = slot_count(site)
    edit_row(site / "data/penalties.csv", PENALTY, 违法事实="拖欠 23 名劳动者工资共计 412,000 元，经复核更正。")
    again = cached(site, GOLDEN_AS_OF, cache, out)
    for stage in ("export-penalties.csv", "export-penalties.json"):
        assert again[stage] == ("rebuilt", f"1/{n} 组（平均每组 2 条）重新生成：输入已改变"), stage
    assert again["export-staff.csv"][0] == again["export-powers.json"][0] == "reused"
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)
    assert "经复核更正" in (out / "opendata/penalties.csv").read_text(encoding="utf-8-sig")


def test_a_withdrawn_record_changes_its_own_slot_and_at_most_the_next(site, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    edit_row(site / "data/penalties.csv", PENALTY, 状态="撤下", 状态日期="2025-01-10", 状态说明="经复议撤销原处罚决定")
    n = slot_count(site)
    again = cached(site, GOLDEN_AS_OF, cache, out)
    for stage in STAGES:
        action, why = again[stage]
        rebuilt = int(why.split("/")[0])
        assert action == "rebuilt" and 1 <= rebuilt <= 2 and why.startswith(f"{rebuilt}/{n} 组"), (stage, why)
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)
    assert len(list((cache / "export-penalties.csv").iterdir())) == n  # the slot no longer made is dropped
    assert "银人社监罚〔2024〕15号" in (out / "opendata/penalties.json").read_text(encoding="utf-8").split('"withdrawn"')[1]


def test_the_credit_channels_day_is_part_of_its_slots(site, tmp_path):
    """The 信用中国 file lists a record while the credit channel does (P10.2, P10.4): on the day
    a repair ends its credit publication, its slot of that file is made again, though the record
    did not change and the portal's downloads keep every slot."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    configure(site, ends=["creditchina"])  # the portal keeps a repaired record
    day = GOLDEN_AS_OF + timedelta(days=1)
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": NUMBER}, 信用修复日期=day.isoformat())
    n = slot_count(site)
    cached(site, GOLDEN_AS_OF, cache, out)
    assert NUMBER in (out / "opendata/penalties-creditchina.csv").read_text(encoding="utf-8-sig")
    after = cached(site, day, cache, out)
    assert after["export-penalties-creditchina.csv"] == ("rebuilt", f"1/{n} 组（平均每组 2 条）重新生成：输入已改变")
    assert after["export-penalties.csv"][0] == after["export-penalties.json"][0] == "reused"
    assert_same_as_without_cache(site, day, out, tmp_path)
    assert NUMBER not in (out / "opendata/penalties-creditchina.csv").read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("how", ["flipped", "not deflated"])
def test_a_damaged_slot_is_made_again(site, tmp_path, how):
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    n = slot_count(site)
    slot = sorted((cache / "export-penalties.json").iterdir())[0]
    blob = slot.read_bytes()
    if how == "flipped":  # its SHA-256 no longer matches
        slot.write_bytes(blob[:70] + bytes([blob[70] ^ 0xFF]) + blob[71:])
    else:  # sound as a cache file (its key and digest hold), but not what reuse_exports.py stores
        Cache(cache).put("export-penalties.json", slot.name, blob[:64].decode(), b'{"id": "forged"}')
    why = "缓存项已损坏，已删除" if how == "flipped" else "缓存项不是下载文件的记录"
    again = cached(site, GOLDEN_AS_OF, cache, out)
    assert again["export-penalties.json"] == ("rebuilt", f"1/{n} 组（平均每组 2 条）重新生成：{why}")
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)
    assert "forged" not in (out / "opendata/penalties.json").read_text(encoding="utf-8")
    assert cached(site, GOLDEN_AS_OF, cache, out)["export-penalties.json"][0] == "reused"  # kept anew


@dataclass(frozen=True)
class _R:
    id: str


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=300, unique=True), st.data())
def test_taking_a_record_off_changes_at_most_two_slots(ids, data):
    """Slots end where the records say: removing one record leaves every slot but its own and
    the one it joins (when it ended a slot) as it was; no slot is longer than LONGEST."""
    reuse_exports.SLOT, reuse_exports.LONGEST = 4, 1000  # LONGEST out of reach: only the records decide
    try:
        records = [_R(i) for i in ids]
        gone = data.draw(st.integers(0, len(records) - 1))
        before = {tuple(r.id for r in records[a:b]) for a, b in reuse_exports.slots(records)}
        rest = records[:gone] + records[gone + 1:]
        after = {tuple(r.id for r in rest[a:b]) for a, b in reuse_exports.slots(rest)}
        assert len(after - before) <= 1 and len(before - after) <= 2
        reuse_exports.LONGEST = 3
        bounds = reuse_exports.slots(records)
        assert bounds[0][0] == 0 and bounds[-1][1] == len(records)
        assert all(b - a <= 3 and a < b for a, b in bounds) and all(x[1] == y[0] for x, y in zip(bounds, bounds[1:]))
    finally:
        reuse_exports.SLOT, reuse_exports.LONGEST = 2, 3


def test_a_slot_stores_its_rows_compressed(site, tmp_path):
    """What a slot holds is the download's rows as published (so the cache holds no more than
    the site), deflated."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    published = (out / "opendata/penalties.csv").read_bytes()
    rows = [zlib.decompress(p.read_bytes()[64:-32]) for p in (cache / "export-penalties.csv").iterdir()]
    assert all(r and r in published for r in rows)
    assert sum(len(r) for r in rows) == len(published.split(b"\r\n", 1)[1])  # all but the BOM and header row


def test_a_datasets_downloads_that_share_its_slots_are_one_task():
    """schedule.py hands a dataset's CSV, JSON and 信用中国 files to one worker (kinds.SHARED_ROWS),
    which makes the slots' keys once; every heavy output is still rendered, once."""
    from generator.outputs.kinds import SHARED_ROWS, Phase, plan
    from generator.outputs.schedule import _together

    site = load(GOLDEN_SITE, GOLDEN_AS_OF, Report()).site
    heavy = plan(site)[Phase.HEAVY]
    ordered, tasks = _together(heavy)
    assert sorted(o.url for o in ordered) == sorted(o.url for o in heavy)
    assert [a for a, _ in tasks] == [0] + [b for _, b in tasks[:-1]]  # side by side, from the start
    for a, b in tasks:
        group = ordered[a:b]
        assert {o.args[0] for o in group} == {group[0].args[0]} and all(o.kind.name in SHARED_ROWS for o in group)
    penalties = [(a, b) for a, b in tasks if ordered[a].args[0] == "penalties"]
    assert [[o.url for o in ordered[a:b]] for a, b in penalties] == [
        ["/opendata/penalties.csv", "/opendata/penalties.json", "/opendata/penalties-creditchina.csv"]]
    assert not any(o.kind.name in SHARED_ROWS for o in ordered[tasks[-1][1]:])
