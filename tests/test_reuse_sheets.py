"""The workbooks' records sheets reused from the build cache (generator/outputs/reuse_sheets.py):
whatever the cache holds, every workbook is byte-identical to a build without a cache (P2.4);
the next day reuses the sheet and its note says the new day; a changed record writes it anew."""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import GOLDEN_AS_OF, edit_config, edit_row
from generator.cache import Cache
from generator.dates import format_cn
from generator.outputs import workbooks
from test_reuse import PENALTY, assert_same_as_without_cache, cached

STAGE = "xlsx-penalties"


def test_the_next_day_reuses_the_sheet_and_its_note_says_the_day(site, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    assert cached(site, GOLDEN_AS_OF, cache, out)[STAGE][0] == "rebuilt"
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)
    day = GOLDEN_AS_OF + timedelta(days=1)
    assert cached(site, day, cache, out)[STAGE] == ("reused", "7 行输入未变")
    assert_same_as_without_cache(site, day, out, tmp_path)
    sheet = load_workbook(out / "opendata/penalties.xlsx", read_only=True).worksheets[0]
    note = next(sheet.iter_rows(max_row=1, values_only=True))[0]
    assert f"数据截至 {format_cn(day)}" in note and workbooks.MARK not in note
    assert sum(1 for _ in sheet.iter_rows(values_only=True)) == 2 + 7  # note, header, the 7 listed penalties


def test_a_changed_record_writes_the_sheet_anew(site, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    edit_row(site / "data/penalties.csv", PENALTY, 违法事实="拖欠 23 名劳动者工资共计 412,000 元，经复核更正。")
    assert cached(site, GOLDEN_AS_OF, cache, out)[STAGE] == ("rebuilt", "输入已改变")
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)


def test_a_record_holding_the_mark_is_published_as_it_is(site, tmp_path):
    """Only the note (row 1) gets the date: a record's text with the mark's characters is left alone."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    edit_row(site / "data/penalties.csv", PENALTY, 违法事实=f"拖欠工资{workbooks.MARK}案。")
    cached(site, GOLDEN_AS_OF, cache, out)
    day = GOLDEN_AS_OF + timedelta(days=1)
    assert cached(site, day, cache, out)[STAGE][0] == "reused"
    assert_same_as_without_cache(site, day, out, tmp_path)
    sheet = load_workbook(out / "opendata/penalties.xlsx", read_only=True).worksheets[0]
    assert any(f"拖欠工资{workbooks.MARK}案。" in row for row in sheet.iter_rows(min_row=3, values_only=True))


def test_a_configuration_text_holding_the_marks_character_turns_it_off(site, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    edit_config(site, lambda c: c["site"].__setitem__("publisher", c["site"]["publisher"] + "\ue000"))
    actions = cached(site, GOLDEN_AS_OF, cache, out)
    assert not [s for s in actions if s.startswith("xlsx-")], actions
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)


@pytest.mark.parametrize("how", ["flipped", "inconsistent"])
def test_a_damaged_sheet_entry_is_written_anew(site, tmp_path, how):
    cache, out = tmp_path / "cache", tmp_path / "out"
    cached(site, GOLDEN_AS_OF, cache, out)
    slot = cache / STAGE / "sheet"
    blob = slot.read_bytes()
    if how == "flipped":  # its SHA-256 no longer matches
        slot.write_bytes(blob[:200] + bytes([blob[200] ^ 0xFF]) + blob[201:])
    else:  # sound as a cache file, but its XML is not the size it says
        data = blob[64:-32]
        n, size = struct.unpack_from("<QQ", data)
        Cache(cache).put(STAGE, "sheet", blob[:64].decode(), struct.pack("<QQ", n, size + 1) + data[16:])
    assert cached(site, GOLDEN_AS_OF, cache, out)[STAGE] == ("rebuilt", "缓存项已损坏" if how == "inconsistent"
                                                             else "缓存项已损坏，已删除")
    assert_same_as_without_cache(site, GOLDEN_AS_OF, out, tmp_path)
    assert cached(site, GOLDEN_AS_OF, cache, out)[STAGE][0] == "reused"  # kept anew


def test_the_first_row_is_found_across_chunks():
    head, rest = workbooks._first_row([b"<row><c>a", b"b</c></r", b"ow><row>x", b"</row>"])
    assert head == b"<row><c>ab</c></row>" and b"".join(rest) == b"<row>x</row>"
    head, rest = workbooks._first_row([b"no row"])
    assert head == b"no row" and list(rest) == []
    assert workbooks._as_written("2026年1月") == b"2026&#24180;1&#26376;"
