"""The workbooks' records rows in slots, deflated part by part (generator/outputs/zip_parts.py) and
reused from the build cache (generator/outputs/reuse_sheets.py): whatever the cache holds, every
workbook is byte-identical to a build without a cache (P2.4); the next day reuses every slot and
the note says the new day; a changed record makes its slot again, not the sheet.  The golden
penalties (7 listed) fall into 4 slots here (SLOT_ROWS lowered)."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from conftest import GOLDEN_AS_OF, GOLDEN_SITE, edit_row
from generator.cache import Cache
from generator.dates import format_cn
from generator.diagnostics import Report
from generator.load import load
from generator.outputs import reuse_sheets, workbooks
from generator.outputs.zip_parts import crc32_combine, deflated, joined
from test_reuse import PENALTY, assert_same_as_without_cache, cached

STAGE = "xlsx-penalties"


@pytest.fixture(autouse=True)
def small_slots(monkeypatch):
    monkeypatch.setattr(reuse_sheets, "SLOT_ROWS", 2)


def test_the_next_day_reuses_every_slot_and_the_note_says_the_day(site, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    assert cached(site, GOLDEN_AS_OF, cache, out)[STAGE] == ("rebuilt", "4/4 组（每组 2 行）重新生成：缓存中没有此项")
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)
    assert sorted(p.name for p in (cache / STAGE).iterdir()) == ["00000", "00001", "00002", "00003"]
    day = GOLDEN_AS_OF + timedelta(days=1)
    assert cached(site, day, cache, out)[STAGE] == ("reused", "4 组（7 行）输入未变")
    assert_same_as_without_cache(site, day, out, tmp_path)
    sheet = load_workbook(out / "opendata/penalties.xlsx", read_only=True).worksheets[0]
    note = next(sheet.iter_rows(max_row=1, values_only=True))[0]
    assert f"数据截至 {format_cn(day)}" in note
    assert sum(1 for _ in sheet.iter_rows(values_only=True)) == 2 + 7  # note, header, the 7 listed penalties


def test_a_changed_record_makes_its_slot_again(site, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    edit_row(site / "data/penalties.csv", PENALTY, 违法事实="拖欠 23 名劳动者工资共计 412,000 元，经复核更正。")
    assert cached(site, GOLDEN_AS_OF, cache, out)[STAGE] == ("rebuilt", "1/4 组（每组 2 行）重新生成：输入已改变")
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)
    sheet = load_workbook(out / "opendata/penalties.xlsx", read_only=True).worksheets[0]
    assert any("经复核更正" in str(row) for row in sheet.iter_rows(min_row=3, values_only=True))


def test_a_record_taken_off_the_list_moves_the_slots_after_it(site, tmp_path):
    """Rows carry their numbers: the slots after a withdrawn record are made again; the stored
    slots of rows no longer listed are dropped."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    edit_row(site / "data/penalties.csv", PENALTY, 状态="撤下", 状态日期="2025-01-10", 状态说明="经复议撤销原处罚决定")
    action, why = cached(site, GOLDEN_AS_OF, cache, out)[STAGE]
    assert action == "rebuilt" and why.endswith("重新生成：输入已改变"), why
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)
    assert sorted(p.name for p in (cache / STAGE).iterdir()) == ["00000", "00001", "00002"]  # 6 rows: 3 slots


@pytest.mark.parametrize("how", ["flipped", "not rows"])
def test_a_damaged_slot_is_made_again(site, tmp_path, how):
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    slot = cache / STAGE / "00001"
    blob = slot.read_bytes()
    if how == "flipped":  # its SHA-256 no longer matches
        slot.write_bytes(blob[:80] + bytes([blob[80] ^ 0xFF]) + blob[81:])
    else:  # sound as a cache file (its digest holds), but not what reuse_sheets.py stores
        Cache(cache).put(STAGE, "00001", blob[:64].decode(), b"<row r='5'>not deflated</row>")
    why = "缓存项已损坏，已删除" if how == "flipped" else "缓存项不是工作表的行"
    assert cached(site, GOLDEN_AS_OF, cache, out)[STAGE] == ("rebuilt", f"1/4 组（每组 2 行）重新生成：{why}")
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)
    assert cached(site, GOLDEN_AS_OF, cache, out)[STAGE][0] == "reused"  # kept anew


def test_the_sheet_in_slots_holds_what_openpyxl_alone_writes(monkeypatch):
    """Several slots (2 rows each): the same members, byte for byte once inflated, as a workbook
    whose every row openpyxl wrote; the zip is sound, and its member is one deflate stream."""
    site = load(GOLDEN_SITE, GOLDEN_AS_OF, Report()).site
    view = site.datasets["penalties"]
    ours = b"".join(workbooks.export_xlsx(site, view))
    monkeypatch.setattr(workbooks, "row_parts", lambda *args: None)
    theirs = b"".join(workbooks.export_xlsx(site, view))
    with zipfile.ZipFile(io.BytesIO(ours)) as a, zipfile.ZipFile(io.BytesIO(theirs)) as b:
        assert a.testzip() is None and a.namelist() == b.namelist()
        assert all(a.read(m) == b.read(m) for m in a.namelist())
        info = a.getinfo(workbooks.DATA_SHEET)
        raw = ours[info.header_offset + 30 + len(info.filename.encode()) + len(info.extra):][:info.compress_size]
        assert zlib.decompress(raw, -15) == b.read(workbooks.DATA_SHEET)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=3000), max_size=6))
def test_parts_inflate_and_sum_up_as_one_text(texts):
    parts = [deflated(t) for t in texts] + [deflated(b"</end>", last=True)]
    whole = b"".join(texts) + b"</end>"
    assert zlib.decompress(b"".join(p.data for p in parts), -15) == whole
    assert joined(parts) == (zlib.crc32(whole), len(whole))


def test_crc32_combine_is_zlibs():
    rng = random.Random(15)
    for _ in range(300):
        a, b = rng.randbytes(rng.randrange(5000)), rng.randbytes(rng.randrange(70000))
        assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)
    assert struct.pack("<I", crc32_combine(0, zlib.crc32(b"x"), 1)) == struct.pack("<I", zlib.crc32(b"x"))
