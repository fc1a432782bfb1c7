"""Attachment 6 thresholds (L3) with their boundaries: a penalty or sealing that meets one but is
not marked 是否重大 = 是 is reported (W-MAJOR-UNMARKED)."""

from decimal import Decimal

import pytest

from generator.compliance.major import unmarked_major
from generator.compliance.settings import MajorThresholds
from records import dataset, record

PENALTIES = MajorThresholds(
    "penalties", "是否重大", fine="罚款金额（元）", method="罚款裁量方式",
    range={"method": "规定金额", "maximum": "法定最高罚款（元）", "share": 0.6, "minimum": 30000},
    multiple={"method": "规定倍数", "base": "骗取金额（元）", "times": 3, "minimum": 30000},
    per_worker={"method": "按人数", "workers": "涉及劳动者人数", "workers_at_least": 50, "fine_at_least": 30000},
    revocation={"column": "处罚类别", "values": ["吊销许可证件"]})
SEALING = MajorThresholds("coercions", "是否重大", amount={"column": "涉案金额（元）", "at_least": 500000})
DS = dataset()


def found(m=PENALTIES, major="否", **values):
    r = record(DS, 7, 文号="宁人社监罚〔2026〕9号", 是否重大=major, **{k: (Decimal(v) if isinstance(v, int) else v)
                                                            for k, v in values.items()})
    return list(unmarked_major(m, DS, [r], "附件6"))


@pytest.mark.parametrize("fine, maximum, hit", [
    (60000, 100000, True),    # exactly 60 % and ≥ 30,000
    (59999, 100000, False),   # just under 60 %
    (30000, 50000, True),     # 60 % of 50,000 = 30,000: both thresholds met exactly
    (29999, 40000, False),    # ≥ 60 % but under 30,000
])
def test_fine_set_within_a_range(fine, maximum, hit):
    assert bool(found(罚款裁量方式="规定金额", **{"罚款金额（元）": fine, "法定最高罚款（元）": maximum})) is hit


@pytest.mark.parametrize("fine, base, hit", [
    (36000, 12000, True), (35999, 12000, False), (29997, 9999, False),  # 3× but under 30,000
])
def test_multiple_for_social_insurance_fraud(fine, base, hit):
    assert bool(found(罚款裁量方式="规定倍数", **{"罚款金额（元）": fine, "骗取金额（元）": base})) is hit


@pytest.mark.parametrize("workers, fine, hit", [
    (50, 5000, True), (49, 5000, False), (49, 30000, True), (10, 29999, False),  # 50 workers OR 30,000
])
def test_fine_per_worker(workers, fine, hit):
    assert bool(found(罚款裁量方式="按人数", **{"罚款金额（元）": fine, "涉及劳动者人数": workers})) is hit


def test_revocation_of_a_licence():
    """L2 (附件5第二条（三）) and L3: revoking a licence is major whatever the amount."""
    assert found(处罚类别=("警告", "吊销许可证件"))
    assert not found(处罚类别=("警告", "罚款"))


@pytest.mark.parametrize("amount, hit", [(500000, True), (499999, False)])
def test_sealing_in_a_case_of_half_a_million(amount, hit):
    assert bool(found(SEALING, **{"涉案金额（元）": amount})) is hit


def test_marked_major_is_not_reported():
    assert found(major="是", 罚款裁量方式="按人数", **{"罚款金额（元）": 60000, "涉及劳动者人数": 80}) == []


def test_the_report_says_why():
    d = found(罚款裁量方式="规定金额", **{"罚款金额（元）": 80000, "法定最高罚款（元）": 100000})[0]
    assert d.code == "W-MAJOR-UNMARKED" and d.spec.rule == "L3"
    assert "罚款 80000 元，达到法定最高罚款 100000 元的 60% 且不低于 30000 元" in d.message
