"""``gongshi check``: the demo passes with every kind of warning; each error kind fails it; the
three formats; the JSON report against its schema; --fail-on; nothing is written."""

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from conftest import edit_row
from generator.cli import main
from generator.compliance import run_check
from generator.compliance.settings import Compliance
from records import DEMO_AS_OF, copy_demo

SCHEMA = json.loads((Path(__file__).parents[1] / "generator/compliance/report.schema.json").read_text(encoding="utf-8"))
WARNING_KINDS = {"W-LATE", "W-UNREVIEWED", "W-WITHDRAWAL-LATE", "W-CORRECTION-LATE", "W-REVIEW-LATE",
                 "W-MAJOR-UNMARKED", "W-CERT-EXPIRED", "W-CERT-EXPIRING", "W-REPEALED-BASIS", "W-CALENDAR-NEXT-YEAR"}


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    return copy_demo(tmp_path_factory.mktemp("check"))


@pytest.fixture
def demo(tmp_path):
    return copy_demo(tmp_path)


def check(site, *args, as_of=DEMO_AS_OF, capsys=None):
    code = main(["check", "--site", str(site), "--as-of", as_of.isoformat(), *args])
    out = capsys.readouterr().out if capsys else ""
    return code, out


def codes(site, as_of=DEMO_AS_OF):
    return {d.code for d in run_check(site, as_of).report.items}


def test_demo_passes_with_every_kind_of_warning_and_writes_nothing(demo_site, capsys):
    before = sorted(p.relative_to(demo_site) for p in demo_site.rglob("*"))
    code, out = check(demo_site, capsys=capsys)
    assert code == 0, out
    assert "合规检查通过" in out and "共 0 个错误" in out
    assert WARNING_KINDS <= codes(demo_site), WARNING_KINDS - codes(demo_site)
    assert sorted(p.relative_to(demo_site) for p in demo_site.rglob("*")) == before  # writes nothing


def test_fail_on_warning_and_never(demo_site, capsys):
    assert check(demo_site, "--fail-on", "warning", capsys=capsys)[0] == 1
    assert check(demo_site, "--fail-on", "never", capsys=capsys)[0] == 0


def test_json_report_follows_its_schema(demo_site, capsys):
    code, out = check(demo_site, "--format", "json", capsys=capsys)
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    assert code == 0 and doc["failed"] is False and doc["as_of"] == "2026-11-29"
    late = next(p for p in doc["problems"] if p["code"] == "W-WITHDRAWAL-LATE")
    assert late == {**late, "file": "data/penalties.csv", "dataset": "penalties", "rule": "P6",
                    "record": "青铜峡市人力资源和社会保障局 青人社监罚〔2026〕5号"}
    # 撤回日期 is a private column: the report masks it like any private value (P3.1), dates too
    assert late["dates"] == {"start": "2026-07-06", "deadline": "2026-07-09"}
    assert "2026-07-14" not in late["message"] and "******** 才撤回" in late["message"]
    # line 30 of the CSV is Excel's row 28: two earlier records hold line breaks in a cell
    assert late["excel_row"] == 28 and late["excel_column"] is None
    assert doc["summary"]["by_code"]["W-CERT-EXPIRING"] == 2
    assert doc["calendar"]["years"][0] == 2019 and doc["calendar"]["provisional_years"] == []
    hearings = doc["expiry"]["datasets"]["hearings"]
    assert hearings["expiring"] == len(hearings["expiring_records"]) > 0
    assert "correction_suggestions" not in doc["expiry"]["datasets"]  # an internal dataset is never on the site
    # the problems of the build (W-UNREVIEWED from the expire stage) carry their record too
    unreviewed = [p for p in doc["problems"] if p["code"] == "W-UNREVIEWED"]
    assert unreviewed and all(p["dataset"] and p["record"] for p in unreviewed)


def test_github_annotations(demo_site, capsys):
    _, out = check(demo_site, "--format", "github", capsys=capsys)
    lines = out.splitlines()
    assert any(l.startswith("::warning file=data/penalties.csv,line=30,title=W-WITHDRAWAL-LATE 规则 P6::")
               for l in lines), lines[:5]
    assert any(l.startswith("::notice title=即将到期 hearings::") for l in lines)
    assert all("\n" not in l for l in lines)


