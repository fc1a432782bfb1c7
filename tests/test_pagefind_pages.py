"""generator/pagefind_pages.py: what the search index reads of a page, found where the page is
written (issue 15) — the same facts the index stage finds when it reads the page back."""

from __future__ import annotations

import hashlib
import re

import pytest

from generator.pagefind_pages import SORT, UNKNOWN, Described, decode, encode, indexed_part, sort_value, try_facts

PAGE = (b'<!DOCTYPE html><html lang="zh-CN"><head><title>t</title></head><body><header>2025</header>'
        b'<article class="record" data-pagefind-body><h1>A</h1><article>inner</article><p>B</p>'
        b'<span data-pagefind-sort="date">2024-03-02</span><span data-pagefind-sort="amount:5000"></span></article>'
        b'<footer>\xe6\x95\xb0\xe6\x8d\xae\xe6\x88\xaa\xe8\x87\xb3</footer></body></html>')


def test_an_unreadable_sort_key_form_is_refused_not_missorted():
    m = re.search(SORT, b'<span data-pagefind-sort="amount[data-x]" data-x="5"></span>')
    with pytest.raises(ValueError, match="key:value"):
        sort_value(m)
    m = re.search(SORT, b'<span data-pagefind-sort="date:2025-01-02"></span>')
    assert sort_value(m) == ("date", "2025-01-02")


def test_pagefind_reads_only_the_indexed_element():
    part = indexed_part(PAGE)
    assert b'<html lang="zh-CN">' in part and b"<article>inner</article><p>B</p>" in part
    assert b"2025<" not in part and b"<footer>" not in part
    assert indexed_part(b"<html><body>no body here</body></html>") is None


def test_a_pages_facts_are_its_indexed_parts_digest_and_sort_values():
    assert try_facts(PAGE) == (True, (hashlib.sha256(indexed_part(PAGE)).hexdigest(),
                                      (("date", "2024-03-02"), ("amount", "5000"))))
    # the header and footer are not read: a page that differs there has the same facts
    assert try_facts(PAGE.replace(b"2025", b"2026"))[1] == try_facts(PAGE)[1]
    assert try_facts(PAGE.replace(b"<p>B</p>", b"<p>C</p>"))[1] != try_facts(PAGE)[1]
    assert try_facts(b"<html><body>not indexed</body></html>") == (True, None)


def test_a_page_is_not_described_when_its_sort_key_is_refused_or_its_part_holds_the_mark():
    """Left to the index stage, which reads the page and reports the refused form, or, for a
    page from the cache whose indexed part holds the as-of date's mark, found as it is written."""
    refused = PAGE.replace(b'data-pagefind-sort="date"', b'data-pagefind-sort="date[x]"')
    assert try_facts(refused) == (False, None)
    assert try_facts(PAGE, unless=b"inner") == (False, None)
    assert try_facts(PAGE, unless=b"2025")[0]  # the mark in the header only: described


def test_a_slots_facts_are_stored_with_it_and_decoded_or_refused_whole():
    facts = [None, UNKNOWN, try_facts(PAGE)[1]]
    blob = encode(facts)
    assert decode(blob, 3) == facts
    assert decode(blob, 2) is None
    for bad in (b"not json", b'{"a":1}', b"[0,null]", b'[0,null,["short",[]]]', b'[false,null,0]',
                b'[0,null,["' + b"0" * 64 + b'",[["date"]]]]', b'[0,null,["' + b"0" * 64 + b'",[["date",5]]]]'):
        assert decode(bad, 3) is None, bad


def test_what_the_writers_described_is_known_unless_unknown_undecodable_or_written_over():
    one, two = Described(), Described()
    one.pages["a.html"] = None
    one.slots.append((("p/1/index.html", "p/2/index.html", "p/3/index.html"), encode([try_facts(PAGE)[1], UNKNOWN, None])))
    two.slots.append((("q/1/index.html",), b"[garbage"))  # a foreign cache entry: read back
    two.pages["b.html"] = try_facts(PAGE)[1]
    one.update(two)
    one.forget("b.html")  # a static file copied over it
    assert one.known() == {"a.html": None, "p/1/index.html": try_facts(PAGE)[1], "p/3/index.html": None}


def test_the_writer_describes_each_page_it_writes_when_asked(tmp_path):
    from generator.stages.write import GIVEN, Writer

    writer = Writer(tmp_path, describe=True)
    writer.write("/a/", [PAGE[:40], PAGE[40:]])  # chunks: described whole, written whole
    writer.write("/data.json", [b"{}"])
    writer.write("/b/", [PAGE], GIVEN)
    writer.described(["/b/"], encode([None]))
    facts = writer.take_facts()
    assert (tmp_path / "a/index.html").read_bytes() == PAGE
    assert facts.known() == {"a/index.html": try_facts(PAGE)[1], "b/index.html": None}
    assert not writer.take_facts()
    plain = Writer(tmp_path / "plain")  # a build without a search index pays nothing for them
    plain.write("/a/", [PAGE])
    assert not plain.take_facts()
