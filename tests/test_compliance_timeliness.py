"""公示及时率 (P8), defined once in generator/compliance/timeliness.py: each outcome at the day
before, of and after its deadline, across the make-up Saturday (C1–C3), the rate's rounding, the
window of months and quarters, and the other working-day terms (P5.3) by duty_outcome."""

from datetime import date

import pytest

from generator.compliance.common import Outcome
from generator.compliance.duties import duty_outcome
from generator.compliance.timeliness import Counts, Tally, publication_outcome
from generator.config import Deadline, Duty
from records import CALENDAR, dataset, record

DL = date(2026, 2, 14)  # the 7th working day after 2026-02-05: a make-up working Saturday (C3)
PENALTIES = dataset(deadline=Deadline("决定日期", 7, "7 个工作日"))


def life(published=None, reviewed="same", deadline=DL, status="", status_on=None):
    r = record(PENALTIES, published=published, reviewed=published if reviewed == "same" else reviewed,
               deadline=deadline, status=status, status_on=status_on, 文号="1", 决定日期=date(2026, 2, 5))
    return r.life


def test_the_deadline_falls_on_the_make_up_saturday():
    assert CALENDAR.deadline(date(2026, 2, 5), 7) == (DL, False)


@pytest.mark.parametrize("published, outcome, days", [
    (date(2026, 2, 13), Outcome.ON_TIME, 0),  # the day before
    (DL, Outcome.ON_TIME, 0),                 # the last day is on time (P2.2)
    (date(2026, 2, 24), Outcome.LATE, 1),     # the first working day after the Spring Festival
    (date(2026, 2, 26), Outcome.LATE, 3),     # 24, 25, 26
])
def test_published_records(published, outcome, days):
    assert publication_outcome(life(published), date(2026, 3, 10), CALENDAR) == (outcome, days)


@pytest.mark.parametrize("as_of, expected", [
    (date(2026, 2, 13), (Outcome.PENDING, 0)),  # the day before: not yet due
    (DL, (Outcome.PENDING, 0)),                 # the last day: may still be published on time
    (date(2026, 2, 15), (Outcome.OVERDUE, 0)),  # the day after is a holiday: 0 working days yet
    (date(2026, 2, 24), (Outcome.OVERDUE, 1)),
])
def test_unpublished_records_at_the_deadline(as_of, expected):
    assert publication_outcome(life(), as_of, CALENDAR) == expected


def test_published_but_unreviewed_is_not_shown_so_overdue_as_the_check_says():
    assert publication_outcome(life(date(2026, 2, 10), reviewed=None), date(2026, 3, 10), CALENDAR)[0] \
        is Outcome.OVERDUE


def test_a_publication_date_after_the_as_of_date_is_not_yet_a_publication():
    assert publication_outcome(life(date(2026, 3, 20)), date(2026, 3, 10), CALENDAR) == (Outcome.OVERDUE, 12)


def test_withdrawn_before_shown_does_not_count_and_no_deadline_does_not_count():
    assert publication_outcome(life(status="撤销", status_on=date(2026, 2, 20)), date(2026, 3, 10), CALENDAR) is None
    assert publication_outcome(life(deadline=None), date(2026, 3, 10), CALENDAR) is None


@pytest.mark.parametrize("on_time, late, overdue, rate", [
    (7, 2, 1, "70.0%"), (2, 0, 1, "66.7%"), (8, 2, 1, "72.7%"), (1, 2, 0, "33.3%"),
    (1, 7, 0, "12.5%"),   # exactly half a per mille: rounded up
    (0, 0, 1, "0.0%"), (0, 0, 0, "—"),
])
def test_rate_rounds_half_up_to_one_decimal(on_time, late, overdue, rate):
    assert Counts(on_time, late, overdue).rate == rate


def test_counts_add_up_with_the_longest_delays():
    a, b = Counts(), Counts()
    a.add(Outcome.LATE, 1)
    a.add(Outcome.OVERDUE, 3)
    b.add(Outcome.LATE, 3)
    b.add(Outcome.PENDING, 0)
    a += b
    assert (a.late, a.late_days, a.late_max, a.overdue, a.overdue_max, a.pending, a.due) == (2, 4, 3, 1, 3, 1, 3)


