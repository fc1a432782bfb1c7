"""The hand-worked fixture (tests/fixtures/supervision/README.md): its answers in the figures and,
exactly, in the HTML report; the report holds nothing private and loads nothing; ``--out``;
``supervision.reportable`` takes private dates only."""

import re
import shutil
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.cli import main
from generator.compliance import run_check
from generator.compliance.coverage import ANNOUNCED, MISSING, NIL, OPEN
from generator.report_formats import as_html

FIXTURE = Path(__file__).parent / "fixtures" / "supervision" / "site"
AS_OF = date(2026, 3, 10)
HELAN, YINCHUAN, REGION = "贺兰县人力资源和社会保障局", "银川市人力资源和社会保障局", "宁夏回族自治区人力资源和社会保障厅"


@pytest.fixture(scope="module")
def result():
    return run_check(FIXTURE, AS_OF, figures=True)


@pytest.fixture(scope="module")
def html(result):
    return as_html(result, "error")


class Tables(HTMLParser):
    """Every table of a page as rows of cell texts, by caption (or by the heading before it)."""

    def __init__(self):
        super().__init__()
        self.tables, self.heading, self.text, self.stack = {}, "", None, []

    def handle_starttag(self, tag, attrs):
        if tag in ("caption", "th", "td", "h3") or (tag == "br" and self.text is not None):
            self.text = [] if tag != "br" else self.text
        if tag == "table":
            self.stack.append({"caption": None, "rows": []})
        elif tag == "tr" and self.stack:
            self.stack[-1]["rows"].append([])

    def handle_endtag(self, tag):
        if tag == "h3" and self.text is not None:
            self.heading, self.text = "".join(self.text).strip(), None
        elif tag == "caption":
            self.stack[-1]["caption"], self.text = "".join(self.text).strip(), None
        elif tag in ("th", "td") and self.stack:
            self.stack[-1]["rows"][-1].append("".join(self.text).strip())
            self.text = None
        elif tag == "table":
            t = self.stack.pop()
            self.tables[t["caption"] or self.heading] = t["rows"]

    def handle_data(self, data):
        if self.text is not None:
            self.text.append(data)


def tables(html: str) -> dict:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def row(table, first):
    return next(r for r in table if r[0] == first)


def counts(c):
    return (c.due, c.on_time, c.late, c.overdue, c.rate, c.late_days, c.late_max, c.overdue_max, c.pending)


# ---------------------------------------------------------------- the figures

def test_the_department_with_ten_penalties(result):
    t = result.figures.timeliness
    helan = next(r for r in t.agencies if r.key == HELAN)
    assert counts(helan.total) == (10, 7, 2, 1, "70.0%", 4, 3, 3, 0)
    by_month = dict(zip(t.months, helan.months))
    assert counts(by_month[(2026, 1)]) == (2, 2, 0, 0, "100.0%", 0, 0, 0, 0)
    assert counts(by_month[(2026, 2)]) == (5, 3, 2, 0, "60.0%", 4, 3, 0, 0)
    assert counts(by_month[(2026, 3)]) == (3, 2, 0, 1, "66.7%", 0, 0, 3, 0)
    assert t.quarters[-1] == (2026, 1) and counts(helan.quarters[-1]) == counts(helan.total)


def test_the_region_and_the_other_department(result):
    t = result.figures.timeliness
    assert t.months[0] == (2025, 4) and t.months[-1] == (2026, 3)
    assert counts(t.region.total) == (11, 8, 2, 1, "72.7%", 4, 3, 3, 1)
    assert counts(t.region.quarters[-1]) == (10, 7, 2, 1, "70.0%", 4, 3, 3, 1)
    yinchuan = next(r for r in t.agencies if r.key == YINCHUAN)
    assert counts(yinchuan.total) == (1, 1, 0, 0, "100.0%", 0, 0, 0, 1)
    assert counts(next(r for r in t.agencies if r.key == REGION).total)[:5] == (0, 0, 0, 0, "—")
    assert [r.key for r in t.datasets] == ["penalties"]


