"""The working-day calendar (C1–C4) and deadlines in working days (P2.2)."""

from datetime import date

import pytest

from generator.calendar import CalendarError, WorkCalendar


@pytest.fixture(scope="module")
def cal():
    return WorkCalendar.load()


@pytest.mark.parametrize("day, working", [
    (date(2026, 1, 4), True),    # Sunday, make-up working day (C3)
    (date(2026, 2, 14), True),   # Saturday, make-up
    (date(2026, 2, 16), False),  # Monday in the Spring Festival
    (date(2026, 10, 8), True),   # Thursday after the National Day holiday (10/1–10/7, C3)
    (date(2026, 10, 10), True),  # Saturday, make-up
    (date(2026, 11, 28), False), # ordinary Saturday
    (date(2025, 9, 28), True),   # 2025 make-up day (C3)
    (date(2025, 10, 8), False),
])
def test_is_workday(cal, day, working):
    assert cal.is_workday(day) is working


def test_deadline_skips_spring_festival(cal):
    # decided Friday 2026-02-13: 2/14 (Sat, make-up) is working day 1, 2/15–2/23 off,
    # 2/24 … : 2/24=2, 2/25=3, 2/26=4, 2/27=5, 2/28 (Sat, make-up)=6, 3/2=7
    assert cal.add_workdays(date(2026, 2, 13), 7) == date(2026, 3, 2)


def test_deadline_day_of_decision_not_counted(cal):
    # decided Monday 2026-11-02: 7 wd → Wednesday 11-11
    assert cal.add_workdays(date(2026, 11, 2), 7) == date(2026, 11, 11)


def test_unknown_year_is_provisional():
    cal = WorkCalendar.load()
    day, provisional = cal.deadline(date(2026, 12, 28), 7)
    assert provisional and 2027 in cal.provisional_years
    assert day == date(2027, 1, 6)  # Monday–Friday only, New Year's Day unknown
    day, provisional = cal.deadline(date(2026, 11, 2), 7)
    assert not provisional


def test_site_calendar_adds_a_year():
    cal = WorkCalendar.from_mappings({"years": {2027: {"basis": "x", "holidays": ["2027-01-01"], "workdays": []}}})
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.known(2027)


def test_bad_calendar_data_is_reported():
    with pytest.raises(CalendarError):
        WorkCalendar.from_mappings({"years": {2027: {"holidays": ["2026-01-01"]}}})
    with pytest.raises(CalendarError):
        WorkCalendar.from_mappings({"years": {2027: {"holidays": ["2027-01-05..2027-01-01"]}}})


@pytest.mark.parametrize("day, working", [
    (date(2019, 2, 2), True),    # Saturday before the 2019 Spring Festival, make-up (国办发明电〔2018〕15号)
    (date(2019, 2, 3), True),    # Sunday, make-up
    (date(2019, 2, 8), False),   # Friday in the Spring Festival (2/4–2/10)
    (date(2019, 4, 28), True),   # Sunday, make-up for the 4-day May Day holiday (国办发明电〔2019〕3号)
    (date(2019, 5, 3), False),   # Friday, May Day holiday as adjusted in March 2019
    (date(2019, 5, 5), True),    # Sunday, make-up
    (date(2019, 9, 13), False),  # 中秋
    (date(2019, 10, 12), True),  # Saturday, make-up after National Day
])
def test_2019_notice(cal, day, working):
    assert cal.is_workday(day) is working


def test_every_year_since_2019_is_in_the_calendar(cal):
    """C1: the data span 2019 (the regulation) to 2026; none of those years may be guessed."""
    assert all(cal.known(year) for year in range(2019, 2027))


def test_deadline_across_2025_national_day_and_its_make_up_saturday(cal):
    # received Friday 2025-09-26: 9/28 (Sun, make-up)=1, 9/29=2, 9/30=3, 10/1–10/8 off,
    # 10/9=4, 10/10=5, 10/11 (Sat, make-up)=6, 10/13=7 … 10/16=10
    assert cal.add_workdays(date(2025, 9, 26), 3) == date(2025, 9, 30)
    assert cal.add_workdays(date(2025, 9, 26), 6) == date(2025, 10, 11)
    assert cal.add_workdays(date(2025, 9, 26), 10) == date(2025, 10, 16)
    # on weekdays alone, the same ten days would end on 2025-10-10: the holiday matters
    assert cal.workdays_after(date(2025, 9, 26), date(2025, 10, 10)) == 5


def test_every_year_names_its_notice(cal):
    """C1: each year's entry names the State Council notice(s) it follows, by document number."""
    import re
    for year in range(2019, 2027):
        numbers = re.findall(r"国办发明电〔(\d{4})〕\d+号", cal.notices[year].basis)
        assert numbers and str(year - 1) in numbers, (year, cal.notices[year].basis)


@pytest.mark.parametrize("day, working", [
    (date(2025, 1, 28), False),  # 除夕, a statutory holiday day from 2025 (C2)
    (date(2025, 5, 2), False),   # 劳动节's second statutory day from 2025 (C2)
    (date(2024, 2, 9), True),    # 除夕 2024: not yet a holiday (a Friday at work)
])
def test_thirteen_statutory_days_from_2025(cal, day, working):
    assert cal.is_workday(day) is working
