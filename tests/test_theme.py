"""The theme (generator/theme/, outputs/html.py): markup lives in templates and macros that a
site overrides file by file; every public value is escaped, also in the hot loops where the
theme escapes by hand (``|esc`` with autoescape off, for speed at 100,000 pages)."""

from __future__ import annotations

import re

from markupsafe import Markup

from conftest import GOLDEN_AS_OF, edit_row, run
from generator.outputs.html import THEME, esc

UNESCAPED_REGION = re.compile(r"{%-?\s*autoescape false\s*-?%}(.*?){%-?\s*endautoescape\s*-?%}", re.S)
EXPRESSION = re.compile(r"{{(.*?)}}", re.S)

HOSTILE_NAME = '永固<b>建筑</b>&"劳务\'公司'
HOSTILE_TEXT = "拖欠工资<script>alert(1)</script>。"


def test_every_value_written_with_autoescape_off_goes_through_esc():
    regions = [(p.name, m.group(1)) for p in sorted(THEME.glob("*.html"))
               for m in UNESCAPED_REGION.finditer(p.read_text(encoding="utf-8"))]
    assert len(regions) >= 3  # list rows, record fields, search data
    bare = [(name, e.strip()) for name, region in regions for e in EXPRESSION.findall(region)
            if not re.search(r"\|\s*esc\s*$", e.strip())]
    assert bare == []


def test_esc():
    assert esc("a & b") == "a &amp; b" and esc('<"\'>') == "&lt;&#34;&#39;&gt;"
    assert esc("银川") == "银川" and esc(12) == "12"
    assert esc(Markup("<b>x</b>")) == "<b>x</b>"  # already markup: kept


def test_hostile_values_are_escaped_on_every_page_that_shows_them(site):
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2024〕15号"},
             行政相对人名称=HOSTILE_NAME, 违法事实=HOSTILE_TEXT)
    result, report = run(site, GOLDEN_AS_OF)
    assert result is not None, [d.format() for d in report.errors]
    escaped_name = "永固&lt;b&gt;建筑&lt;/b&gt;&amp;&#34;劳务&#39;公司"
    pages = {p: p.read_text(encoding="utf-8") for p in (site / "public").rglob("*.html")}
    record = next(text for text in pages.values() if escaped_name in text and "违法事实" in text)
    assert "拖欠工资&lt;script&gt;alert(1)&lt;/script&gt;。" in record
    assert f'<span data-pagefind-meta="name">{escaped_name}</span>' in record
    assert escaped_name in pages[site / "public/penalties/index.html"]  # a list row
    assert escaped_name in pages[site / "public/index.html"]            # the home page's latest
    for text in pages.values():
        assert "<script>alert" not in text and "<b>建筑" not in text


def test_a_site_overrides_a_macro_file_and_a_page_template(site):
    macros = (THEME / "_macros.html").read_text(encoding="utf-8")
    (site / "templates").mkdir()
    (site / "templates/_macros.html").write_text(macros.replace(
        '<th scope="row">{{ title|esc }}</th>', '<th scope="row" class="mine">{{ title|esc }}</th>'), encoding="utf-8")
    (site / "templates/404.html").write_text('{% extends "base.html" %}{% block title %}找不到{% endblock %}'
                                             '{% block main %}<p>本站自己的 404 页面</p>{% endblock %}', encoding="utf-8")
    result, report = run(site, GOLDEN_AS_OF)
    assert result is not None, [d.format() for d in report.errors]
    record = next((site / "public/penalties").glob("*/index.html")).read_text(encoding="utf-8")
    assert '<th scope="row" class="mine">' in record
    assert "本站自己的 404 页面" in (site / "public/404.html").read_text(encoding="utf-8")
    assert '<th scope="row" class="mine">' not in (site / "public/agencies/yinchuan/index.html").read_text(encoding="utf-8")


def test_amounts_read_with_their_unit_and_codes_dates_in_one_piece(site):
    """Issue 14.6: 罚款金额 80,000 元 on a record page (the schema's ``unit``), no unit twice under
    a column that says it (罚款金额（元）), and the cells of a date, a 文号 or a code marked to read
    as one piece (``nb``: "2026年11月2日", never "2026年11月2 / 日")."""
    import json
    from html.parser import HTMLParser

    path = site / "data/penalties.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    fine = next(f for f in schema["fields"] if f["name"] == "罚款金额（元）")
    fine["title"] = "罚款金额"
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")
    result, report = run(site, GOLDEN_AS_OF)
    assert result is not None, [d.format() for d in report.errors]
    out = site / "public"
    record = next(p for p in (out / "penalties").glob("*/index.html") if "罚款金额" in p.read_text(encoding="utf-8"))
    assert re.search(r"<th scope=\"row\">罚款金额</th>\s*<td>[0-9,]+ 元</td>", record.read_text(encoding="utf-8"))

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.cells = []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag in ("td", "th") and "data-label" in a:
                self.cells.append((a["data-label"], "nb" in (a.get("class") or "").split()))

    cells = Cells()
    cells.feed((out / "penalties/index.html").read_text(encoding="utf-8"))
    marked = {label for label, nb in cells.cells if nb}
    plain = {label for label, nb in cells.cells if not nb}
    assert {"行政处罚决定书文号", "处罚决定日期"} <= marked  # a 文号 (identifier doc-number), a date
    assert {"行政相对人名称", "处罚机关"} <= plain           # names wrap
    assert not marked & plain


def test_unbroken_and_unit_after():
    from generator.outputs.html import unbroken, unit_after
    from generator.outputs.text import with_unit
    from generator.schema import FieldSpec

    def spec(ftype="string", identifier=None, max_length=None, unique=False, unit=""):
        return FieldSpec(name="x", type=ftype, title="x", description="", public=True, required=False,
                         enum=None, minimum=None, maximum=None, max_length=max_length, pattern=None, unique=unique,
                         identifier=identifier, separators="", references=None, optional_column=False, unit=unit)

    assert unbroken(spec("date")) and unbroken(spec("number")) and unbroken(spec(identifier="doc-number"))
    assert unbroken(spec(max_length=20)) and not unbroken(spec(max_length=21))  # 准考证号 yes, a name no
    assert unbroken(spec(max_length=50, unique=True)) and not unbroken(spec(max_length=51, unique=True))
    assert not unbroken(spec(unique=True)) and not unbroken(spec())  # no length: may be long text
    money = spec("number", unit="元")
    assert unit_after(money, "罚款金额") == "元" and unit_after(money, "罚款金额（元）") == ""
    assert unit_after(spec("number"), "x") == ""
    assert with_unit("80,000", "元") == "80,000 元" and with_unit("", "元") == "" and with_unit("3", "") == "3"
