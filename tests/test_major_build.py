"""Major decisions by rule in whole builds (L1–L3): where attachment 6 binds an unflagged decision
fails the build; where it is advice the check warns; revoking a licence and deciding after a
hearing are major at every level — penalties and licences alike."""

import pytest
import yaml

from conftest import GOLDEN_AS_OF, edit_row, run
from generator.compliance import run_check
from records import DEMO_AS_OF, copy_demo


def errors(report, code):
    return [d.format() for d in report.errors if d.code == code]


def test_over_the_threshold_at_the_region_unflagged_fails_the_build(site):
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": "宁人社监罚〔2023〕8号"}, 是否重大="否")
    result, report = run(site, GOLDEN_AS_OF)
    assert result is None
    [line] = errors(report, "E-MAJOR-UNMARKED")
    assert line.startswith("data/penalties.csv:4:23: E-MAJOR-UNMARKED 罚款 156000 元，达到法定最高罚款 ")
    assert "元的 60% 且不低于 30000 元" in line and "（规则 L2）" in line
    assert "200000" not in line  # the statutory maximum is a private column: masked in every message


@pytest.mark.parametrize("number, agency_level", [("银人社监罚〔2024〕41号", "市"), ("贺人社监罚〔2024〕3号", "县")])
def test_over_the_threshold_in_a_city_or_county_is_advice(site, number, agency_level):
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": number},
             罚款裁量方式="规定金额", **{"罚款金额（元）": "60000", "法定最高罚款（元）": "100000"})
    result, report = run(site, GOLDEN_AS_OF)
    assert result is not None, [d.format() for d in report.errors]
    found = [d for d in run_check(site, GOLDEN_AS_OF).report.items if d.code == "W-MAJOR-UNMARKED"]
    assert [dict(d.params)["record"].split()[-1] for d in found] == [number]


def test_a_citys_own_standard_binds_it(site):
    config = yaml.safe_load((site / "site_config.yaml").read_text(encoding="utf-8"))
    config["datasets"]["penalties"]["major"]["local"] = {
        "银川市人力资源和社会保障局": {"range": {"maximum": "法定最高罚款（元）", "share": 0.5, "minimum": 5000},
                               "basis": "银川市人社局重大执法决定法制审核标准"}}
    (site / "site_config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2024〕41号"},
             罚款裁量方式="规定金额", **{"法定最高罚款（元）": "12000"})  # 6000 元 = 50 % of the maximum
    result, report = run(site, GOLDEN_AS_OF)
    [line] = errors(report, "E-MAJOR-UNMARKED")
    assert "银川市人社局重大执法决定法制审核标准" in line
    [review] = errors(report, "E-LEGAL-REVIEW")  # and, major, it needed a review before it was made (L1)
    assert "未经法制审核" in review


def test_revoking_a_licence_unflagged_fails_the_build_at_any_level(site):
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2024〕28号"}, 是否重大="否")
    result, report = run(site, GOLDEN_AS_OF)
    [line] = errors(report, "E-MAJOR-UNMARKED")
    assert "“处罚类别”为吊销许可证件" in line


@pytest.fixture(scope="module")
def demo_checked(tmp_path_factory):
    """The demo with a decision after a hearing, a revoked licence and a licence for a Hong Kong-
    invested company all unflagged — and one hearing's number left out (found all the same)."""
    site = copy_demo(tmp_path_factory.mktemp("d"))
    pen, lic = site / "data/penalties.csv", site / "data/licences.csv"
    edit_row(pen, {"行政处罚决定书文号": "金人社监罚〔2026〕11号"}, 是否重大="否", 听证编号="")
    edit_row(pen, {"行政处罚决定书文号": "卫人社监罚〔2026〕7号"}, 是否重大="否")
    edit_row(lic, {"行政许可决定书文号": "银人社派许〔2024〕12号"}, 是否重大="否")
    edit_row(lic, {"行政许可决定书文号": "宁人社工时审〔2026〕3号"}, 是否重大="否")
    return run_check(site, DEMO_AS_OF).report


def test_a_penalty_after_a_hearing_in_the_hearings_dataset_is_major(demo_checked):
    found = [d.format() for d in demo_checked.errors if d.code == "E-MAJOR-UNMARKED"]
    assert any("听证 金人社听〔2026〕1号（2026-11-12）后作出" in line for line in found), found  # found by the hearing
    assert any("经听证（听证编号 " in line and line.startswith("data/penalties.csv:40:") for line in found), found
    # (named by the penalty: the number is its private column, masked)


def test_a_licence_revoked_and_one_for_a_foreign_invested_party_are_major(demo_checked):
    found = [d.format() for d in demo_checked.errors if d.code == "E-MAJOR-UNMARKED" and d.path == "data/licences.csv"]
    assert any("“状态”为撤销" in line for line in found), found
    assert any("设立“特殊工时工作制审批”许可" in line for line in found), found  # (who: private, masked)
    assert len(found) == 2
