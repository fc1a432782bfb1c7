"""Pagefind's index files as the build rewrites them (generator/pagefind_files.py), on real
Pagefind runs over a few pages: the fragments numbered in page order after a digest of the
index's content, so that the metadata every first full-text search downloads stays small."""

import re

from generator import pagefind_files
from generator.stages import index

PAGE = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{n}</title></head>'
        '<body><article data-pagefind-body><h1>第{n}号处罚决定</h1><p>{text}</p></article></body></html>')


def indexed(tmp_path, name, texts):
    """Run Pagefind as the index stage does over one page per text; the index folder."""
    source, out = tmp_path / f"{name}-src", tmp_path / name
    for n, text in enumerate(texts):
        (source / f"r{n}").mkdir(parents=True)
        (source / f"r{n}/index.html").write_text(PAGE.format(n=n, text=text), encoding="utf-8")
    assert index.run_pagefind(source, out) is None
    return out


def fragment_names(out):
    return [h for _e, _l, _i, _p, meta in pagefind_files._metas(out) for h, _words in meta[1]]


def test_fragments_are_numbered_in_page_order_and_each_name_is_a_file(tmp_path):
    texts = [f"用人单位拖欠工资第{n}次" for n in range(20)]
    out = indexed(tmp_path, "a", texts)
    names = fragment_names(out)
    digest = names[0].split("_")[1].split("-")[0]
    assert re.fullmatch(r"[0-9a-f]{8}", digest)
    assert names == [f"zh-cn_{digest}-{n:x}" for n in range(20)]  # 0 … 13 in hex: the meta's page order
    assert sorted(p.name for p in (out / "fragment").iterdir()) == sorted(f"{h}.pf_fragment" for h in names)
    assert sorted(pagefind_files.page_urls(out)) == sorted(f"/r{n}/" for n in range(20))


def test_a_name_never_stands_for_two_contents(tmp_path):
    """The names are cached for a year (netlify.toml): the same pages give the same names, and a
    change to any one page gives every fragment of the index a new name."""
    texts = [f"用人单位拖欠工资第{n}次" for n in range(6)]
    first = fragment_names(indexed(tmp_path, "a", texts))
    assert fragment_names(indexed(tmp_path, "b", texts)) == first
    texts[3] = "用人单位未依法缴纳社会保险费"
    changed = fragment_names(indexed(tmp_path, "c", texts))
    assert len(changed) == len(first) and not set(changed) & set(first)