def test_tally_window_and_quarters():
    """12 months ending with the as-of month; 4 quarters ending with the current one, which counts
    its months up to the as-of month only; records come in by the month of their deadline."""
    tally = Tally(date(2026, 2, 10), CALENDAR, months=12)
    for deadline, published in [(date(2025, 2, 28), date(2025, 2, 1)),    # before the window: out
                                (date(2025, 3, 5), date(2025, 3, 9)),     # first month: late
                                (date(2026, 1, 9), date(2026, 1, 9)),     # on time
                                (date(2026, 2, 9), None),                 # overdue
                                (date(2026, 3, 2), date(2026, 2, 1))]:    # next month: not yet shown
        ds = dataset(deadline=Deadline("决定日期", 7, "b"))
        tally.add(ds, record(ds, published=published, reviewed=published, deadline=deadline, agency="甲", 文号="x"))
    t = tally.result(["甲", "乙"], [("penalties", "行政处罚结果")])
    assert t.months[0] == (2025, 3) and t.months[-1] == (2026, 2) and len(t.months) == 12
    assert t.quarters == ((2025, 2), (2025, 3), (2025, 4), (2026, 1))
    assert (t.region.total.on_time, t.region.total.late, t.region.total.overdue) == (1, 1, 1)
    assert t.region.months[0].late == 1 and t.region.months[-1].overdue == 1
    assert (t.region.quarters[-1].on_time, t.region.quarters[-1].overdue) == (1, 1)  # March not yet
    assert [r.label for r in t.agencies] == ["甲", "乙"] and t.agencies[1].total.rate == "—"


def test_due_soon_is_bounded_and_counted():
    tally = Tally(date(2026, 3, 10), CALENDAR, months=12, horizon=date(2026, 4, 9), limit=2)
    ds = dataset(deadline=Deadline("决定日期", 7, "b"))
    for i, day in enumerate([20, 12, 16, 11]):
        tally.add(ds, record(ds, line=i + 2, deadline=date(2026, 3, day), agency="甲", 文号=str(i)))
    tally.add(ds, record(ds, line=9, deadline=date(2026, 4, 10), agency="甲", 文号="late"))  # beyond the horizon
    t = tally.result(["甲"], [("penalties", "p")])
    assert t.due_soon_total == 4
    assert [d.deadline.day for d in t.due_soon] == [11, 12]


SUGGESTIONS = dataset("correction_suggestions", key=("建议编号",), internal=True)
ANSWER = Duty("correction", "correction_suggestions", "收到日期", "答复日期", 10, "10 个工作日")


@pytest.mark.parametrize("received, answered, as_of, expected", [
    (date(2026, 2, 5), date(2026, 2, 26), date(2026, 3, 10), (Outcome.ON_TIME, 0)),  # the last day
    (date(2026, 2, 5), date(2026, 2, 27), date(2026, 3, 10), (Outcome.LATE, 1)),
    (date(2026, 2, 2), None, date(2026, 3, 10), (Outcome.OVERDUE, 12)),              # due on the make-up Saturday
    (date(2026, 3, 2), None, date(2026, 3, 16), (Outcome.PENDING, 0)),               # the last day
    (date(2026, 3, 2), None, date(2026, 3, 17), (Outcome.OVERDUE, 1)),
    (date(2026, 3, 2), date(2026, 3, 20), date(2026, 3, 10), (Outcome.PENDING, 0)),  # answered after the as-of date
])
def test_duty_outcome(received, answered, as_of, expected):
    r = record(SUGGESTIONS, 建议编号="JC-1", 收到日期=received, 答复日期=answered)
    assert duty_outcome(ANSWER, r, as_of, CALENDAR)[:2] == expected


def test_duty_outcome_does_not_apply_before_its_start_or_without_it():
    assert duty_outcome(ANSWER, record(SUGGESTIONS, 建议编号="1", 收到日期=date(2026, 4, 1), 答复日期=None),
                        date(2026, 3, 10), CALENDAR) is None
    assert duty_outcome(ANSWER, record(SUGGESTIONS, 建议编号="1", 收到日期=None, 答复日期=None),
                        date(2026, 3, 10), CALENDAR) is None
