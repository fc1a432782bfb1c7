"""应公示不公示 (P1, P8): an unpublished record past its deadline is an error of the check, from the
day after the deadline; published late is W-LATE with the working days late (validate stage)."""

from datetime import date

import pytest

from generator.compliance.publication import overdue_publications
from generator.config import Deadline
from records import CALENDAR, dataset, record

DS = dataset(deadline=Deadline("决定日期", 7, "附件2第18项：7个工作日"))
# decided Monday 2026-11-02: the 7th working day after it is Wednesday 11-11 (P2.2)
DECIDED, DEADLINE = date(2026, 11, 2), date(2026, 11, 11)


def overdue(as_of, **life):
    r = record(DS, 5, deadline=DEADLINE, 文号="银人社监罚〔2026〕30号", 决定日期=DECIDED, **life)
    return list(overdue_publications(DS, [r], as_of, CALENDAR))


@pytest.mark.parametrize("as_of, expected", [
    (date(2026, 11, 10), 0),   # the day before the deadline
    (date(2026, 11, 11), 0),   # the last day: publishing today is on time
    (date(2026, 11, 12), 1),   # the day after: 应公示不公示
])
def test_unpublished_past_the_deadline_is_an_error_from_the_day_after(as_of, expected):
    found = overdue(as_of)
    assert len(found) == expected
    if found:
        d = found[0]
        assert d.severity.value == "error" and d.spec.rule == "P8" and d.location() == "data/penalties.csv:5"
        params = dict(d.params)
        assert params["deadline"] == "2026-11-11" and params["start"] == "2026-11-02" and params["days"] == 1
        assert params["dataset"] == "penalties" and params["record"] == "银人社监罚〔2026〕30号"


def test_unreviewed_counts_as_unpublished():
    assert len(overdue(date(2026, 11, 20), published=date(2026, 11, 5))) == 1  # no review: not shown (P4)


def test_published_record_is_not_overdue():
    assert overdue(date(2026, 11, 20), published=date(2026, 11, 5), reviewed=date(2026, 11, 5)) == []


def test_publication_dated_in_the_future_is_still_overdue_today():
    assert len(overdue(date(2026, 11, 20), published=date(2026, 11, 25), reviewed=date(2026, 11, 5))) == 1


def test_decision_revoked_before_it_was_due_needs_no_publication():
    assert overdue(date(2026, 11, 20), status="撤销", status_on=date(2026, 11, 6)) == []


def test_days_overdue_skip_weekends_and_holidays():
    # as of Monday 11-16: working days after 11-11 are 11-12, 11-13, 11-16
    assert dict(overdue(date(2026, 11, 16))[0].params)["days"] == 3
