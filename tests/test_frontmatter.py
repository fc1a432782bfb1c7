"""Front matter of Markdown pages (issue 11.5): declared keys, unknown ones refused with the nearest
valid key, values typed with the key named, each at its line; encoding errors with a Markdown hint."""

from datetime import date

import pytest

from conftest import GOLDEN_AS_OF, run
from generator.frontmatter import FrontMatter, read_front_matter
from generator.yamlfile import parse_yaml

PAGE = "content/remedies.md"


def front(text: str):
    doc = parse_yaml(text, "content/x.md", first_line=2)
    return read_front_matter(doc.data, doc, "content/x.md")


def problems(text: str) -> list[tuple[int, str]]:
    meta, found = front(text)
    assert meta is None and found
    assert {d.code for d in found} == {"E-FRONT-MATTER"}
    return [(d.row, dict(d.params)["detail"]) for d in found]


def test_every_key_typed():
    meta, found = front("title: 关于\nslug: about\nsummary: 一句话\nupdated: 2026-11-27\nitem: 18\nphase: 事后\n"
                        "nav: true\nhome: true\norder: 2\nunlisted: false\nnote: 来源：办公室\n")
    assert found == []
    assert meta == FrontMatter(title="关于", slug="about", summary="一句话", updated=date(2026, 11, 27), item=18,
                               phase="事后", nav=True, home=True, order=2, unlisted=False, note="来源：办公室")


def test_dates_as_editors_type_them():
    meta, _ = front("title: t\nupdated: 2026年11月27日\n")
    assert meta.updated == date(2026, 11, 27)


@pytest.mark.parametrize("key, nearest", [("updatd", "updated"), ("Nav", "nav"), ("summery", "summary"),
                                          ("items", "item")])
def test_a_misspelled_key_names_the_nearest(key, nearest):
    [(row, detail)] = problems(f"title: t\n{key}: x\n")
    assert row == 3 and f"{key} 不是可用的设置，是否应为“{nearest}”" in detail


def test_a_misspelled_title_is_named_and_title_is_missing():
    found = problems("slug: a\ntitel: t\n")
    assert (3, "titel 不是可用的设置，是否应为“title”？") in found and (1, "缺少 title（必填）") in found


def test_an_unknown_key_lists_the_valid_ones():
    [(row, detail)] = problems("title: t\nzzz: 1\n")
    assert row == 3 and "title" in detail and "nav" in detail


@pytest.mark.parametrize("line, fragment", [
    ("item: 第18项", "item 应为 1 到 24 之间的整数"),
    ("item: 25", "item 应为 1 到 24 之间的整数，现为 25"),
    ("nav: 是", "nav 只能是 true 或 false"),
    ('home: "false"', "home 只能是 true 或 false"),
    ("phase: 事后公开", "phase 只能是 事前 / 事中 / 事后"),
    ("updated: 上个月", "updated 应为日期（如 2026-11-27），现为文字“上个月”"),
    ("order: 0", "order 应为 1 到 999 之间的整数"),
    ("title: [a, b]", "title 应为文字"),
])
def test_values_are_typed_and_name_their_key(line, fragment):
    text = f"title: t\n{line}\n" if not line.startswith("title") else line + "\n"
    found = problems(text)
    assert any(fragment in d for _, d in found), found


def test_not_a_mapping():
    assert problems("- a\n- b\n")[0][1].startswith("应为映射")


def test_build_reports_the_key_at_its_line(site):
    path = site / PAGE
    path.write_text(path.read_text(encoding="utf-8").replace("updated: 2024-01-02", "updatd: 2024-01-02"),
                    encoding="utf-8")
    result, report = run(site, GOLDEN_AS_OF)
    [d] = report.errors
    assert result is None and d.location() == f"{PAGE}:7" and "“updated”" in d.message
    assert "docs/编辑手册.md" in d.spec.hint


def test_notepad_ansi_page_gets_the_markdown_hint(site):
    path = site / PAGE
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    _, report = run(site, GOLDEN_AS_OF)
    [d] = report.errors
    assert d.code == "E-MARKDOWN-ENCODING" and d.row == 2 and "记事本的“ANSI”" in d.message
    assert "另存为" in d.spec.hint and "UTF-8" in d.spec.hint and "CSV" not in d.spec.hint


def test_other_undecodable_bytes_are_not_called_ansi(site):
    path = site / PAGE
    path.write_bytes(path.read_bytes() + b"\n\xff\xfe\xff")
    _, report = run(site, GOLDEN_AS_OF)
    [d] = report.errors
    assert d.code == "E-MARKDOWN-ENCODING" and "ANSI" not in d.message


def test_a_utf8_page_with_bom_is_read(site):
    path = site / PAGE
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run(site, GOLDEN_AS_OF)[0] is not None


def test_the_editors_note_is_never_published(site):
    path = site / PAGE
    path.write_text(path.read_text(encoding="utf-8").replace("slug: remedies", "slug: remedies\nnote: 办公室王科长要求"),
                    encoding="utf-8")
    result, report = run(site, GOLDEN_AS_OF)
    assert result is not None, [d.format() for d in report.errors]
    for p in (site / "public").rglob("*"):
        if p.is_file():
            assert "王科长".encode() not in p.read_bytes(), p


# ---------------------------------------------------------------- where a page appears (issue 11.8)

def page(slug, html="", **placed):
    from generator.model import ContentPage

    return ContentPage(slug=slug, title=slug, item=placed.pop("item", None), phase="", summary="", updated=None,
                       html=html, path=f"content/{slug}.md", **placed)


def test_a_page_placed_nowhere_and_linked_from_nowhere_is_reported():
    from generator.frontmatter import unlinked_pages

    pages = [page("a", nav=True, html='<a href="/b/">b</a> <a href="c/">c</a>'), page("b", html='<a href="../d/#x">d</a>'),
             page("c"), page("d"), page("e"), page("f", html='<a href="/e/">e</a>'), page("g", home=True),
             page("h", item=12), page("i", unlisted=True, html='<a href="https://example.gov.cn/j/">j</a>'), page("j")]
    found = unlinked_pages(pages)
    # a → b (site path), a → a/c (relative: /a/c/ is no page; c stays unlinked), b → d (relative, anchor);
    # e is linked only from f, which nothing reaches; an outside link reaches nothing here
    assert sorted(dict(d.params)["slug"] for d in found) == ["c", "e", "f", "j"]
    assert {d.code for d in found} == {"W-PAGE-UNLINKED"} and found[0].path.startswith("content/")


def test_the_build_reports_an_unlinked_page_with_the_fix(site):
    (site / "content/orphan.md").write_text("---\ntitle: 孤立页面\n---\n正文\n", encoding="utf-8")
    result, report = run(site, GOLDEN_AS_OF)
    [d] = [d for d in report.warnings if d.code == "W-PAGE-UNLINKED"]
    assert result is not None and d.location() == "content/orphan.md:1" and "/orphan/" in d.message
    assert "nav: true" in d.spec.hint and "unlisted: true" in d.spec.hint


def test_the_demo_has_no_unlinked_page():
    from generator.compliance import run_check
    from records import DEMO_AS_OF

    from conftest import REPO

    assert not [d for d in run_check(REPO, DEMO_AS_OF).report.items if d.code == "W-PAGE-UNLINKED"]