def test_item_19_period_by_period(result):
    rows = {r.agency: [(c.period.label, c.state, c.announced, c.nil) for c in r.cells]
            for r in result.figures.coverage.rows}
    assert rows[YINCHUAN] == [("2025年第二季度", MISSING, 0, 0), ("2025年第三季度", NIL, 0, 1),
                              ("2025年第四季度", ANNOUNCED, 1, 0), ("2026年第一季度", OPEN, 0, 0)]
    assert rows[HELAN] == [("2025年第二季度", NIL, 0, 1), ("2025年第三季度", NIL, 0, 1),
                           ("2025年第四季度", NIL, 0, 1), ("2026年第一季度", OPEN, 0, 0)]
    assert rows[REGION] == [("2025年上半年", ANNOUNCED, 1, 0), ("2025年下半年", MISSING, 0, 0),
                            ("2026年上半年", OPEN, 0, 0)]


def test_correction_suggestions(result):
    d = result.figures.duties["correction"]
    assert counts(d.region.total) == (3, 1, 1, 1, "33.3%", 1, 1, 12, 1)
    assert counts(next(r for r in d.agencies if r.key == HELAN).total) == (2, 1, 1, 0, "50.0%", 1, 1, 0, 1)
    assert counts(next(r for r in d.agencies if r.key == YINCHUAN).total) == (1, 0, 0, 1, "0.0%", 0, 0, 12, 0)


def test_what_falls_due_within_30_days(result):
    due = [(d.deadline, d.kind, d.dataset, d.agency) for d in result.figures.due_soon]
    assert due == [(date(2026, 3, 16), "correction", "correction_suggestions", HELAN),
                   (date(2026, 3, 17), "publication", "penalties", YINCHUAN)]
    assert sorted(result.figures.starts.values()) == [date(2026, 1, 5), date(2026, 2, 2), date(2026, 2, 5),
                                                      date(2026, 3, 2)]  # 收到日期 is reportable here


# ---------------------------------------------------------------- the same figures in the report

def test_the_report_shows_the_fixture_figures_exactly(html):
    got = tables(html)
    agencies = got["各部门近 12 个月（全区在前）"]
    assert agencies[1] == ["全区", "11", "8", "2", "1", "72.7%", "4（最长 3）", "3", "1"]
    assert row(agencies, HELAN) == [HELAN, "10", "7", "2", "1", "70.0%", "4（最长 3）", "3", "0"]
    assert row(agencies, YINCHUAN) == [YINCHUAN, "1", "1", "0", "0", "100.0%", "0", "0", "1"]
    months = got["全区按月（2025年4月至2026年3月）"]
    assert row(months, "2026年2月") == ["2026年2月", "5", "3", "2", "0", "60.0%", "4（最长 3）", "0", "0"]
    assert row(months, "2026年3月") == ["2026年3月", "3", "2", "0", "1", "66.7%", "0", "3", "1"]
    assert row(months, "合计")[1:6] == ["11", "8", "2", "1", "72.7%"]
    quarters = got[f"全区按季度（本季度截至 {AS_OF.year}年{AS_OF.month}月{AS_OF.day}日）"]
    assert row(quarters, "2026年第一季度")[1:6] == ["10", "7", "2", "1", "70.0%"]
    periods = got["各部门按季度、按月的公示及时率"]
    assert row(periods, HELAN)[4] == "70.0%" and row(periods, HELAN)[4 + 11] == "60.0%"  # Q1 2026, February
    detail = got[f"{HELAN}：各公示事项近 12 个月"]
    assert row(detail, "行政处罚结果")[1:6] == ["10", "7", "2", "1", "70.0%"]
    assert "70.0%" in html and "72.7%" in html and "公示及时率" in html


def test_the_report_shows_item_19_suggestions_and_deadlines(html):
    got = tables(html)
    quarterly = got["每季度公布的部门"]
    assert row(quarterly, YINCHUAN)[1:] == ["未公布", "本期无", "已公布 1 条", "本期未结束"]
    assert row(quarterly, HELAN)[1:] == ["本期无", "本期无", "本期无", "本期未结束"]
    assert row(got["每半年公布的部门"], REGION)[1:] == ["已公布 1 条", "未公布", "本期未结束"]
    suggestions = got["纠错建议答复（规则 P5.3）"]
    assert suggestions[1] == ["全区", "3", "1", "1", "1", "33.3%", "1（最长 1）", "12", "1"]
    due = got["时限在 30 天内、尚未完成的事项（共 2 项）"]
    assert due[1][:3] == ["2026-03-16", "答复纠错建议", "correction_suggestions"] and due[1][5] == "2026-03-02"
    assert due[2][:5] == ["2026-03-17", "公示", "penalties", "银川市人力资源和社会保障局 银人社监罚〔2026〕4号", YINCHUAN]


