"""Major decisions by rule (L2, L3): attachment 6's thresholds with their boundaries, where they
bind (the region, a department's own standards) and where they are advice (other cities and
counties); revoking a licence and deciding after a hearing, major at every level (附件5第二条)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from generator.compliance.major import unmarked_major
from generator.config.law import MajorConfig
from generator.config.options import At, Section
from generator.major import ADVISORY, BINDING, Hearings, assess


def parse_major(spec, where, problems):
    """The ``major:`` block read by its declarations; problems (messages) go to ``problems``."""
    at = At(tuple(where.split(".")))
    major = Section(MajorConfig).parse(spec, at)
    problems += [message for _, message in at.problems]
    return major
from records import dataset, record

PENALTIES = parse_major({
    "flag": "是否重大", "basis": "附件6", "as_written": ["区"],
    "revocation": {"column": "处罚类别", "values": ["吊销许可证件"], "basis": "附件5第二条（三）"},
    "hearing": {"dataset": "hearings", "column": "听证编号", "party": "行政相对人名称", "within_days": 180,
                "basis": "附件5第二条（四）"},
    "thresholds": {
        "fine": "罚款金额（元）", "method": "罚款裁量方式", "basis": "附件6：罚款",
        "range": {"method": "规定金额", "maximum": "法定最高罚款（元）", "share": 0.6, "minimum": 30000},
        "multiple": {"method": "规定倍数", "base": "骗取金额（元）", "times": 3, "minimum": 30000},
        "per_worker": {"method": "按人数", "workers": "涉及劳动者人数", "workers_at_least": 50, "fine_at_least": 30000}},
    "local": {"灵武市人力资源和社会保障局": {"range": {"maximum": "法定最高罚款（元）", "share": 0.8, "minimum": 50000},
                                       "basis": "灵武市人社局自定标准"}},
}, "datasets.penalties.major", problems := [])
assert problems == []
SEALING = parse_major({"flag": "是否重大", "basis": "附件6", "as_written": ["区"],
                       "thresholds": {"amount": {"column": "涉案金额（元）", "at_least": 500000}}}, "m", [])
LICENCES = parse_major({
    "flag": "是否重大", "basis": "附件6", "as_written": ["区"],
    "revocation": {"column": "状态", "values": ["撤销"], "decided": "状态日期", "basis": "附件5第二条（三）"},
    "thresholds": {"licence": {"column": "项目名称", "values": ["劳务派遣经营许可", "特殊工时工作制审批"],
                               "party": {"column": "申请人涉外情形", "values": ["外商投资企业", "港澳台投资企业", "外国人"]}},
                   "basis": "附件6：为涉外资、港澳台资企业或外国人设立行政许可"}}, "m", [])
DECIDED = date(2026, 9, 10)


def judged(m=PENALTIES, level="区", agency="宁夏回族自治区人力资源和社会保障厅", hearings=None, **values):
    values = {k: Decimal(v) if isinstance(v, int) else v for k, v in values.items()}
    return assess(m, values.get, agency=agency, level=level, decided=DECIDED, hearings=hearings)


@pytest.mark.parametrize("fine, maximum, hit", [
    (60000, 100000, True),    # exactly 60 % and ≥ 30,000
    (59999, 100000, False),   # just under 60 %
    (30000, 50000, True),     # 60 % of 50,000 = 30,000: both thresholds met exactly
    (29999, 40000, False),    # ≥ 60 % but under 30,000
])
def test_fine_set_within_a_range(fine, maximum, hit):
    m = judged(罚款裁量方式="规定金额", **{"罚款金额（元）": fine, "法定最高罚款（元）": maximum})
    assert (m.kind == BINDING) is hit


@pytest.mark.parametrize("fine, base, hit", [
    (36000, 12000, True), (35999, 12000, False), (29997, 9999, False),  # 3× but under 30,000
])
def test_multiple_for_social_insurance_fraud(fine, base, hit):
    assert (judged(罚款裁量方式="规定倍数", **{"罚款金额（元）": fine, "骗取金额（元）": base}).kind == BINDING) is hit


@pytest.mark.parametrize("workers, fine, hit", [
    (50, 5000, True), (49, 5000, False), (49, 30000, True), (10, 29999, False),  # 50 workers OR 30,000
])
def test_fine_per_worker(workers, fine, hit):
    assert (judged(罚款裁量方式="按人数", **{"罚款金额（元）": fine, "涉及劳动者人数": workers}).kind == BINDING) is hit


@pytest.mark.parametrize("amount, hit", [(500000, True), (499999, False)])
def test_sealing_in_a_case_of_half_a_million(amount, hit):
    assert (judged(SEALING, **{"涉案金额（元）": amount}).kind == BINDING) is hit


OVER = dict(罚款裁量方式="规定金额", **{"罚款金额（元）": 60000, "法定最高罚款（元）": 100000})  # 60 %: attachment 6 met


@pytest.mark.parametrize("level, agency, kind", [
    ("区", "宁夏回族自治区人力资源和社会保障厅", BINDING),   # attachment 6 as written (the region)
    ("市", "银川市人力资源和社会保障局", ADVISORY),          # a city without its own standards: advice
    ("县", "贺兰县人力资源和社会保障局", ADVISORY),          # a county without its own standards: advice
    ("市", "灵武市人力资源和社会保障局", ""),                # its own standard (80 %, 5万) is not met
])
def test_thresholds_at_each_level(level, agency, kind):
    assert judged(level=level, agency=agency, **OVER).kind == kind


def test_a_departments_own_standard_binds_it():
    own = dict(罚款裁量方式="规定金额", **{"罚款金额（元）": 80000, "法定最高罚款（元）": 100000})
    m = judged(level="市", agency="灵武市人力资源和社会保障局", **own)
    assert m.kind == BINDING and "灵武市人社局自定标准" in m.reasons[0]
    just_under = dict(罚款裁量方式="规定金额", **{"罚款金额（元）": 79999, "法定最高罚款（元）": 100000})
    assert judged(level="市", agency="灵武市人力资源和社会保障局", **just_under).kind == ""


def test_revocation_of_a_licence_is_major_at_every_level():
    """L2 (附件5第二条（三）) and L3: revoking a licence is major whatever the amount."""
    for level in ("区", "市", "县"):
        assert judged(level=level, agency="x", 处罚类别=("罚款", "吊销许可证件")).kind == BINDING
    assert judged(level="县", agency="x", 处罚类别=("警告", "罚款")).kind == ""


def test_a_licence_revoked_is_reviewed_by_the_day_of_its_revocation():
    m = judged(LICENCES, level="县", agency="x", 状态="撤销", 状态日期=date(2026, 10, 8), 项目名称="劳务派遣经营许可")
    assert m.kind == BINDING and m.decided == date(2026, 10, 8)
    assert judged(LICENCES, level="县", agency="x", 状态="已变更", 项目名称="劳务派遣经营许可").kind == ""


@pytest.mark.parametrize("party, level, kind", [
    ("港澳台投资企业", "区", BINDING), ("外国人", "区", BINDING), ("无", "区", ""), (None, "区", ""),
    ("外商投资企业", "市", ADVISORY),
])
def test_licences_for_foreign_invested_parties(party, level, kind):
    assert judged(LICENCES, level=level, agency="x", 项目名称="特殊工时工作制审批", 申请人涉外情形=party).kind == kind


HELD = Hearings.of([("银川市人力资源和社会保障局", "宁夏某公司", date(2026, 8, 25), "银人社听〔2026〕2号"),
                    ("银川市人力资源和社会保障局", "宁夏另一公司", date(2026, 3, 1), "银人社听〔2026〕1号")])


@pytest.mark.parametrize("party, decided_offset, kind", [
    ("宁夏某公司", 0, BINDING),       # decided 16 days after the hearing
    ("宁夏另一公司", 0, ""),          # its hearing was 193 days before: another matter
    ("宁夏第三公司", 0, ""),          # no hearing
])
def test_a_penalty_after_a_hearing_in_the_hearings_dataset(party, decided_offset, kind):
    m = judged(level="市", agency="银川市人力资源和社会保障局", hearings=HELD, 行政相对人名称=party)
    assert m.kind == kind
    if kind:
        assert "银人社听〔2026〕2号（2026-08-25）" in m.reasons[0]


@pytest.mark.parametrize("held, hit", [
    (date(2026, 9, 10), True),    # the day of the decision
    (date(2026, 9, 11), False),   # the day after: not before the decision
    (date(2026, 3, 14), True),    # 180 days before
    (date(2026, 3, 13), False),   # 181 days before
])
def test_the_hearing_window(held, hit):
    hearings = Hearings.of([("x", "甲公司", held, "x听〔2026〕1号")])
    assert (judged(level="县", agency="x", hearings=hearings, 行政相对人名称="甲公司").kind == BINDING) is hit


def test_a_penalty_naming_its_hearing():
    assert judged(level="县", agency="x", 听证编号="X人社听[2026]3号").kind == BINDING


def test_check_warns_where_attachment_6_is_advice():
    ds = replace(dataset(), major=PENALTIES)
    advice = {"major": ADVISORY, "major_reason": "罚款 60000 元，达到法定最高罚款 100000 元的 60%"}
    [d] = list(unmarked_major(ds, [record(ds, 7, 文号="银人社监罚〔2026〕9号", 是否重大="否", life=advice)]))
    assert d.code == "W-MAJOR-UNMARKED" and d.spec.rule == "L3" and "罚款 60000 元" in d.message
    assert list(unmarked_major(ds, [record(ds, 7, 文号="银人社监罚〔2026〕9号", 是否重大="是", life=advice)])) == []
    assert list(unmarked_major(ds, [record(ds, 7, 文号="银人社监罚〔2026〕9号", 是否重大="否")])) == []


def test_configuration_is_checked():
    problems = []
    parse_major({"basis": "x", "thresholds": {"range": {"share": 0.5}}, "local": {"某局": {"range": {"maximum": "y"}}},
                 "hearing": {"dataset": "hearings"}, "typo": 1}, "datasets.p.major", problems)
    assert "缺少 datasets.p.major.thresholds.range.maximum（必填）" in problems
    assert "缺少 datasets.p.major.local.某局.basis（法律依据）" in problems  # the department's own standard
    assert "缺少 datasets.p.major.hearing.basis（法律依据）" in problems
    assert any(p.startswith("datasets.p.major.typo 不是可用的设置") for p in problems)
