"""The one working-day calendar (rules C1–C4, P2.2).

Working days follow the State Council's yearly notice: weekends are off except the make-up
working days (调休), and the listed holidays are off.  A year whose notice is not in the data is
counted on Monday–Friday, and every date so computed is marked provisional (C4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import yaml

DEFAULT_DATA = Path(__file__).with_name("holidays.yaml")


class CalendarError(ValueError):
    pass


def _as_date(value) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise CalendarError(f"“{value}”不是日期") from exc


def _expand(items) -> set[date]:
    days: set[date] = set()
    for item in items or ():
        if isinstance(item, str) and ".." in item:
            first, last = (_as_date(p) for p in item.split("..", 1))
            if last < first:
                raise CalendarError(f"区间“{item}”首尾颠倒")
            days.update(first + timedelta(n) for n in range((last - first).days + 1))
        else:
            days.add(_as_date(item))
    return days


@dataclass(frozen=True)
class YearNotice:
    year: int
    basis: str
    holidays: frozenset[date]
    workdays: frozenset[date]


class WorkCalendar:
    def __init__(self, notices: dict[int, YearNotice]):
        self.notices = dict(notices)
        self.provisional_years: set[int] = set()  # unknown years that a computation touched
        self._add = lru_cache(maxsize=65536)(self._add_uncached)

    @classmethod
    def from_mappings(cls, *mappings) -> "WorkCalendar":
        """Later mappings add or replace years of earlier ones."""
        notices: dict[int, YearNotice] = {}
        for mapping in mappings:
            for year, spec in ((mapping or {}).get("years") or {}).items():
                spec = spec or {}
                notice = YearNotice(int(year), str(spec.get("basis", "")),
                                    frozenset(_expand(spec.get("holidays"))),
                                    frozenset(_expand(spec.get("workdays"))))
                for d in notice.holidays | notice.workdays:
                    if d.year != notice.year:
                        raise CalendarError(f"{year} 年的安排中出现了 {d.isoformat()}")
                notices[notice.year] = notice
        return cls(notices)

    @classmethod
    def load(cls, *extra_files: Path) -> "WorkCalendar":
        mappings = [yaml.safe_load(DEFAULT_DATA.read_text(encoding="utf-8"))]
        mappings += [yaml.safe_load(Path(p).read_text(encoding="utf-8")) for p in extra_files]
        return cls.from_mappings(*mappings)

    def known(self, year: int) -> bool:
        return year in self.notices

    def is_workday(self, d: date) -> bool:
        notice = self.notices.get(d.year)
        if notice is None:
            self.provisional_years.add(d.year)
            return d.weekday() < 5
        if d in notice.workdays:
            return True
        if d in notice.holidays:
            return False
        return d.weekday() < 5

    def _add_uncached(self, start: date, n: int) -> tuple[date, bool]:
        d, left, provisional = start, n, False
        while left > 0:
            d += timedelta(days=1)
            provisional |= d.year not in self.notices
            if self.is_workday(d):
                left -= 1
        return d, provisional

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after ``start``; the start day is not counted (P2.2)."""
        return self._add(start, n)[0]

    def deadline(self, start: date, n: int) -> tuple[date, bool]:
        """(last day on time, provisional?) for a deadline of n working days from ``start``."""
        result = self._add(start, n)
        if result[1]:
            self.provisional_years.update(range(start.year, result[0].year + 1))
            self.provisional_years.difference_update(self.notices)
        return result

    def workdays_after(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many working days ``end`` lies after ``start``."""
        count, d = 0, start
        while d < end:
            d += timedelta(days=1)
            count += self.is_workday(d)
        return count
