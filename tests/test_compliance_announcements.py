"""重大劳动保障违法行为 (P9): a city or county department announces every quarter, the region every
half-year — an announcement or an explicit “本期无”; otherwise E-ANNOUNCEMENT-MISSING."""

from datetime import date

import pytest

from generator.compliance.announcements import announced_on, missing_announcements
from generator.model import Agency
from records import dataset, record

SPEC = {"dataset": "major_violations", "nil_returns": "major_violation_nil_returns",
        "months": {"市": 3, "县": 3, "区": 6}, "basis": "人社部令第29号"}


def agency(name, level, line):
    return Agency(name, name, "", "", level, "", "", (), "", "", "", "", "", None, line)


CITY, REGION = agency("银川市人力资源和社会保障局", "市", 24), agency("宁夏回族自治区人力资源和社会保障厅", "区", 5)
MV = dataset("major_violations")


def missing(as_of, city_on=None, region_on=None, status="", status_on=None):
    records = [record(MV, 2, published=city_on, agency=CITY.name, status=status, status_on=status_on)] if city_on else []
    records += [record(MV, 3, published=region_on, agency=REGION.name)] if region_on else []
    announced = announced_on(records, as_of)
    return [d for d in missing_announcements(SPEC, [CITY, REGION], "data/agencies.yaml", announced, as_of)]


@pytest.mark.parametrize("city_on, reported", [
    (date(2026, 8, 30), False),  # the first day of the window (2026-08-29, 2026-11-29]
    (date(2026, 8, 29), True),   # three months ago to the day: outside
    (date(2026, 12, 1), True),   # dated after the as-of day: not yet announced
])
def test_city_quarter(city_on, reported):
    found = missing(date(2026, 11, 29), city_on, date(2026, 7, 15))
    assert [d.format().split(":")[0] for d in found] == (["data/agencies.yaml"] if reported else [])
    if found:
        d = found[0]
        assert d.code == "E-ANNOUNCEMENT-MISSING" and d.row == 24 and "每季度" in d.message and d.spec.rule == "P9"


@pytest.mark.parametrize("region_on, reported", [(date(2026, 5, 30), False), (date(2026, 5, 29), True)])
def test_region_half_year(region_on, reported):
    found = missing(date(2026, 11, 29), date(2026, 10, 10), region_on)
    assert [dict(d.params)["agency"] for d in found] == ([REGION.name] if reported else [])


def test_a_withdrawn_announcement_does_not_count():
    found = missing(date(2026, 11, 29), date(2026, 10, 10), date(2026, 7, 15), status="撤销",
                    status_on=date(2026, 10, 20))
    assert [dict(d.params)["agency"] for d in found] == [CITY.name]
