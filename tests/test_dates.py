"""Dates as typed (issue: 2024-03-05, 2024/3/5, 2024年3月5日) and the 民法典 period rule (P2.3)."""

from datetime import date

import pytest

from generator.dates import add_months, format_cn, parse_date, period_last_day


@pytest.mark.parametrize("text", ["2024-03-05", "2024/3/5", "2024年3月5日", "2024-3-5", "２０２４年３月５日",
                                  " 2024/03/05 ", "2024/3/5 0:00", "2024.3.5"])
def test_parse_accepted_forms(text):
    assert parse_date(text) == date(2024, 3, 5)


@pytest.mark.parametrize("text", ["2023-02-29", "2024-13-01", "2024/3/32", "3/5/2024", "二〇二四年三月五日", "", "2024-03"])
def test_parse_rejects(text):
    assert parse_date(text) is None


def test_rules_examples_p2_3():
    assert period_last_day(date(2024, 2, 29), years=1) == date(2025, 2, 28)
    assert period_last_day(date(2024, 3, 5), years=1) == date(2025, 3, 5)


@pytest.mark.parametrize("start, months, expected", [
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2024, 8, 31), 6, date(2025, 2, 28)),
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2024, 12, 15), 1, date(2025, 1, 15)),
    (date(2024, 2, 29), 36, date(2027, 2, 28)),
])
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_format_cn():
    assert format_cn(date(2024, 3, 5)) == "2024年3月5日"
    assert format_cn(None) == ""
