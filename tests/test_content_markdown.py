"""Markdown pages are sanitised to an allow-list (generator/sanitize.py, P3.1): what was unsafe is
removed and reported at its line; what the theme and the demo use survives unchanged."""

import shutil

import markdown
import pytest

from conftest import GOLDEN_AS_OF, REPO, run
from generator.sanitize import find_line, sanitize

PAGE = "content/remedies.md"


def md(text: str) -> str:
    return markdown.markdown(text, extensions=["tables", "attr_list", "def_list", "sane_lists"], output_format="html")


@pytest.mark.parametrize("source, gone", [
    ("<script>alert(1)</script>", ["<script", "alert"]),
    ('<img src="a.png" onerror="alert(1)">', ["onerror", "alert"]),
    ('<a href="javascript:alert(1)">x</a>', ["javascript", "alert"]),
    ("[x](javascript:alert(1))", ["javascript", "alert"]),
    ('<a href="JaVaScRiPt&#58;alert(1)">x</a>', ["alert"]),
    ("![x](data:image/svg+xml;base64,PHN2Zz4=)", ["data:"]),
    ('<iframe src="https://evil.example/"></iframe>', ["<iframe", "evil"]),
    ('<form action="https://evil.example/"><input name="q"></form>', ["<form", "<input", "evil"]),
    ("<style>body{display:none}</style>", ["<style", "display"]),
    ('<object data="x.swf"></object><embed src="x.swf">', ["<object", "<embed"]),
    ("![x](https://evil.example/track.png)", ["evil.example"]),  # the site loads nothing from outside
    ("![x](//evil.example/track.png)", ["evil.example"]),
    ('<p style="background:url(https://evil.example/x)">x</p>', ["evil", "style"]),
    ("段落\n{: onclick=\"alert(1)\" }", ["onclick"]),
    ("<svg><script>alert(1)</script></svg>", ["<svg", "alert"]),
    ("<base href='https://evil.example/'>", ["<base", "evil"]),
    ("<!-- 内部备注：不公开 -->可见", ["内部备注"]),
])
def test_unsafe_html_is_removed(source, gone):
    html, removed = sanitize(md(source))
    for needle in gone:
        assert needle.lower() not in html.lower(), html
    assert removed or "<!--" in source


@pytest.mark.parametrize("source, kept", [
    ("## 标题 {#anchor}", '<h2 id="anchor">标题</h2>'),
    ("重要\n{: .lead }", '<p class="lead">重要</p>'),
    ("| 左 | 右 |\n|:--|--:|\n| 1 | 2 |", '<td style="text-align:right">2</td>'),
    ("[救济渠道](/remedies/)", '<a href="/remedies/">救济渠道</a>'),
    ("[政府网](https://www.gov.cn/)", '<a href="https://www.gov.cn/">政府网</a>'),
    ("拨打 [12333](tel:12333)", '<a href="tel:12333">12333</a>'),
    ("![流程图](/flowcharts/penalty.svg)", '<img alt="流程图" src="/flowcharts/penalty.svg">'),
    ("术语\n:   定义", "<dd>定义</dd>"),
    ("1. 一\n2. 二", "<ol>\n<li>一</li>"),
    ("**粗** *斜* `代码`", "<strong>粗</strong> <em>斜</em> <code>代码</code>"),
    ("<abbr title=\"统一社会信用代码\">USCC</abbr>", '<abbr title="统一社会信用代码">USCC</abbr>'),
])
def test_what_pages_use_survives(source, kept):
    html, removed = sanitize(md(source))
    assert kept in html and removed == []


def test_find_line_counts_from_the_cursor():
    text = "a\n<script>\nb\n<SCRIPT>"
    line, after = find_line(text, "<script")
    assert line == 2
    assert find_line(text, "<script", after)[0] == 4
    assert find_line(text, "<iframe")[0] == 0


def test_every_removal_is_a_warning_at_its_line(site):
    page = site / PAGE
    lines = page.read_text(encoding="utf-8").splitlines()
    added = ["", "<script>alert(1)</script>", "", "正文 <img src=\"/a.png\" onerror=\"alert(2)\">", "",
             "[链接](javascript:alert(3))", "", "<iframe src=\"/x\"></iframe>", "", "<script>alert(4)</script>"]
    page.write_text("\n".join(lines + added) + "\n", encoding="utf-8")
    result, report = run(site, GOLDEN_AS_OF)
    assert result is not None, [d.format() for d in report.errors]
    found = sorted((d.row, dict(d.params)["what"]) for d in report.warnings if d.code == "W-HTML-REMOVED")
    n = len(lines)
    assert found == [(n + 2, "<script>"), (n + 4, "<img> 的 onerror 属性"), (n + 6, "javascript: 链接"),
                     (n + 8, "<iframe>"), (n + 10, "<script>")]
    assert all(d.path == PAGE for d in report.warnings if d.code == "W-HTML-REMOVED")
    out = (site / "public/remedies/index.html").read_text(encoding="utf-8")
    assert "alert(" not in out and "<iframe" not in out and "onerror" not in out
    assert 'src="/a.png"' in out and ">链接</a>" in out  # the safe part of each line stays


def test_the_demo_pages_render_the_same_as_before(tmp_path):
    """The demo's pages use no raw HTML: sanitising changes none of them (compared with the
    unsanitised rendering, on every page of content/)."""
    from generator.stages.read import _FRONT

    pages = sorted((REPO / "content").glob("*.md"))
    assert len(pages) >= 10
    for path in pages:
        body = _FRONT.match(path.read_text(encoding="utf-8-sig")).group(2)
        html = md(body)
        clean, removed = sanitize(html)
        assert removed == [] and clean == html, path.name


def test_the_demo_builds_without_html_warnings(tmp_path):
    demo = tmp_path / "demo"
    demo.mkdir()
    for part in ("site_config.yaml", "data", "content"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copyfile)(REPO / part, demo / part)
    from datetime import date

    result, report = run(demo, date(2026, 11, 29))
    assert result is not None
    assert not [d for d in report.items if d.code == "W-HTML-REMOVED"]
    for chart in ("penalty", "licence", "inspection", "coercion"):
        assert (demo / f"public/flowcharts/{chart}.svg").read_bytes() == (REPO / f"content/flowcharts/{chart}.svg").read_bytes()
