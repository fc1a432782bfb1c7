"""The assemble stage: ordering, grouping by announcement period (P9), outputs."""

from datetime import date

import pytest
import yaml

from conftest import GOLDEN_AS_OF, run
from generator.stages.assemble import period_of, updated_on


@pytest.mark.parametrize("d, unit, label, first", [
    (date(2026, 3, 31), "quarter", "2026年第一季度", date(2026, 1, 1)),
    (date(2026, 4, 1), "quarter", "2026年第二季度", date(2026, 4, 1)),
    (date(2026, 12, 31), "quarter", "2026年第四季度", date(2026, 10, 1)),
    (date(2026, 6, 30), "half-year", "2026年上半年", date(2026, 1, 1)),
    (date(2026, 7, 1), "half-year", "2026年下半年", date(2026, 7, 1)),
    (date(2026, 7, 1), "year", "2026年", date(2026, 1, 1)),
])
def test_period_of(d, unit, label, first):
    assert period_of(d, unit) == (first, label)


def test_list_grouped_by_announcement_period_per_department_level(site):
    """City/county results by quarter, the region's by half-year (P9)."""
    config = yaml.safe_load((site / "site_config.yaml").read_text(encoding="utf-8"))
    config["datasets"]["random_checks"]["group_by"] = {
        "column": "公示日期", "by_level": {"区": "half-year", "市": "quarter", "县": "quarter"},
        "basis": "人社部令第29号"}
    (site / "site_config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    run(site, GOLDEN_AS_OF)
    html = (site / "public/random-checks/index.html").read_text(encoding="utf-8")
    # 银川 (市): published 2024-08-01 and 2024-07-05 → both in 2024 Q3, one group
    assert html.count("<h2>2024年第三季度</h2>") == 1
    assert html.index("银人社随查〔2024〕2-002") < html.index("银人社随查〔2024〕2-001")


def test_phase_pages_list_their_items(site):
    run(site, GOLDEN_AS_OF)
    before = (site / "public/before/index.html").read_text(encoding="utf-8").split('id="main"')[1]
    after = (site / "public/after/index.html").read_text(encoding="utf-8").split('id="main"')[1]
    assert "执法人员清单" in before and "行政处罚结果" not in before
    assert "行政处罚结果" in after and '<a href="/penalties/">' in after
    assert "自处罚决定书作出之日起7个工作日内" in after


def test_content_assets_are_copied_markdown_is_not(site):
    (site / "content/flow").mkdir()
    (site / "content/flow/chart.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    run(site, GOLDEN_AS_OF)
    assert (site / "public/flow/chart.svg").is_file()
    assert not list((site / "public").rglob("*.md"))


def test_department_page_names_items_it_has_nothing_for(site):
    run(site, GOLDEN_AS_OF)
    html = (site / "public/agencies/nx-hrss/index.html").read_text(encoding="utf-8")
    assert "本部门暂无" in html and "双随机一公开抽查结果" in html.split("本部门暂无")[1]


def _record(published, status_on=None):
    from types import SimpleNamespace
    return SimpleNamespace(life=SimpleNamespace(published_on=published, status_on=status_on))


@pytest.mark.parametrize("as_of, want", [
    (date(2026, 11, 9), date(2026, 11, 5)),    # the day before the correction: the last change before it
    (date(2026, 11, 10), date(2026, 11, 10)),  # the day of the correction (P5.1)
    (date(2026, 11, 11), date(2026, 11, 10)),
    (date(2026, 11, 21), date(2026, 11, 20)),  # a withdrawal (its 状态日期) changes the list too
])
def test_updated_on_counts_corrections_changes_and_withdrawals_not_only_publication(as_of, want):
    """The home page's 更新于 (issue 14.6): it ignored corrections."""
    from types import SimpleNamespace
    listed = [_record(date(2026, 11, 1)), _record(date(2026, 10, 1), status_on=date(2026, 11, 5))]
    withdrawn = [_record(date(2026, 9, 1), status_on=date(2026, 11, 20))]
    corrections = {"r1": (SimpleNamespace(on=date(2026, 11, 10)),)}
    assert updated_on(listed, withdrawn, corrections, as_of) == want
    assert updated_on([], [], {}, as_of) is None
