"""Titles that tell records apart (``record_title``, generator/config/titles.py): no two pages of
the demo and golden sites share a ``<title>``; no two entries of a feed share a title unless they
are one record's changes; an entry's summary says what its title does not."""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import GOLDEN_AS_OF, GOLDEN_EXPECTED, GOLDEN_SITE, REPO, config_errors, edit_config, run
from generator.config import load_config
from generator.config.titles import RecordTitle, TitleTemplate, parse_title
from generator.config.options import At
from generator.outputs.text import text_of

ATOM = "{http://www.w3.org/2005/Atom}"
TITLE = re.compile(r"<title>([^<]*)</title>")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("demo")
    for part in ("site_config.yaml", "data", "content"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copyfile)(REPO / part, site / part)
    result, report = run(site, date(2026, 11, 29))
    assert result, [d.format() for d in report.errors]
    return site / "public"


def page_titles(out: Path) -> dict[str, list[str]]:
    titles = defaultdict(list)
    for path in sorted(out.rglob("*.html")):
        titles[TITLE.search(path.read_text(encoding="utf-8")).group(1)].append(path.relative_to(out).as_posix())
    return titles


@pytest.mark.parametrize("which", ["demo", "golden"])
def test_no_two_pages_share_a_title(request, which):
    out = request.getfixturevalue("demo") if which == "demo" else GOLDEN_EXPECTED
    titles = page_titles(out)
    assert sum(map(len, titles.values())) > (400 if which == "demo" else 20)
    assert {t: paths for t, paths in titles.items() if len(paths) > 1} == {}


def feed_documents(out: Path):
    """{dataset's feed path: [(document, [(id, title, category, summary)])]} over its subscription
    document and its archives."""
    feeds = defaultdict(list)
    for path in sorted((out / "feeds").rglob("*.xml")):
        name = path.stem if path.parent.name == "feeds" else path.parent.name
        root = ElementTree.parse(path).getroot()
        entries = [(e.findtext(f"{ATOM}id"), e.findtext(f"{ATOM}title"),
                    e.find(f"{ATOM}category").get("term"), e.findtext(f"{ATOM}summary"))
                   for e in root.iter(f"{ATOM}entry")]
        feeds[name].append((path.relative_to(out).as_posix(), entries))
    return feeds


@pytest.mark.parametrize("which", ["demo", "golden"])
def test_feed_entries_share_a_title_only_when_they_are_one_records_changes(request, which):
    out = request.getfixturevalue("demo") if which == "demo" else GOLDEN_EXPECTED
    feeds = feed_documents(out)
    assert feeds
    for name, documents in feeds.items():
        records_of = defaultdict(set)  # a title → the records whose entries carry it, over all documents
        for document, entries in documents:
            seen = {}
            for entry_id, title, kind, summary in entries:
                assert title.startswith(f"【{kind}】"), (document, title)  # the change kind says which change
                records_of[title].add(entry_id)
                # in one document, one record's entries differ by their change kind
                assert seen.setdefault(title, entry_id) == entry_id, (document, title)
        shared = {t: ids for t, ids in records_of.items() if len(ids) > 1}
        assert shared == {}, name
    inspections = [t for _, entries in feeds["inspections"] for _, t, _, _ in entries] if which == "demo" else []
    assert which == "golden" or len(set(inspections)) > 10  # the issue's case: 14 × "【公示】2026年第三季度"


@pytest.mark.parametrize("which", ["demo", "golden"])
def test_an_entrys_summary_says_what_its_title_does_not(request, which):
    out = request.getfixturevalue("demo") if which == "demo" else GOLDEN_EXPECTED
    for name, documents in feed_documents(out).items():
        for document, entries in documents:
            for _, title, kind, summary in entries:
                named = title[len(f"【{kind}】"):]
                assert named not in summary, (document, title, summary)
                # beyond the day and the change: a value the title does not hold
                facts = summary.split("。", 1)[1]
                assert "：" in facts and any(value not in title for value in re.findall(r"：([^；。]+)", facts)), \
                    (document, summary)


