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

from .config.kinds import Basis, Integer, ListOf, MapOf, Text
from .config.options import At, ConfigError, Option, Section, problems_as_diagnostics, section
from .diagnostics import diag
from .yamlfile import YamlError, read_yaml

DEFAULT_DATA = Path(__file__).with_name("holidays.yaml")


class CalendarError(ValueError):
    """A year's entries contradict themselves; ``path`` is the key path of the year."""

    def __init__(self, message: str, path: tuple = ()):
        super().__init__(message)
        self.path = path


def _as_date(value) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise CalendarError(f"“{value}”不是日期") from exc


def _expand(items, year: int) -> set[date]:
    days: set[date] = set()
    for item in items or ():
        if isinstance(item, str) and ".." in item:
            first, last = (_as_date(p) for p in item.split("..", 1))
            if last < first:
                raise CalendarError(f"区间“{item}”首尾颠倒")
        else:
            first = last = _as_date(item)
        for d in (first, last):  # before expanding: a range of centuries is refused, not built
            if d.year != year:
                raise CalendarError(f"{year} 年的安排中出现了 {d.isoformat()}")
        days.update(first + timedelta(n) for n in range((last - first).days + 1))
    return days


@section
class _YearSpec:
    basis: str = Option(Basis(), "the State Council General Office's notice for the year")
    holidays: tuple = Option(ListOf(Text()), "days off: `YYYY-MM-DD` or a range `YYYY-MM-DD..YYYY-MM-DD`")
    workdays: tuple = Option(ListOf(Text()), "weekend days that are working days (调休)")


@section
class _CalendarFile:
    years: dict = Option(MapOf(Section(_YearSpec, as_dict=True), key=Integer(min=2000, max=2100), placeholder="<year>"),
                         "one entry per year", required=True)


CALENDAR_FILE = Section(_CalendarFile, as_dict=True)


def read_calendar_file(path: Path, relpath: str) -> dict:
    """A calendar file (generator/holidays.yaml, or one named by ``calendar:``) as a checked mapping;
    raises ConfigError (E-FILE-MISSING, E-YAML, or E-CONFIG naming the key and its line)."""
    if not path.is_file():
        raise ConfigError([diag("E-FILE-MISSING", relpath, file=relpath)])
    try:
        doc = read_yaml(path, relpath)
    except YamlError as exc:
        raise ConfigError([exc.diagnostic]) from None
    if not isinstance(doc.data, dict):
        raise ConfigError([diag("E-CONFIG", relpath, 1, detail="日历文件的顶层应为 years:（每年一项）")])
    at = At()
    mapping = CALENDAR_FILE.parse(doc.data, at)
    if at.problems:
        raise ConfigError(problems_as_diagnostics(at.problems, relpath, doc))
    try:
        WorkCalendar.from_mappings(mapping)
    except CalendarError as exc:
        raise ConfigError([diag("E-CONFIG", relpath, doc.line(exc.path), detail=f"工作日历 {exc}")]) from None
    return mapping


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
                spec, days = spec or {}, {}
                for key in ("holidays", "workdays"):
                    try:
                        days[key] = frozenset(_expand(spec.get(key), int(year)))
                    except CalendarError as exc:
                        raise CalendarError(f"years.{year}.{key}：{exc}", ("years", year, key)) from None
                notices[int(year)] = YearNotice(int(year), str(spec.get("basis", "")), days["holidays"], days["workdays"])
        return cls(notices)

    @classmethod
    def load(cls, *extra_files: Path, root: Path | None = None) -> "WorkCalendar":
        """The package's calendar, then the site's files (named relative to ``root`` in problems);
        raises ConfigError with the problems of every file."""
        mappings, problems = [], []
        for path in (DEFAULT_DATA, *map(Path, extra_files)):
            relpath = path.relative_to(root).as_posix() if root and path.is_relative_to(root) else path.as_posix()
            try:
                mappings.append(read_calendar_file(path, "generator/holidays.yaml" if path == DEFAULT_DATA else relpath))
            except ConfigError as exc:
                problems += exc.diagnostics
        if problems:
            raise ConfigError(problems)
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
