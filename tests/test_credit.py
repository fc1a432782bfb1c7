"""NDRC Order 36 (P10): the 失信程度 of a penalty (P10.1), its periods per channel within the
order's bounds (P10.2) — boundary days of each minimum and maximum, on the portal and on the
credit channel — and credit repair (P10.3, P10.4)."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from generator.config import Period, PeriodRule
from generator.config.law import CreditConfig
from generator.config.options import At, Section
from generator.credit import CREDITCHINA, PORTAL, classify
from generator.history import history
from generator.stages.validate import law_problems, lifecycle
from generator.visibility import Visibility, visibility
from records import CALENDAR, dataset

LAW = "《信用修复管理办法》"
CREDIT = {
    "column": "失信程度", "since": "2026-04-01", "basis": LAW, "default": "一般",
    "rules": [
        {"class": "轻微", "when": {"处罚程序": "简易程序"}, "basis": "简易程序"},
        {"class": "轻微", "only": {"处罚类别": ["警告", "通报批评"]}, "basis": "仅警告、通报批评"},
        {"class": "严重", "when": {"处罚类别": ["吊销许可证件", "限制从业"]}, "basis": "吊销、限制从业"},
        {"class": "严重", "amount": {"column": "罚款金额（元）", "at_least": {"区": 500000, "市": 300000, "县": 200000}},
         "basis": "巨额罚款"},
    ],
    "classes": {
        "轻微": {"creditchina": None, "repair_after": {"months": 0}, "basis": LAW},
        "一般": {"creditchina": {"years": 1}, "repair_after": {"months": 3}, "basis": LAW},
        "严重": {"creditchina": {"years": 3}, "repair_after": {"years": 1}, "basis": LAW},
    },
    "repair": {"number": "信用修复决定文号", "date": "信用修复日期", "body": "信用修复决定机关",
               "ends": ["creditchina", "portal"], "page": "gone", "basis": "第三条", "portal_basis": "第三条"},
}
DECIDED = date(2026, 5, 10)


def parse_credit(spec, where, problems):
    """The ``credit:`` block read by its declarations; problems (messages) go to ``problems``."""
    at = At(tuple(where.split(".")))
    credit = Section(CreditConfig).parse(spec, at)
    problems += [message for _, message in at.problems]
    return credit


def config(**changes):
    spec = {**CREDIT, **changes}
    problems = []
    credit = parse_credit(spec, "datasets.penalties.credit", problems)
    assert problems == [], problems
    period = Period("处罚决定日期", None, PeriodRule(1, 0, "附件2第18项：1年"),
                    (PeriodRule(3, 0, "附件2第18项：重大3年", (("是否重大", "是"),)),))
    return replace(dataset(), period=period, credit=credit)


PENALTIES = config()


def life_of(ds=PENALTIES, level="市", decided=DECIDED, **values):
    values = {"处罚决定日期": decided, "公示日期": decided + timedelta(days=2), "保密审查日期": decided + timedelta(days=1),
              "是否重大": "否", **{k: Decimal(v) if isinstance(v, int) else v for k, v in values.items()}}
    return lifecycle(values.get, ds, CALENDAR, level)


# ---------------------------------------------------------------- classes (P10.1)

@pytest.mark.parametrize("values, level, klass", [
    ({"处罚类别": ("警告",)}, "区", "轻微"),
    ({"处罚类别": ("警告", "通报批评")}, "县", "轻微"),
    ({"处罚类别": ("罚款",), "处罚程序": "简易程序", "罚款金额（元）": 200}, "市", "轻微"),
    ({"处罚类别": ("警告", "罚款"), "罚款金额（元）": 3600}, "县", "一般"),       # a fine too: not warnings only
    ({"处罚类别": ("罚款", "吊销许可证件"), "罚款金额（元）": 40000}, "市", "严重"),
    ({"处罚类别": ("罚款",), "罚款金额（元）": 300000}, "市", "严重"),           # the city's threshold, exactly
    ({"处罚类别": ("罚款",), "罚款金额（元）": 299999}, "市", "一般"),
    ({"处罚类别": ("罚款",), "罚款金额（元）": 300000}, "区", "一般"),           # the region's is higher
    ({"处罚类别": ("罚款",), "罚款金额（元）": 200000}, "县", "严重"),
    ({"处罚类别": ("罚款",), "处罚程序": "简易程序", "罚款金额（元）": 500000}, "区", "严重"),  # most severe wins
])
def test_classes_by_rule_and_level(values, level, klass):
    values = {k: Decimal(v) if isinstance(v, int) else v for k, v in values.items()}
    assert classify(PENALTIES.credit, values.get, level)[0] == klass


def test_the_departments_entry_overrides_and_the_reason_says_so():
    get = {"处罚类别": ("罚款", "吊销许可证件"), "失信程度": "一般"}.get
    klass, why = classify(PENALTIES.credit, get, "市")
    assert klass == "一般" and why.startswith("执法机关认定") and "按划分规则为“严重”" in why
    klass, why = classify(PENALTIES.credit, {"处罚类别": ("警告",)}.get, "市")
    assert klass == "轻微" and "处罚类别仅为警告" in why and "仅警告、通报批评" in why


# ---------------------------------------------------------------- bounds (P10.2)

@pytest.mark.parametrize("klass, term, ok", [
    ("轻微", {"months": 3}, True), ("轻微", {"months": 4}, False),
    ("一般", {"months": 3}, True), ("一般", {"months": 2}, False), ("一般", {"years": 1}, True),
    ("一般", {"years": 1, "months": 1}, False),
    ("严重", {"years": 1}, True), ("严重", {"months": 11}, False), ("严重", {"years": 3}, True),
    ("严重", {"years": 3, "months": 1}, False),
])
def test_a_period_outside_the_orders_bounds_is_refused(klass, term, ok):
    classes = {**CREDIT["classes"], klass: {**CREDIT["classes"][klass], "creditchina": term,
                                           "repair_after": {"months": 0 if klass == "轻微" else min(
                                               (3, 12)[klass == "严重"], term.get("years", 0) * 12 + term.get("months", 0))}}}
    problems = []
    parse_credit({**CREDIT, "classes": classes}, "datasets.penalties.credit", problems)
    assert (problems == []) is ok, problems
    assert all("超出法定范围" in p and "P10.2" in p for p in problems if "repair_after" not in p), problems


@pytest.mark.parametrize("klass, after, ok", [("一般", {"months": 2}, False), ("一般", {"months": 3}, True),
                                              ("严重", {"months": 11}, False), ("严重", {"years": 2}, True),
                                              ("一般", {"months": 13}, False)])  # longer than its publication
def test_the_repair_minimum_cannot_be_shortened(klass, after, ok):
    classes = {**CREDIT["classes"], klass: {**CREDIT["classes"][klass], "repair_after": after}}
    problems = []
    parse_credit({**CREDIT, "classes": classes}, "c", problems)
    assert (problems == []) is ok, problems


def test_other_configuration_mistakes():
    problems = []
    parse_credit({**CREDIT, "classes": {**CREDIT["classes"], "较重": {}},
                  "repair": {**CREDIT["repair"], "ends": ["portal"], "page": "410"}}, "c", problems)
    assert any("classes.较重 只能是 轻微 / 一般 / 严重" in p for p in problems)
    assert any("必须含 creditchina" in p for p in problems)
    assert any("page 只能是" in p for p in problems)
    problems = []
    parse_credit({**CREDIT, "classes": {**CREDIT["classes"], "一般": {"creditchina": {"years": 1}, "basis": LAW,
                                                                    "portal": {"months": 2, "basis": "x"}}}},
                 "c", problems)
    assert any("portal 为 2 个月，短于最短公示期" in p for p in problems)


# ---------------------------------------------------------------- boundary days per class and channel (P10.2)

def shown(life, day, channel):
    return visibility(life, day, channel) is Visibility.LISTED


def around(last: date):
    """(day, shown?) for the day before, of and after a last day."""
    return [(last - timedelta(days=1), True), (last, True), (last + timedelta(days=1), False)]


def test_general_class_one_year_on_both_channels():
    life = life_of(处罚类别=("罚款",), **{"罚款金额（元）": 20000})
    assert (life.credit_class, life.credit_last_day, life.last_day) == ("一般", date(2027, 5, 10), date(2027, 5, 10))
    for channel in (PORTAL, CREDITCHINA):
        assert [shown(life, d, channel) for d, _ in around(date(2027, 5, 10))] == [s for _, s in around(date(2027, 5, 10))]


def test_serious_class_three_years_on_the_credit_channel_as_on_the_portal_for_a_major_penalty():
    life = life_of(处罚类别=("罚款", "吊销许可证件"), 是否重大="是", **{"罚款金额（元）": 40000})
    assert (life.credit_class, life.credit_last_day, life.last_day) == ("严重", date(2029, 5, 10), date(2029, 5, 10))
    for channel in (PORTAL, CREDITCHINA):
        assert [shown(life, d, channel) for d, _ in around(date(2029, 5, 10))] == [True, True, False]


def test_the_credit_channel_never_outlasts_the_portal():
    life = life_of(处罚类别=("罚款", "吊销许可证件"), **{"罚款金额（元）": 40000})  # 严重, not flagged major: portal 1 year
    assert life.last_day == date(2027, 5, 10) and life.credit_last_day == date(2027, 5, 10)


def test_minor_class_is_not_sent_and_stays_on_the_portal():
    life = life_of(处罚类别=("警告",))
    assert life.credit_class == "轻微" and not life.credit_sent and life.credit_label == "不报送"
    for day in (DECIDED + timedelta(days=2), date(2026, 8, 10), date(2027, 5, 10)):
        assert visibility(life, day, CREDITCHINA) is Visibility.WITHHELD
        assert history(life, (), day, CREDITCHINA) == ()
    assert [shown(life, d, PORTAL) for d, _ in around(date(2027, 5, 10))] == [True, True, False]


def test_minor_class_sent_for_three_months_when_configured():
    classes = {**CREDIT["classes"], "轻微": {**CREDIT["classes"]["轻微"], "creditchina": {"months": 3}}}
    life = life_of(config(classes=classes), 处罚类别=("警告",))
    assert life.credit_last_day == date(2026, 8, 10)
    assert [shown(life, d, CREDITCHINA) for d, _ in around(date(2026, 8, 10))] == [True, True, False]
    assert shown(life, date(2026, 8, 11), PORTAL)  # the portal keeps the regulation's year


def test_general_class_at_its_minimum_of_three_months():
    classes = {**CREDIT["classes"], "一般": {**CREDIT["classes"]["一般"], "creditchina": {"months": 3}}}
    life = life_of(config(classes=classes), 处罚类别=("罚款",), **{"罚款金额（元）": 20000})
    assert [shown(life, d, CREDITCHINA) for d, _ in around(date(2026, 8, 10))] == [True, True, False]
    events = history(life, (), date(2026, 8, 11), CREDITCHINA)
    assert events[-1].kind == "公示期满" and events[-1].on == date(2026, 8, 11) and events[-1].gone


def test_a_class_with_its_own_portal_period():
    classes = {**CREDIT["classes"], "轻微": {**CREDIT["classes"]["轻微"], "portal": {"months": 6, "basis": "本厅规定"}}}
    ds = config(classes=classes)
    life = life_of(ds, 处罚类别=("警告",))
    assert life.last_day == date(2026, 11, 10) and life.period_label == "6 个月"
    assert life_of(ds, 处罚类别=("警告",), 是否重大="是").last_day == date(2029, 5, 10)  # L5 still wins (P2.5)


def test_decisions_before_the_order_keep_the_portals_period_on_the_credit_channel():
    life = life_of(decided=date(2026, 3, 31), 处罚类别=("警告",))
    assert life.credit_class == "轻微" and life.credit_sent and life.credit_last_day == date(2027, 3, 31)
    life = life_of(decided=date(2026, 4, 1), 处罚类别=("警告",))
    assert not life.credit_sent


# ---------------------------------------------------------------- repair (P10.3, P10.4)

REPAIR = {"信用修复决定文号": "吴人社信复〔2026〕1号", "信用修复决定机关": "吴忠市人力资源和社会保障局"}


@pytest.mark.parametrize("klass_values, minimum_last", [
    ({"处罚类别": ("罚款",), "罚款金额（元）": 20000}, date(2026, 8, 10)),                 # 一般: 3 months
    ({"处罚类别": ("罚款", "吊销许可证件"), "罚款金额（元）": 40000}, date(2027, 5, 10)),   # 严重: 1 year
])
def test_repair_before_and_after_the_minimum(klass_values, minimum_last):
    for repaired, early in ((minimum_last, True), (minimum_last + timedelta(days=1), False)):
        values = {**klass_values, **REPAIR, "信用修复日期": repaired}
        life = life_of(**values)
        assert life.repair_from == minimum_last + timedelta(days=1)
        values = {"处罚决定日期": DECIDED, **{k: Decimal(v) if isinstance(v, int) else v for k, v in values.items()}}
        found = [code for code, *_ in law_problems(values.get, PENALTIES, life, _no_major())]
        assert found == (["E-REPAIR-EARLY"] if early else []), repaired


def test_a_minor_penalty_may_be_repaired_the_day_after_its_decision():
    life = life_of(处罚类别=("警告",), 信用修复日期=DECIDED + timedelta(days=1), **REPAIR)
    assert life.repair_from == DECIDED + timedelta(days=1)


def test_a_repair_needs_its_number_date_and_body():
    values = {"处罚类别": ("罚款",), "罚款金额（元）": Decimal(20000), "信用修复日期": date(2026, 9, 1),
              "信用修复决定文号": "吴人社信复〔2026〕1号"}
    life = life_of(**values)
    found = list(law_problems({"处罚决定日期": DECIDED, **values}.get, PENALTIES, life, _no_major()))
    assert [(code, column) for code, column, _ in found] == [("E-REPAIR-INCOMPLETE", "信用修复决定机关")]


def test_repair_ends_publication_on_the_configured_channels():
    repaired = date(2026, 9, 15)
    life = life_of(处罚类别=("罚款",), 信用修复日期=repaired, **REPAIR, **{"罚款金额（元）": 20000})
    for channel in (PORTAL, CREDITCHINA):
        assert visibility(life, repaired - timedelta(days=1), channel) is Visibility.LISTED
        assert visibility(life, repaired, channel) is Visibility.REPAIRED
        [*_, last] = history(life, (), repaired, channel)
        assert (last.kind, last.on, last.gone) == ("信用修复", repaired, True)
    credit_only = config(repair={**CREDIT["repair"], "ends": ["creditchina"]})
    life = life_of(credit_only, 处罚类别=("罚款",), 信用修复日期=repaired, **REPAIR, **{"罚款金额（元）": 20000})
    assert visibility(life, repaired, PORTAL) is Visibility.LISTED
    assert visibility(life, repaired, CREDITCHINA) is Visibility.REPAIRED


def _no_major():
    from generator.major import Major
    return Major()