def test_the_issues_pages_are_told_apart(demo):
    """383 pages shared 78 titles, 14 of them "2026年第三季度"; the inspections feed had 14 entries
    "【公示】2026年第三季度"."""
    titles = page_titles(demo)
    quarter = [t for t in titles if "2026年第三季度日常检查情况" in t]
    assert len(quarter) >= 14 and all(t.endswith(" - 日常检查和监管 - 宁夏人社执法公示") for t in quarter)
    assert any(t.startswith("行政处罚结果撤销公告（") for t in titles)


# ---------------------------------------------------------------- the template

def render(template: str, **values) -> str:
    return RecordTitle(template, parse_title(template)).render(values.get, text_of)


def test_columns_and_text():
    assert render("{实施部门}{统计期间}日常检查情况", 实施部门="银川市人社局", 统计期间="2026年第三季度") == \
        "银川市人社局2026年第三季度日常检查情况"
    assert RecordTitle("{a}（{b}，{a}）", parse_title("{a}（{b}，{a}）")).columns == ("a", "b")


def test_values_read_as_on_a_page():
    assert render("{名称}（{日期}）", 名称="听证", 日期=date(2026, 3, 19)) == "听证（2026年3月19日）"
    assert render("{名称}（{类别}）", 名称="某公司", 类别=("罚款", "警告")) == "某公司（罚款、警告）"


@pytest.mark.parametrize("values, expected", [
    ({"名称": "某公司", "文号": "宁人社监罚〔2026〕1号", "机关": "自治区人社厅"}, "某公司（自治区人社厅，宁人社监罚〔2026〕1号）"),
    ({"名称": "某公司", "文号": "宁人社监罚〔2026〕1号"}, "某公司（宁人社监罚〔2026〕1号）"),
    ({"名称": "某公司", "机关": "自治区人社厅"}, "某公司（自治区人社厅）"),
    ({"名称": "某公司"}, "某公司"),  # no "某公司（，）"
])
def test_a_bracketed_part_with_no_value_is_left_out(values, expected):
    assert render("{名称}（{机关}，{文号}）", **values) == expected


def test_brackets_without_a_column_stay():
    assert render("{名称}（行政许可听证）", 名称="某公司") == "某公司（行政许可听证）"


@pytest.mark.parametrize("value, expected", [
    ("{名称（{文号}）", "花括号不成对"),
    ("名称}", "花括号不成对"),
    ("行政处罚", "没有列名"),
    ("{}（{文号}）", "空的 {}"),
    (["名称"], "应为文字"),
])
def test_a_malformed_template_is_named(value, expected):
    at = At(("datasets", "penalties", "record_title"))
    assert TitleTemplate().parse(value, at) is None
    assert len(at.problems) == 1 and expected in at.problems[0][1], at.problems


@pytest.mark.parametrize("template, expected", [
    ("{案件名称}（{不存在的列}）", "datasets.penalties.record_title：“不存在的列”不是"),
    ("{案件名称}（{联系电话}）", "datasets.penalties.record_title：“联系电话”不是公开字段，不能用作记录的标题"),
    ("{案件名称", "花括号不成对"),
])
def test_a_template_naming_a_missing_or_private_column_is_refused(site, template, expected):
    edit_config(site, lambda c: c["datasets"]["penalties"].update(record_title=template))
    lines = config_errors(site)
    assert any(" E-CONFIG " in line and expected in line for line in lines), lines


def test_without_a_template_the_title_column_names_the_record(site):
    edit_config(site, lambda c: c["datasets"]["powers"].pop("record_title"))
    powers = next(d for d in load_config(site).datasets if d.name == "powers")
    assert powers.record_title == RecordTitle.of_column("事项名称")


def test_every_published_dataset_of_the_demo_and_golden_sites_declares_its_titles():
    for root in (REPO, GOLDEN_SITE):
        for ds in load_config(root).datasets:
            assert ds.internal or len(ds.record_title.columns) > 1, (root, ds.name)