def test_the_problems_are_grouped_by_department(html):
    got = tables(html)
    helan = got[f"{HELAN}：1 个错误，3 个警告"]
    assert [r[1] for r in helan[1:]] == ["E-OVERDUE · P8", "W-CORRECTION-LATE · P5.3", "W-LATE · P8", "W-LATE · P8"]
    assert "已过 3 个工作日" in helan[1][4]
    assert [r[1] for r in got[f"{YINCHUAN}：1 个错误，0 个警告"][1:]] == ["E-CORRECTION-OVERDUE · P5.3"]
    region = got[f"{REGION}：1 个错误，0 个警告"]
    assert region[1][1] == "E-ANNOUNCEMENT-MISSING · P9"
    by_code = got["按代码汇总（全区，数目准确）"]
    assert row(by_code, "W-LATE")[3] == "2" and row(by_code, "E-OVERDUE")[3] == "1"
    rules = [r[0] for r in got["本报告适用的规则（规则目录 rules.md）"][1:]]
    assert {"P8", "P9", "P5.3", "C1", "P2.2"} <= set(rules)


PRIVATE = ["张某某", "13995010001", "13995112345", "马某", "建议从轻", "文号有误", "李某",
           "2026-01-12",                                       # a 答复日期 (not reportable)
           "2026-01-09", "2025-10-10", "2025-10-09", "2025-07-08",  # 本期无 公示日期 (not reportable)
           "JC-2026-00"]                                       # the suggestions' numbers (private key)


def test_the_report_holds_no_private_value_and_loads_nothing(html):
    for value in PRIVATE:
        assert value not in html, value
    assert "2026-03-02" in html  # 收到日期, listed in supervision.reportable
    assert not re.search(r"<script|<link|<img|<iframe|\ssrc=|@import|url\((?!#)", html, re.I)
    assert set(re.findall(r'href="([^"]*)"', html)) <= {f"#{x}" for x in
                                                        ("summary", "timeliness", "problems", "upcoming", "item19",
                                                         "terms", "inputs")}
    assert '<html lang="zh-CN">' in html


def test_without_reportable_dates_none_is_shown(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    config = site / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  reportable:\n    correction_suggestions: [收到日期]\n", ""), encoding="utf-8")
    html = as_html(run_check(site, AS_OF, figures=True), "error")
    assert "2026-03-02" not in html and "2026-02-02" not in html
    assert "70.0%" in html


@pytest.mark.parametrize("reportable, message", [
    ("correction_suggestions: [建议人]", "“建议人”不是日期列"),
    ("correction_suggestions: [收件日期]", "“收件日期”不是数据集 correction_suggestions 中的列"),
    ("suggestions: [收到日期]", "“suggestions”不是已配置的数据集"),
])
def test_only_private_dates_may_be_reportable(tmp_path, reportable, message):
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    config = site / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "correction_suggestions: [收到日期]", reportable), encoding="utf-8")
    problems = [d for d in run_check(site, AS_OF).report.errors if d.code == "E-CONFIG"]
    assert any(message in d.format() and "supervision.reportable" in d.format() for d in problems), \
        [d.format() for d in problems]


