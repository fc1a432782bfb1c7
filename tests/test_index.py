"""stages/index.py: what Pagefind reads of a page — the indexed element without the blocks that
Pagefind skips (``data-pagefind-ignore``) — gives the very index that the whole element gives, so
that the cache may key an index on it: a correction of a field no index reads (违法事实 with
``fulltext: []``) re-indexes nothing (issue 15).  The keys of a build with a cache are checked
against the output in tests/test_cache.py."""

from __future__ import annotations

import pytest

from generator import pagefind_files
from generator.stages import index


def _page(body: str) -> bytes:
    return ('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"></head><body>'
            f'<article class="record" data-pagefind-body>{body}</article></body></html>\n').encode()


ROW = '<tr data-pagefind-ignore><th scope="row">违法事实</th><td>拖欠 23 名劳动者工资共计 412,000 元。</td></tr>'
HIDDEN = ('<div hidden data-pagefind-ignore><span data-pagefind-meta="name">银川市永固建筑劳务有限公司</span>'
          '<span data-pagefind-filter="执法主体">银川市人力资源和社会保障局</span>'
          '<span data-pagefind-sort="date">2024-03-02</span></div>')

# (a block inside the indexed element, whether it is left out of what Pagefind reads)
SHAPES = [
    (ROW, True),
    ('<tr data-pagefind-ignore><th scope="row">处罚机关</th><td><a href="/agencies/yinchuan/">银川市人社局</a></td></tr>', True),
    ('<section class="corrections" data-pagefind-ignore><h2>更正记录</h2><p>2024年3月5日：更正。</p></section>', True),
    ('<div data-pagefind-ignore="all"><p>不索引</p><ul><li>甲</li><li>乙</li></ul></div>', True),
    ('<p data-pagefind-ignore="index">说明文字</p>', True),
    (HIDDEN, False),                                                   # filters, meta, sorts: still read
    ('<section data-pagefind-ignore><h2 id="corrections">更正记录</h2></section>', False),  # an anchor
    ('<div data-pagefind-ignore><h1>另一个标题</h1></div>', False),    # Pagefind's title
    ('<div data-pagefind-ignore><img src="/a.png" alt="图"></div>', False),  # Pagefind's image
    ('<div data-pagefind-ignore><div>嵌套</div></div>', False),          # its end not found by name
    ('<p>甲<span data-pagefind-ignore>乙</span>丙</p>', False),        # inline: its words would join
    ('<tr data-pagefind-ignorex><td>别的属性</td></tr>', False),
]


@pytest.mark.parametrize("block, left_out", SHAPES)
def test_what_pagefind_reads_leaves_out_the_blocks_it_skips_and_nothing_else(block, left_out):
    page = index.indexed_part(_page(f"<h1>标题</h1>\n{block}\n<p>正文</p>"))
    reads = index.pagefind_reads(page)
    assert (block.encode() not in reads) is left_out
    assert b"<h1>\xe6\xa0\x87\xe9\xa2\x98</h1>" in reads and "<p>正文</p>".encode() in reads
    assert reads.replace(b"\n\n", b"\n") == page.replace(block.encode(), b"").replace(b"\n\n", b"\n") if left_out \
        else reads == page


def test_a_page_without_skipped_blocks_is_read_whole():
    page = index.indexed_part(_page("<h1>标题</h1><p>正文</p>"))
    assert index.pagefind_reads(page) is page


