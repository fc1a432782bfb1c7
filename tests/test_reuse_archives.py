"""Feed archives reused from the build cache (generator/outputs/reuse_archives.py): whatever the
cache holds, every file is byte-identical to a build without a cache (P2.4); a changed row
renders again the archives of the days it appears in, and only those; a damaged or foreign
entry is rendered again; what is stored is the published document.  The golden site's
penalties have 12 archive days; penalty 15号 appears in two (published 2024-03-08, corrected
2024-12-10)."""

from __future__ import annotations

import zlib
from datetime import timedelta

import pytest

from conftest import GOLDEN_AS_OF, edit_row
from generator.outputs import reuse_archives
from test_reuse import PENALTY, assert_same_as_without_cache, cached

STAGE = reuse_archives.stage_of("penalties")


def test_the_same_inputs_again_reuse_every_archive(site, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    first = cached(site, GOLDEN_AS_OF, cache, out)
    assert first[STAGE] == ("rebuilt", "12/12 份重新生成：缓存中没有此项"), first
    assert sorted(p.name for p in (cache / STAGE).iterdir()) == \
        sorted(p.stem for p in (out / "feeds/penalties").glob("*.xml"))
    again = cached(site, GOLDEN_AS_OF, cache, out)
    assert again[STAGE] == ("reused", "12 份输入未变"), again
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)


def test_a_changed_row_renders_the_archives_of_its_days_again_and_no_other(site, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    before = {p.name: p.read_bytes() for p in (out / "feeds/penalties").glob("*.xml")}
    edit_row(site / "data/penalties.csv", PENALTY, 违法事实="拖欠 23 名劳动者工资共计 412,000 元，经复核更正。")
    after = cached(site, GOLDEN_AS_OF, cache, out)
    assert after[STAGE] == ("rebuilt", "2/12 份重新生成：输入已改变"), after
    assert after[reuse_archives.stage_of("random_checks")][0] == "reused", after  # another dataset's: untouched
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)
    changed = sorted(name for name, data in before.items() if (out / "feeds/penalties" / name).read_bytes() != data)
    assert changed == ["2024-03-08.xml", "2024-12-10.xml"]
    assert "经复核更正" in (out / "feeds/penalties/2024-12-10.xml").read_text(encoding="utf-8")


def test_the_next_days_build_reuses_the_archives_and_matches_a_build_without_cache(site, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    for days in (1, 2, 400):  # 400: records have expired since (tombstones, new archive days)
        day = GOLDEN_AS_OF + timedelta(days=days)
        actions = cached(site, day, cache, out)
        assert STAGE in actions, actions
        assert_same_as_without_cache(site, day, out, tmp_path)
        if days == 1:
            assert actions[STAGE] == ("reused", "12 份输入未变"), actions


@pytest.mark.parametrize("how", ["flipped", "truncated", "swapped"])
def test_a_damaged_or_foreign_archive_is_rendered_again(site, tmp_path, how):
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    first, second = sorted((cache / STAGE).iterdir())[:2]
    data = first.read_bytes()
    if how == "flipped":
        first.write_bytes(data[:80] + bytes([data[80] ^ 0xFF]) + data[81:])
    elif how == "truncated":
        first.write_bytes(data[:-10])
    else:  # another day's sound entry in its place: another key
        first.write_bytes(second.read_bytes())
    action, why = cached(site, GOLDEN_AS_OF, cache, out)[STAGE]
    assert action == "rebuilt" and why.startswith("1/12 份") and ("输入已改变" if how == "swapped" else "损坏") in why
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)
    assert cached(site, GOLDEN_AS_OF, cache, out)[STAGE][0] == "reused"  # stored anew


def test_a_sound_entry_whose_data_is_not_a_document_is_rendered_again(site, tmp_path):
    """The key matches and the SHA-256 too, but the data does not decompress: rendered, not crashed."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    entry = sorted((cache / STAGE).iterdir())[0]
    k = entry.read_bytes()[:64].decode()
    entry.unlink()
    from generator.cache import Cache
    Cache(cache).put(STAGE, entry.name, k, b"not zlib")
    action, why = cached(site, GOLDEN_AS_OF, cache, out)[STAGE]
    assert action == "rebuilt" and why == "1/12 份重新生成：缓存项已损坏", why
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)


def test_stored_archives_are_the_published_documents_and_unused_days_are_dropped(site, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    (cache / STAGE / "1999-01-01").write_bytes(b"x" * 100)  # a day that has no archive any more
    cached(site, GOLDEN_AS_OF, cache, out)
    assert not (cache / STAGE / "1999-01-01").exists()
    for entry in (cache / STAGE).iterdir():
        stored = zlib.decompress(entry.read_bytes()[64:-32])
        assert stored == (out / "feeds/penalties" / f"{entry.name}.xml").read_bytes()


def test_an_archives_key_covers_what_it_reads_and_not_where_a_row_sits():
    """``_material``: its neighbours' days (the archive links), each change's event, each
    record's values, lifecycle and department, a tombstone's event and id, and what its notice
    names of the withdrawn record; not ``Record.line``."""
    from dataclasses import replace
    from datetime import date

    from conftest import GOLDEN_SITE
    from generator.diagnostics import Report
    from generator.load import load
    from generator.site import Change, FeedDay

    view = load(GOLDEN_SITE, GOLDEN_AS_OF, Report()).site.datasets["penalties"]
    k = max(i for i, d in enumerate(view.feed_days) if any(c.record for c in view.changes[d.start:d.end]))
    assert k > 0
    day = view.feed_days[k]
    at = next(i for i in range(day.start, day.end) if view.changes[i].record)
    change = view.changes[at]
    withdrawn = view.withdrawn[0]
    tomb = Change(replace(change.event, kind="撤下", gone=True), withdrawn.id, None)

    def with_change(c, days=view.feed_days):
        return replace(view, changes=view.changes[:at] + (c,) + view.changes[at + 1:], feed_days=days)

    def days_with(i, new_day):
        return view.feed_days[:i] + (replace(view.feed_days[i], day=new_day),) + view.feed_days[i + 1:]

    base = reuse_archives._material(view, k)
    assert reuse_archives._material(with_change(replace(change, record=replace(change.record, line=9999))), k) == base
    differ = {
        "a record's values": with_change(replace(change, record=replace(
            change.record, values=tuple("x" if isinstance(v, str) else v for v in change.record.values)))),
        "its lifecycle": with_change(replace(change, record=replace(
            change.record, life=replace(change.record.life, last_day=date(2099, 1, 1))))),
        "its department": with_change(replace(change, record=replace(change.record, agency="另一部门"))),
        "the event": with_change(replace(change, event=replace(change.event, note="更正说明"))),
        "a tombstone": with_change(tomb),
        "the tombstone's event": with_change(replace(tomb, event=replace(tomb.event, kind="撤销"))),
        "what its notice names": replace(with_change(tomb), withdrawn=(replace(
            withdrawn, values=tuple("y" if isinstance(v, str) else v for v in withdrawn.values)),)
            + view.withdrawn[1:]),
        "the next day": with_change(change, view.feed_days + (FeedDay(date(2099, 1, 1), 0, 0),))
        if k + 1 == len(view.feed_days) else with_change(change, days_with(k + 1, date(2099, 1, 1))),
        "the previous day": with_change(change, days_with(k - 1, date(1999, 1, 1))),
    }
    seen = {base}
    for what, changed in differ.items():
        material = reuse_archives._material(changed, k)
        assert material not in seen, what
        seen.add(material)