def test_cli_writes_the_report_to_a_file(tmp_path, capsys):
    out = tmp_path / "report.html"
    code = main(["check", "--site", str(FIXTURE), "--as-of", AS_OF.isoformat(), "--format", "html", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 1  # the fixture has errors (E-OVERDUE …)
    assert printed.count("\n") == 1 and "合规检查未通过" in printed and str(out) in printed
    assert "近 12 个月公示及时率 72.7%（已到期 11 条：按时 8，逾期公示 2，逾期未公示 1）" in printed
    assert tables(out.read_text(encoding="utf-8"))["各部门近 12 个月（全区在前）"][1][5] == "72.7%"
    assert not list(tmp_path.glob(".*.tmp"))


def test_cli_out_to_an_unwritable_place_is_a_usage_error(tmp_path, capsys):
    code = main(["check", "--site", str(FIXTURE), "--as-of", AS_OF.isoformat(), "--format", "html",
                 "--out", str(tmp_path / "no" / "such" / "dir" / "r.html")])
    assert code == 2 and "无法写入" in capsys.readouterr().err


@pytest.mark.parametrize("inside", ["data", "content", "public/reports"])
def test_cli_refuses_to_write_the_report_into_the_site(tmp_path, capsys, inside):
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    code = main(["check", "--site", str(site), "--as-of", AS_OF.isoformat(), "--format", "html",
                 "--out", str(site / inside / "report.html")])
    assert code == 2 and "报告不能写在站点的" in capsys.readouterr().err
    assert not (site / inside / "report.html").exists()


def test_every_format_can_go_to_a_file(tmp_path, capsys):
    out = tmp_path / "summary.md"
    main(["check", "--site", str(FIXTURE), "--as-of", AS_OF.isoformat(), "--format", "markdown", "--out", str(out)])
    assert out.read_text(encoding="utf-8").startswith("## gongshi check")


def test_nu_html_checker_finds_no_error_in_the_report(html, tmp_path):
    from test_deploy import vnu  # skips where vnu.jar or Java is missing (CI has both)

    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    assert vnu([path]) == []


def test_the_report_of_an_unreadable_site_says_why(tmp_path):
    (tmp_path / "site_config.yaml").write_text("site: [", encoding="utf-8")
    html = as_html(run_check(tmp_path, AS_OF, figures=True), "error")
    assert "E-YAML" in html and "公示情况监督报告" in html


# ---------------------------------------------------------------- the same figures on the public page

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import run

    site = tmp_path_factory.mktemp("public") / "site"
    shutil.copytree(FIXTURE, site)
    result, report = run(site, AS_OF)
    assert result, [d.format() for d in report.errors]
    return site / "public"


def test_the_public_page_shows_the_fixture_figures_exactly(built):
    html = (built / "disclosure/index.html").read_text(encoding="utf-8")
    got = tables(html)
    rates = got["近 12 个月各部门公示及时率（全区在前；季度至今为止）"]
    assert rates[0][-1] == "2026年第一季度"
    assert rates[1] == ["全区", "11", "8", "2", "1", "72.7%", "—", "—", "100.0%", "70.0%"]
    assert row(rates, HELAN) == [HELAN, "10", "7", "2", "1", "70.0%", "—", "—", "—", "70.0%"]
    assert row(rates, YINCHUAN)[1:6] == ["1", "1", "0", "0", "100.0%"]
    quarterly = got["每季度公布的部门：各期公布情况"]
    assert row(quarterly, YINCHUAN)[1:] == ["未公布", "本期无", "已公布 1 条", "本期未结束"]
    assert row(got["每半年公布的部门：各期公布情况"], REGION)[1:] == ["已公布 1 条", "未公布", "本期未结束"]
    statements = re.findall(r"<p><strong>(.*?)</strong>：(.*?)说明本期无", html)
    assert statements == [("2025年第四季度", HELAN), ("2025年第三季度", f"{YINCHUAN}、{HELAN}"),
                          ("2025年第二季度", HELAN)]
    assert 'href="/agencies/helan/"' in html and 'href="/major-violations/"' in html


def test_the_public_page_is_linked_and_in_the_sitemap(built):
    assert "https://gongshi.hrss.nx.example/disclosure/" in (built / "sitemap.xml").read_text(encoding="utf-8")
    for page in ("index.html", "penalties/index.html", "platform/index.html"):
        assert 'href="/disclosure/"' in (built / page).read_text(encoding="utf-8"), page


def test_the_public_page_holds_no_private_value_and_no_date_of_an_internal_dataset(built):
    html = (built / "disclosure/index.html").read_text(encoding="utf-8")
    for value in PRIVATE + ["2026-03-02", "2026-02-02", "2026-01-05"]:  # 收到日期: reportable, but not public
        assert value not in html, value
    # the site's CSP: no inline script or style; the one script is the theme's file of 适老模式
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/assets/care.js">']
    assert "style=" not in html and "<style" not in html


def test_without_the_setting_there_is_no_page_and_no_link(tmp_path):
    from conftest import run

    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    config = site / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("public_page: true", "public_page: false"),
                      encoding="utf-8")
    result, report = run(site, AS_OF)
    assert result, [d.format() for d in report.errors]
    out = site / "public"
    assert not (out / "disclosure").exists()
    assert "disclosure" not in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert 'href="/disclosure/"' not in (out / "index.html").read_text(encoding="utf-8")
    assert "/disclosure/" not in (out / "platform/index.html").read_text(encoding="utf-8")