def test_pagefind_writes_the_same_index_from_what_it_reads(tmp_path):
    """The claim the cache key rests on, asked of Pagefind itself: pages with every shape above,
    indexed whole and as read, give the same files (after ``pagefind_files.rewrite``, which
    ``run_pagefind`` applies: Pagefind's own output is not the same from run to run)."""
    bodies = [f"<h1>案件{n}</h1>\n<table><tbody>{ROW * 3}</tbody></table>\n{block}\n{HIDDEN}\n<p>第{n}段正文</p>"
              for n, (block, _) in enumerate(SHAPES)]
    trees = {}
    for how in ("whole", "read"):
        for n, body in enumerate(bodies):
            page = index.indexed_part(_page(body))
            path = tmp_path / how / f"p{n}" / "index.html"
            path.parent.mkdir(parents=True)
            path.write_bytes(page if how == "whole" else index.pagefind_reads(page))
        assert index.run_pagefind(tmp_path / how, tmp_path / f"{how}-index") is None
        trees[how] = {p.relative_to(tmp_path / f"{how}-index").as_posix(): p.read_bytes()
                      for p in sorted((tmp_path / f"{how}-index").rglob("*")) if p.is_file()}
    assert trees["whole"] == trees["read"]
    assert len(pagefind_files.page_urls(tmp_path / "read-index")) == len(bodies)
    assert (tmp_path / "read" / "p0" / "index.html").stat().st_size < (tmp_path / "whole" / "p0" / "index.html").stat().st_size


def test_the_plan_takes_the_writers_facts_and_reads_back_only_the_pages_none_described(tmp_path, monkeypatch):
    """The writers describe every page as they write it (pagefind_pages); the plan made from
    those facts is the plan made by reading every page back, and reads none of them itself."""
    from conftest import GOLDEN_AS_OF, GOLDEN_SITE, run

    planned, read, planning = [], [], []
    real_plan, real_read = index.plan, index.read_bytes

    def plan(root, known=None):
        planned.append(dict(known))
        planning.append(True)
        try:
            return real_plan(root, known)
        finally:
            planning.pop()

    monkeypatch.setattr(index, "plan", plan)  # the pages read while planning (the parts' copies are later)
    monkeypatch.setattr(index, "read_bytes", lambda path: (planning and read.append(path)) or real_read(path))
    result, report = run(GOLDEN_SITE, GOLDEN_AS_OF, out=tmp_path / "out", search=True)
    assert result is not None, [d.format() for d in report.errors]
    [known] = planned
    assert read == []
    pages = index._html_files(tmp_path / "out")
    marked = {r for r in pages if index.BODY in (tmp_path / "out" / r).read_bytes()}
    assert sorted(known) == pages and marked and {r for r, f in known.items() if f is not None} == marked
    monkeypatch.setattr(index, "read_bytes", real_read)
    assert real_plan(tmp_path / "out", known)[:2] == real_plan(tmp_path / "out")[:2]
    # and the facts are what the plan uses: a wrong one shows
    wrong = dict(known)
    rel = next(r for r, f in known.items() if f is not None and dict(f[1]).get("date"))
    wrong[rel] = (wrong[rel][0], (("date", "1999-01-01"),))
    assert real_plan(tmp_path / "out", wrong)[1]["date"][index.routes.of_file(rel)] == "1999-01-01"


def test_pagefind_runs_with_its_allocator_on_huge_pages_unless_the_environment_says_otherwise(tmp_path, monkeypatch):
    """``PAGEFIND_ENV`` changes how Pagefind allocates (fewer page faults), never what it writes:
    the index is the same with and without it, and a value set in the environment wins."""
    seen = []
    real_run = pagefind_files.subprocess.run
    monkeypatch.setattr(pagefind_files.subprocess, "run", lambda cmd, **kw: seen.append(kw["env"]) or real_run(cmd, **kw))
    (tmp_path / "site" / "p").mkdir(parents=True)
    (tmp_path / "site" / "p" / "index.html").write_bytes(_page("<h1>工资</h1><p>拖欠工资案</p>"))
    trees = []
    for setting in (None, ""):
        if setting is not None:
            monkeypatch.setenv("_RJEM_MALLOC_CONF", setting)
        assert index.run_pagefind(tmp_path / "site", tmp_path / f"index-{len(trees)}") is None
        trees.append({p.relative_to(tmp_path / f"index-{len(trees)}").as_posix(): p.read_bytes()
                      for p in sorted((tmp_path / f"index-{len(trees)}").rglob("*")) if p.is_file()})
    assert seen[0]["_RJEM_MALLOC_CONF"] == pagefind_files.PAGEFIND_ENV["_RJEM_MALLOC_CONF"] and seen[1]["_RJEM_MALLOC_CONF"] == ""
    assert trees[0] == trees[1]
