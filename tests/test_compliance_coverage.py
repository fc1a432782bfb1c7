"""重大劳动保障违法行为 period by period (P9): periods and their labels, 统计期间 as editors
write it, and each state of a cell at the boundaries of its period."""

from datetime import date

import pytest

from generator.compliance.coverage import ANNOUNCED, MISSING, NIL, OPEN, CoverageTally, Period, period_of, read_span
from generator.compliance.timeliness import month_index
from records import dataset, record


@pytest.mark.parametrize("text, span", [
    ("2026年第三季度", ((2026, 7), (2026, 9))), ("2026年第3季度", ((2026, 7), (2026, 9))),
    ("２０２６年第一季度", ((2026, 1), (2026, 3))), ("2026 年 第四季度", ((2026, 10), (2026, 12))),
    ("2026年上半年", ((2026, 1), (2026, 6))), ("2026年下半年", ((2026, 7), (2026, 12))),
    ("2026年", ((2026, 1), (2026, 12))), ("2026年度", ((2026, 1), (2026, 12))),
    ("2026年3月", ((2026, 3), (2026, 3))), ("2026年1月至6月", ((2026, 1), (2026, 6))),
    ("2026年1-3月", ((2026, 1), (2026, 3))),
])
def test_read_span(text, span):
    first, last = span
    assert read_span(text) == (month_index(date(*first, 1)), month_index(date(*last, 1)))


@pytest.mark.parametrize("text", ["上一季度", "2026年第五季度", "2026年13月", "2026年9月至3月", "", None, "CANARY"])
def test_unreadable_spans(text):
    assert read_span(text) is None


def test_periods_and_labels():
    q3 = period_of(date(2026, 8, 15), 3)
    assert (q3.start, q3.end, q3.label) == (date(2026, 7, 1), date(2026, 9, 30), "2026年第三季度")
    h1 = period_of(date(2026, 6, 30), 6)
    assert (h1.start, h1.end, h1.label) == (date(2026, 1, 1), date(2026, 6, 30), "2026年上半年")
    assert period_of(date(2026, 12, 31), 6).label == "2026年下半年"
    assert period_of(date(2026, 2, 1), 12).label == "2026年"
    assert Period(month_index(date(2025, 11, 1)), 4).label == "2025年11月至2026年2月"


MAJOR = dataset("major_violations", key=("文号",), date_field="处理决定日期")
NIL_RETURNS = dataset("nil", key=("统计期间",), internal=True)


def tally(as_of, announcements=(), nil_returns=()):
    t = CoverageTally(as_of, "处理决定日期", "统计期间", keep_dates=True)
    for decided, published in announcements:
        t.add_announcement(record(MAJOR, published=published, agency="甲", 文号="x", 处理决定日期=decided))
    for period, published in nil_returns:
        t.add_nil_return(record(NIL_RETURNS, published=published, agency="甲", 统计期间=period))
    return t.result([("甲", "县"), ("区厅", "区"), ("乙", "乡")], {"县": 3, "区": 6}, 12, "P9")


def states(coverage, agency="甲"):
    row = next(r for r in coverage.rows if r.agency == agency)
    return [(c.period.label, c.state, c.announced, c.nil) for c in row.cells]


def test_a_quarter_is_announced_by_its_decisions_or_a_nil_return_else_missing_once_ended():
    c = tally(date(2026, 9, 30), announcements=[(date(2026, 2, 10), date(2026, 4, 10)),   # Q1, announced in Q2
                                                (date(2026, 3, 31), date(2026, 4, 10))],
              nil_returns=[("2026年第二季度", date(2026, 7, 10))])
    got = states(c)
    assert got[0] == ("2025年第四季度", MISSING, 0, 0)          # ended, nothing: 未公布
    assert got[1:] == [("2026年第一季度", ANNOUNCED, 2, 0), ("2026年第二季度", NIL, 0, 1),
                       ("2026年第三季度", OPEN, 0, 0)]           # the last day of the quarter: not over yet
    assert states(tally(date(2026, 10, 1)))[-2] == ("2026年第三季度", MISSING, 0, 0)  # the day after


def test_what_is_not_yet_public_or_withdrawn_does_not_count():
    c = tally(date(2026, 4, 9), announcements=[(date(2026, 2, 10), date(2026, 4, 10))],
              nil_returns=[("2026年第一季度", date(2026, 4, 10))])
    assert states(c)[-2] == ("2026年第一季度", MISSING, 0, 0)
    t = CoverageTally(date(2026, 5, 1), "处理决定日期", "统计期间")
    t.add_announcement(record(MAJOR, published=date(2026, 4, 10), status="撤销", status_on=date(2026, 4, 20),
                              agency="甲", 文号="x", 处理决定日期=date(2026, 2, 10)))
    assert t.announced == {}


def test_a_half_year_statement_covers_both_quarters_and_an_unreadable_one_the_period_before():
    c = tally(date(2026, 11, 30), nil_returns=[("2026年上半年", date(2026, 7, 10)), ("本期", date(2026, 10, 9))])
    assert [s for _, s, _, _ in states(c)] == [MISSING, NIL, NIL, NIL, OPEN]  # Q4 2025 … Q4 2026


def test_departments_without_a_rhythm_are_not_listed_and_the_region_goes_by_half_years():
    c = tally(date(2026, 11, 30), announcements=[])  # the window: December 2025 to November 2026
    assert [r.agency for r in c.rows] == ["甲", "区厅"]
    assert [cell.period.label for cell in c.rows[1].cells] == ["2025年下半年", "2026年上半年", "2026年下半年"]
    assert c.counts == {ANNOUNCED: 0, NIL: 0, MISSING: 6, OPEN: 2}


def test_statement_dates_are_kept_only_where_they_may_be_shown():
    t = CoverageTally(date(2026, 8, 1), "处理决定日期", "统计期间")  # keep_dates False: the public page
    t.add_nil_return(record(NIL_RETURNS, published=date(2026, 7, 10), agency="甲", 统计期间="2026年第二季度"))
    cell = t.result([("甲", "县")], {"县": 3}, 12, "P9").rows[0].cells[-2]
    assert (cell.state, cell.nil, cell.nil_on) == (NIL, 1, ())


def test_tables_by_rhythm_and_the_statements_newest_first():
    c = tally(date(2026, 11, 30), nil_returns=[("2026年上半年", date(2026, 7, 10))])
    assert [(t["months"], [r.agency for r in t["rows"]]) for t in c.by_rhythm()] == [(6, ["区厅"]), (3, ["甲"])]
    assert c.statements() == [("2026年第二季度", ["甲"]), ("2026年第一季度", ["甲"])]
