"""Deadlines other than publication (P6 withdrawal 3 wd, P5.3 correction answer 10 wd, L4 legal
review 7 wd): open past the deadline is an error, done late a warning with the working days late.
Boundaries: the last working day and the day after, across the 2025 National Day holiday and its
make-up Saturday (2025-10-11), and in a year missing from the calendar."""

from datetime import date

import pytest

from generator.calendar import WorkCalendar
from generator.compliance.duties import duty_findings
from generator.compliance.settings import Duty
from records import CALENDAR, dataset, record

PENALTIES = dataset()
CORRECTIONS = dataset("correction_suggestions", key=("建议编号",), internal=True)
WITHDRAWAL = Duty("withdrawal", "penalties", "状态日期", "撤回日期", 3, "行政处罚法第四十八条",
                  (("状态", ("撤销", "已变更", "确认违法", "确认无效")),))
CORRECTION = Duty("correction", "correction_suggestions", "收到日期", "答复日期", 10, "附件1第十四条")
REVIEW = Duty("legal_review", "penalties", "法制审核收件日期", "法制审核日期", 7, "附件5第八条")


def withdrawal(as_of, status="撤销", done=None, changed=date(2025, 9, 30), calendar=CALENDAR):
    r = record(PENALTIES, 9, status=status, 文号="青人社监罚〔2025〕5号", 状态=status, 状态日期=changed, 撤回日期=done)
    return list(duty_findings(WITHDRAWAL, PENALTIES, [r], as_of, calendar))


# revoked Tuesday 2025-09-30: 10/1–10/8 off; 10/9 = 1, 10/10 = 2, 10/11 (Saturday, make-up) = 3
@pytest.mark.parametrize("as_of, codes", [
    (date(2025, 10, 10), []),                          # the day before the deadline
    (date(2025, 10, 11), []),                          # the make-up Saturday: the last day
    (date(2025, 10, 13), ["E-WITHDRAWAL-OVERDUE"]),    # the next working day
])
def test_withdrawal_still_open(as_of, codes):
    found = withdrawal(as_of)
    assert [d.code for d in found] == codes
    if found:
        params = dict(found[0].params)
        assert params["deadline"] == "2025-10-11" and params["days"] == 1 and found[0].spec.rule == "P6"


@pytest.mark.parametrize("done, codes, days", [
    (date(2025, 10, 11), [], None),                     # withdrawn on the make-up Saturday: on time
    (date(2025, 10, 13), ["W-WITHDRAWAL-LATE"], 1),     # Monday after: one working day late
    (date(2025, 10, 15), ["W-WITHDRAWAL-LATE"], 3),
])
def test_withdrawal_done(done, codes, days):
    found = withdrawal(date(2025, 12, 1), done=done)
    assert [d.code for d in found] == codes
    if found:
        assert dict(found[0].params)["days"] == days and dict(found[0].params)["done"] == done.isoformat()


def test_weekdays_alone_would_be_wrong():
    """Counted on Monday–Friday only, the 3 working days would end on 2025-10-03."""
    weekdays_only = WorkCalendar({})
    assert [d.code for d in withdrawal(date(2025, 10, 6), calendar=weekdays_only)] == ["E-WITHDRAWAL-OVERDUE"]
    assert withdrawal(date(2025, 10, 6)) == []  # on the real calendar, still within the term


@pytest.mark.parametrize("status", ["已更正", "撤下", "", "正常"])
def test_only_changes_through_review_or_litigation_count(status):
    """P6 covers 变更、撤销、确认违法、确认无效; a correction (P5.1) or a take-down (P5.2) does not."""
    assert withdrawal(date(2025, 12, 1), status=status) == []


def test_withdrawal_dated_after_as_of_is_not_yet_done():
    assert [d.code for d in withdrawal(date(2025, 10, 13), done=date(2025, 10, 14))] == ["E-WITHDRAWAL-OVERDUE"]


# received Friday 2025-09-26: 9/28 (Sunday, make-up) = 1 … 10/16 = 10 (see test_calendar)
@pytest.mark.parametrize("answered, as_of, codes", [
    (None, date(2025, 10, 16), []),
    (None, date(2025, 10, 17), ["E-CORRECTION-OVERDUE"]),
    (date(2025, 10, 16), date(2025, 12, 1), []),
    (date(2025, 10, 17), date(2025, 12, 1), ["W-CORRECTION-LATE"]),
])
def test_correction_answer_within_10_working_days(answered, as_of, codes):
    r = record(CORRECTIONS, 4, 建议编号="JC-2025-009", 收到日期=date(2025, 9, 26), 答复日期=answered)
    found = list(duty_findings(CORRECTION, CORRECTIONS, [r], as_of, CALENDAR))
    assert [d.code for d in found] == codes
    assert all(d.spec.rule == "P5.3" and dict(d.params)["deadline"] == "2025-10-16" for d in found)


