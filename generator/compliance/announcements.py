"""重大劳动保障违法行为 (P9, 人社部令第29号): each city and county department announces every
quarter, the region every half-year — an announcement, or an explicit “本期无” in the nil-return
dataset.  A department with neither in the last quarter (half-year) is reported."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from ..config import STATUS_WITHDRAWN
from ..dates import add_months
from ..diagnostics import diag

UNITS = {3: "季度", 6: "半年", 12: "年"}


UNIT_MONTHS = {"quarter": 3, "half-year": 6, "year": 12}


def months_by_level(config, dataset: str, agencies) -> dict[str, int]:
    """P9's rhythm as the dataset's ``group_by`` states it: 市、县 quarterly, 区 half-yearly."""
    group_by = config.dataset(dataset).group_by
    if group_by is None:
        return {}
    return {a.level: UNIT_MONTHS[group_by.unit(a.level)] for a in agencies if group_by.unit(a.level) in UNIT_MONTHS}


def is_announced(life, as_of: date) -> bool:
    """An announcement or a 本期无 statement made public by the as-of date and not withdrawn."""
    return bool(life.published_on and life.published_on <= as_of and
                not (life.status in STATUS_WITHDRAWN and life.status_on and life.status_on <= as_of))


def announced_on(records, as_of: date) -> dict[str, list[date]]:
    days: dict[str, list[date]] = {}
    for record in records:
        if record.agency and is_announced(record.life, as_of):
            days.setdefault(record.agency, []).append(record.life.published_on)
    return days


def missing_announcements(spec: dict, agencies, agencies_file: str, announced: dict[str, list[date]],
                          as_of: date) -> Iterator:
    for agency in agencies:
        months = spec["months"].get(agency.level)
        if not months:
            continue
        since = add_months(as_of, -months) + timedelta(days=1)  # the window (as_of − n months, as_of]
        if not any(since <= d <= as_of for d in announced.get(agency.name, ())):
            yield diag("E-ANNOUNCEMENT-MISSING", agencies_file, agency.line, agency=agency.name,
                       level=agency.level, unit=UNITS.get(months, f"{months}个月"), since=since.isoformat(),
                       basis=spec["basis"], dataset=spec["dataset"], record=agency.name)
