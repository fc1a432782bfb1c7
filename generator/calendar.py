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

from .controls import yaml_control_problems
from .dates import EARLIEST, LATEST
from .diagnostics import diag

DEFAULT_DATA = Path(__file__).with_name("holidays.yaml")


class CalendarError(ValueError):
    """A calendar file that cannot be used, with its position (``path`` relative to the site)."""

    def __init__(self, message: str, path: str = "", line: int = 0, column: int = 0, diagnostic=None):
        super().__init__(message)
        self.diagnostic = diagnostic or diag("E-CALENDAR", path, line, column, detail=message)


def _as_date(value, year: int) -> date:
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise CalendarError(f"“{text}”不是 YYYY-MM-DD 格式的日期") from None
    if day.year != year:
        raise CalendarError(f"{year} 年的安排中出现了 {day.isoformat()}")
    return day


def _expand(items, year: int) -> set[date]:
    """The days of a ``holidays`` or ``workdays`` list: dates and ``a..b`` ranges, all in ``year``
    (checked before a range is expanded, so that no range can run for millennia)."""
    days: set[date] = set()
    for item in items or ():
        if isinstance(item, str) and ".." in item:
            first, last = (_as_date(p, year) for p in item.split("..", 1))
            if last < first:
                raise CalendarError(f"区间“{item}”首尾颠倒")
            days.update(first + timedelta(n) for n in range((last - first).days + 1))
        else:
            days.add(_as_date(item, year))
    return days


def _notice(year, spec) -> YearNotice:
    if isinstance(year, bool) or not isinstance(year, (int, str)) or not str(year).isdigit() \
            or not EARLIEST.year <= int(year) <= LATEST.year:
        raise CalendarError(f"年份“{year}”应为 {EARLIEST.year} 至 {LATEST.year} 之间的四位数")
    year = int(year)
    spec = spec or {}
    if not isinstance(spec, dict) or set(spec) - {"basis", "holidays", "workdays"}:
        raise CalendarError(f"{year} 年的安排只能有 basis、holidays、workdays 三项")
    for key in ("holidays", "workdays"):
        if not isinstance(spec.get(key) or [], list):
            raise CalendarError(f"{year} 年的 {key} 应为日期列表")
    return YearNotice(year, str(spec.get("basis") or ""), frozenset(_expand(spec.get("holidays"), year)),
                      frozenset(_expand(spec.get("workdays"), year)))


def _notices(mapping) -> list[YearNotice]:
    mapping = mapping or {}
    if not isinstance(mapping, dict) or set(mapping) - {"years"} or not isinstance(mapping.get("years") or {}, dict):
        raise CalendarError("顶层应为 years: 年份 → 安排")
    return [_notice(year, spec) for year, spec in (mapping.get("years") or {}).items()]


def read_calendar_file(path: Path, shown: str) -> list[YearNotice]:
    """The year notices of a calendar file; every problem is a CalendarError at ``shown`` (the
    path as the editor knows it) and the line of the offending entry."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CalendarError("文件不是 UTF-8 编码的文本", shown) from None
    except FileNotFoundError:
        raise CalendarError("找不到文件（site_config.yaml 的 calendar: 中列出的文件须已提交）", shown) from None
    except OSError as exc:
        raise CalendarError(f"无法读取文件（{exc.strerror or exc}）", shown) from None
    if controls := yaml_control_problems(shown, text):
        raise CalendarError("含有控制字符", diagnostic=controls[0])
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CalendarError(f"不是有效的 YAML：{str(exc).splitlines()[0]}", shown,
                            mark.line + 1 if mark else 0, mark.column + 1 if mark else 0) from None
    notices, node = [], None
    try:
        if root is None:
            raise CalendarError("文件为空，应为 years: 下按年份列出的节假日安排")
        if not isinstance(root, yaml.MappingNode):
            node = root
            raise CalendarError("顶层应为 years: 年份 → 安排")
        for key, years in root.value:
            node = key
            if key.value != "years" or not isinstance(years, yaml.MappingNode):
                raise CalendarError("顶层应为 years: 年份 → 安排（不能有其他键）")
            for year, spec in years.value:
                node = year
                if not isinstance(year, yaml.ScalarNode):
                    raise CalendarError("年份应为四位数")
                for node, key, value in _entries(spec):  # each entry on its own line: report the one at fault
                    if key not in ("basis", "holidays", "workdays"):
                        raise CalendarError(f"{year.value} 年的安排中有未知的键“{key}”（只能是 basis、holidays、workdays）")
                    if value is None:
                        raise CalendarError(f"{year.value} 年的安排应为 basis（文字）、holidays 和 workdays（日期列表）")
                    if key in ("holidays", "workdays"):
                        _notice(year.value, {key: [value]})
                node = year
                notices.append(_notice(year.value, _plain(spec)))
    except CalendarError as exc:
        mark = node.start_mark if node is not None else None
        raise CalendarError(str(exc), shown, mark.line + 1 if mark else 0, mark.column + 1 if mark else 0) from None
    return notices


def _entries(spec) -> list:
    """(node, key, text) of each entry of a year's node — each holiday and workday, and the basis —
    with text None where the structure is wrong (a nested list, a mapping, a key that is no
    text), so that the entry at fault is found by its line; nothing here expands an alias."""
    if isinstance(spec, yaml.ScalarNode) and spec.tag.endswith(":null"):
        return []
    if not isinstance(spec, yaml.MappingNode):
        return [(spec, "basis", None)]  # reported as a wrong structure
    out = []
    for key, value in spec.value:
        if not isinstance(key, yaml.ScalarNode):
            out.append((key, "（非文字的键）", None))
        elif key.value in ("holidays", "workdays") and isinstance(value, yaml.SequenceNode):
            out += [(item, key.value, item.value if isinstance(item, yaml.ScalarNode) else None)
                    for item in value.value]
        else:
            out.append((value, key.value, value.value if isinstance(value, yaml.ScalarNode) else None))
    return out


def _plain(node):
    """A composed node as plain data, every scalar kept as its text (dates stay "2027-01-01")."""
    if isinstance(node, yaml.ScalarNode):
        return None if node.tag.endswith(":null") else node.value
    if isinstance(node, yaml.SequenceNode):
        return [_plain(n) for n in node.value]
    return {_plain(k): _plain(v) for k, v in node.value}


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
        return cls({n.year: n for mapping in mappings for n in _notices(mapping)})

    @classmethod
    def load(cls, *extra_files: Path, root: Path | None = None) -> "WorkCalendar":
        """The built-in calendar, then the site's files (``calendar:`` in site_config.yaml, named
        relative to ``root`` in errors); later years replace earlier ones."""
        notices = {n.year: n for n in read_calendar_file(DEFAULT_DATA, "generator/holidays.yaml")}
        for path in extra_files:
            shown = Path(path)
            if root is not None and shown.is_relative_to(root):
                shown = shown.relative_to(root)
            notices.update((n.year, n) for n in read_calendar_file(path, shown.as_posix()))
        return cls(notices)

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