@pytest.mark.parametrize("file, match, changes, code, rule", [
    ("data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2026〕21号"}, {"公示日期": ""}, "E-OVERDUE", "P8"),
    ("data/penalties.csv", {"行政处罚决定书文号": "青人社监罚〔2026〕5号"}, {"撤回日期": ""}, "E-WITHDRAWAL-OVERDUE", "P6"),
    ("data/correction_suggestions.csv", {"建议编号": "JC-2026-001"}, {"答复日期": "", "处理结果": ""}, "E-CORRECTION-OVERDUE", "P5.3"),
    ("data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2026〕21号"}, {"法制审核收件日期": "2026-10-01"},
     "E-REVIEW-OVERDUE", "L4"),
    ("data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2026〕21号"}, {"处罚决定日期": "2026-10-32"}, "E-DATE", "P2.1"),
    # L1: the review of a major decision dated after the decision (2026-11-02), which the build rejects too
    ("data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2026〕25号"}, {"法制审核日期": "2026-11-03"},
     "E-LEGAL-REVIEW", "L1"),
])
def test_each_error_fails_the_check(demo, capsys, file, match, changes, code, rule):
    edit_row(demo / file, match, **changes)
    status, out = check(demo, "--format", "json", capsys=capsys)
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    hits = [p for p in doc["problems"] if p["code"] == code]
    assert status == 1 and doc["failed"] and len(hits) == 1 and hits[0]["rule"] == rule, doc["summary"]
    assert hits[0]["file"] == file and hits[0]["row"] > 1


def test_missing_announcement_fails_the_check(demo, capsys):
    path = demo / "data/major_violation_nil_returns.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(l for l in lines if not l.startswith("中卫市")), encoding="utf-8")
    status, out = check(demo, capsys=capsys)
    assert status == 1 and "E-ANNOUNCEMENT-MISSING" in out and "中卫市人力资源和社会保障局（市级，每季度公布）" in out
    assert "data/agencies.yaml:" in out


@pytest.mark.parametrize("published, late", [("2026-11-11", False), ("2026-11-12", True)])
def test_published_on_the_last_day_is_on_time(demo, published, late):
    # decided Monday 2026-11-02: the deadline is Wednesday 11-11 (P2.2)
    edit_row(demo / "data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2026〕25号"}, 公示日期=published)
    found = [d for d in run_check(demo, DEMO_AS_OF).report.items
             if d.code == "W-LATE" and d.path == "data/penalties.csv" and d.row == 2]
    assert bool(found) is late
    if late:
        assert dict(found[0].params)["days"] == 1


@pytest.mark.parametrize("as_of, years", [
    (date(2026, 10, 31), []),        # next year's notice not yet due
    (date(2026, 11, 1), [2027]),     # from 1 November (C4)
])
def test_next_years_calendar_is_due_from_1_november(demo_site, as_of, years):
    found = [d for d in run_check(demo_site, as_of).report.items if d.code == "W-CALENDAR-NEXT-YEAR"]
    assert [dict(d.params)["year"] for d in found] == years


def test_a_year_missing_from_the_calendar(demo_site, capsys):
    """As of 2027-01-05 (2027 not in the calendar): the current year is reported, deadlines that
    reach into 2027 are provisional (W-CALENDAR) and the JSON says so."""
    _, out = check(demo_site, "--format", "json", "--fail-on", "never", as_of=date(2027, 1, 5), capsys=capsys)
    doc = json.loads(out)
    assert 2027 in doc["calendar"]["provisional_years"]
    found = {(p["code"], p["message"][:20]) for p in doc["problems"] if p["code"].startswith("W-CALENDAR")}
    assert ("W-CALENDAR-NEXT-YEAR", "工作日历尚未录入 2027 年的节假日安排"[:20]) in found
    assert any(code == "W-CALENDAR" for code, _ in found)


def test_next_year_due_day_is_configuration():
    assert Compliance(next_year_from=(12, 1)).next_year_due(date(2026, 11, 15)) == date(2026, 12, 1)


@pytest.mark.parametrize("old, new, detail", [
    ("      done: 撤回日期\n", "      done: 撤回时间\n", "“撤回时间”不是数据集 penalties 中的列"),
    ("      basis: 附件5第八条：法制机构在收到送审材料后7个工作日内审核完毕\n", "", "缺少 compliance.duties[3].basis"),  # licences
    ("    dataset: staff\n", "    dataset: staf\n", "“staf”不是已配置的数据集"),
    ("    next_year_from: \"11-01\"", "    next_year_from: \"11-31\"", "compliance.calendar.next_year_from 应为“月-日”"),
])
def test_bad_compliance_settings_are_reported_not_raised(demo, capsys, old, new, detail):
    path = demo / "site_config.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    status, out = check(demo, capsys=capsys)
    assert status == 1 and "E-CONFIG" in out and detail in out and "Traceback" not in out


def test_missing_site_is_a_usage_error(tmp_path, capsys):
    assert main(["check", "--site", str(tmp_path / "nowhere")]) == 2