# received Friday 2026-07-24: 7/27 = 1 … 8/4 = 7
@pytest.mark.parametrize("reviewed, codes", [
    (date(2026, 8, 3), []), (date(2026, 8, 4), []), (date(2026, 8, 5), ["W-REVIEW-LATE"]),
])
def test_legal_review_within_7_working_days(reviewed, codes):
    r = record(PENALTIES, 18, 文号="石人社监罚〔2026〕8号", 法制审核收件日期=date(2026, 7, 24), 法制审核日期=reviewed)
    found = list(duty_findings(REVIEW, PENALTIES, [r], date(2026, 11, 29), CALENDAR))
    assert [d.code for d in found] == codes and all(d.spec.rule == "L4" for d in found)


def test_deadline_in_a_year_missing_from_the_calendar_is_provisional():
    """C4: counted on weekdays, and the year is reported (W-CALENDAR from run_check)."""
    cal = WorkCalendar.load()
    r = record(CORRECTIONS, 4, 建议编号="JC-2026-099", 收到日期=date(2026, 12, 28), 答复日期=None)
    found = list(duty_findings(CORRECTION, CORRECTIONS, [r], date(2027, 1, 12), cal))
    # weekdays only (2027 unknown): 12/29, 12/30, 12/31, 1/1, 1/4 … 1/8, 1/11 = 10
    assert [dict(d.params)["deadline"] for d in found] == ["2027-01-11"]
    assert 2027 in cal.provisional_years


# ---------------------------------------------------------------- L4: an extension, a return and a resubmission

EXTENDED = Duty("legal_review", "penalties", "法制审核收件日期", "法制审核日期", 7, "附件5第八条", (),
                returned="法制审核退回日期", restart="重新报送日期",
                extension={"days": "法制审核延长工作日", "approved": "法制审核延长批准日期"})
RECEIVED = date(2026, 11, 2)   # Monday: 7 wd → Wednesday 2026-11-11; 5 more → Wednesday 2026-11-18


def reviewed(as_of, done=None, **columns):
    r = record(PENALTIES, 12, 文号="银人社监罚〔2026〕25号", 法制审核收件日期=RECEIVED, 法制审核日期=done, **columns)
    return [(d.code, dict(d.params)["deadline"]) for d in duty_findings(EXTENDED, PENALTIES, [r], as_of, CALENDAR)]


@pytest.mark.parametrize("as_of, found", [
    (date(2026, 11, 17), []),                                        # the day before the extended deadline
    (date(2026, 11, 18), []),                                        # its last day
    (date(2026, 11, 19), [("E-REVIEW-OVERDUE", "2026-11-18")]),     # the day after
])
def test_an_approved_extension_moves_the_deadline(as_of, found):
    assert reviewed(as_of, 法制审核延长工作日=5, 法制审核延长批准日期=date(2026, 11, 10)) == found


@pytest.mark.parametrize("approved, found", [
    (date(2026, 11, 11), []),                                        # approved on the term's last day: counts
    (date(2026, 11, 12), [("E-REVIEW-OVERDUE", "2026-11-11")]),     # approved after the term: does not
])
def test_an_extension_counts_only_when_approved_within_the_term(approved, found):
    found_ = reviewed(date(2026, 11, 13), 法制审核延长工作日=5, 法制审核延长批准日期=approved)
    assert found_ == found


@pytest.mark.parametrize("done, found", [
    (date(2026, 11, 18), []),
    (date(2026, 11, 19), [("W-REVIEW-LATE", "2026-11-18")]),
])
def test_done_within_or_after_the_extension(done, found):
    assert reviewed(date(2026, 12, 1), done, 法制审核延长工作日=5, 法制审核延长批准日期=date(2026, 11, 5)) == found


@pytest.mark.parametrize("as_of, found", [
    (date(2026, 11, 20), []),                                        # resubmitted 11-11: 7 wd → 11-20, its last day
    (date(2026, 11, 23), [("E-REVIEW-OVERDUE", "2026-11-20")]),     # the next working day
])
def test_a_resubmitted_file_starts_the_term_again(as_of, found):
    assert reviewed(as_of, 法制审核退回日期=date(2026, 11, 4), 重新报送日期=date(2026, 11, 11)) == found


def test_a_file_sent_back_stops_the_term_until_it_comes_again():
    assert reviewed(date(2026, 12, 20), 法制审核退回日期=date(2026, 11, 4)) == []
    # sent back only after the term had run out: it was late already
    assert reviewed(date(2026, 12, 20), 法制审核退回日期=date(2026, 11, 13)) == [("W-REVIEW-LATE", "2026-11-11")]
