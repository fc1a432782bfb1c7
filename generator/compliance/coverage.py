"""重大劳动保障违法行为 period by period (P9, 人社部令第29号; item 19): for every department that must
announce (市、县 each quarter, the region each half-year — ``announcements.months_by_level``) and
every period of its rhythm within the window, whether the period is accounted for.

The definitions, each made once, here:

- A period is n months aligned to the calendar year (3: quarters, 6: half-years, 12: years).
- An announcement counts for the period in which its decision date (the dataset's ``date_field``,
  处理决定日期) falls: a quarter's cases are announced after it ends.
- A 本期无 statement (the nil-return dataset) counts for every period of the department's rhythm
  within the 统计期间 it names (its ``title_field``: 2026年第三季度, 2026年上半年, 2026年,
  2026年3月, 2026年1月至6月); a 统计期间 that cannot be read counts for the period before the one
  of its 公示日期 (statements are made after the period).
- Both count as ``announcements.is_announced`` says: 公示日期 on or before the as-of date, not
  withdrawn — as for the check's E-ANNOUNCEMENT-MISSING.
- A period is **announced** (已公布, with the number of cases), **nil** (本期无), **missing**
  (未公布: the period has ended without either) or **open** (本期未结束).

The check's E-ANNOUNCEMENT-MISSING asks whether anything was announced in the last n months;
this view answers, period by period, what the public can see for each department."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..dates import add_months
from .announcements import is_announced
from .timeliness import month_index, month_of

CN_QUARTERS = "一二三四"
ANNOUNCED, NIL, MISSING, OPEN = "announced", "nil", "missing", "open"
STATE_LABELS = {ANNOUNCED: "已公布", NIL: "本期无", MISSING: "未公布", OPEN: "本期未结束"}


@dataclass(frozen=True)
class Period:
    first: int   # month index (year × 12 + month − 1) of its first month
    months: int  # its length

    @property
    def last(self) -> int:
        return self.first + self.months - 1

    @property
    def start(self) -> date:
        year, month = month_of(self.first)
        return date(year, month, 1)

    @property
    def end(self) -> date:
        return add_months(self.start, self.months) - timedelta(days=1)

    @property
    def label(self) -> str:
        year, month = month_of(self.first)
        if self.months == 3 and month % 3 == 1:
            return f"{year}年第{CN_QUARTERS[month // 3]}季度"
        if self.months == 6 and month in (1, 7):
            return f"{year}年{'上' if month == 1 else '下'}半年"
        if self.months == 12 and month == 1:
            return f"{year}年"
        if self.months == 1:
            return f"{year}年{month}月"
        end_year, end_month = month_of(self.last)
        return f"{year}年{month}月至" + (f"{end_year}年" if end_year != year else "") + f"{end_month}月"


def period_of(d: date, months: int) -> Period:
    index = month_index(d)
    return Period(index - index % months, months)


_SPANS = (  # 统计期间 as editors write it → (first month, number of months)
    (re.compile(r"(\d{4})年?第?([一二三四1-4])季度?"), lambda m: (_q(m[2]) * 3, 3)),
    (re.compile(r"(\d{4})年?([上下])半年度?"), lambda m: (0 if m[2] == "上" else 6, 6)),
    (re.compile(r"(\d{4})年(\d{1,2})月?[-—–至到~]{1,2}(\d{1,2})月"),
     lambda m: (int(m[2]) - 1, int(m[3]) - int(m[2]) + 1)),
    (re.compile(r"(\d{4})年(\d{1,2})月(份)?"), lambda m: (int(m[2]) - 1, 1)),
    (re.compile(r"(\d{4})年?(度|全年)?"), lambda m: (0, 12)),
)


def _q(text: str) -> int:
    return CN_QUARTERS.index(text) if text in CN_QUARTERS else int(text) - 1


def read_span(text) -> tuple[int, int] | None:
    """(first, last) month index of a 统计期间 as written, or None."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))
    for pattern, span in _SPANS:
        if m := pattern.fullmatch(text):
            first, months = span(m)
            if 0 <= first and months >= 1 and first + months <= 12:
                base = int(m[1]) * 12
                return base + first, base + first + months - 1
    return None


@dataclass(frozen=True)
class Cell:
    period: Period
    state: str             # ANNOUNCED, NIL, MISSING or OPEN
    announced: int = 0     # cases decided in the period and announced
    nil: int = 0           # 本期无 statements for it
    nil_on: tuple = ()     # their 公示日期, where the report may show them (``keep_dates``)

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class AgencyCoverage:
    agency: str
    level: str
    months: int
    cells: tuple[Cell, ...]  # oldest first


@dataclass(frozen=True)
class Coverage:
    basis: str
    rows: tuple[AgencyCoverage, ...] = ()

    def by_rhythm(self) -> list[dict]:
        """One table per rhythm, the longest first (the region's half-years, then the cities' and
        counties' quarters): its ``months``, ``periods`` and ``rows``."""
        tables: dict[int, dict] = {}
        for row in self.rows:
            t = tables.setdefault(row.months, {"months": row.months, "periods": [c.period for c in row.cells],
                                               "rows": []})
            t["rows"].append(row)
        return [tables[m] for m in sorted(tables, reverse=True)]

    def statements(self) -> list[tuple[str, list[str]]]:
        """The 本期无 statements: (period, the departments that made one for it), newest first."""
        out: dict[tuple, tuple[str, list[str]]] = {}
        for row in self.rows:
            for cell in row.cells:
                if cell.nil:
                    key = (cell.period.last, cell.period.months)
                    out.setdefault(key, (cell.period.label, []))[1].append(row.agency)
        return [out[k] for k in sorted(out, reverse=True)]

    @property
    def counts(self) -> dict[str, int]:
        """Cells by state, over every department."""
        out = dict.fromkeys(STATE_LABELS, 0)
        for row in self.rows:
            for cell in row.cells:
                out[cell.state] += 1
        return out


@dataclass
class CoverageTally:
    """Announcements and 本期无 statements by department and month, as they come."""

    as_of: date
    date_field: str | None
    period_field: str | None
    announced: dict = field(default_factory=dict)  # (agency, month index) → number of cases
    nil: dict = field(default_factory=dict)        # agency → [(span or None, 公示日期)]
    keep_dates: bool = False                       # the statements' dates may be shown (supervision.reportable)

    def add_announcement(self, record) -> None:
        decided = record.get(self.date_field) if self.date_field else None
        if record.agency and isinstance(decided, date) and is_announced(record.life, self.as_of):
            key = (record.agency, month_index(decided))
            self.announced[key] = self.announced.get(key, 0) + 1

    def add_nil_return(self, record) -> None:
        if record.agency and is_announced(record.life, self.as_of):
            span = read_span(record.get(self.period_field)) if self.period_field else None
            self.nil.setdefault(record.agency, []).append((span, record.life.published_on))

    def result(self, agencies, months_by_level: dict[str, int], window: int, basis: str) -> Coverage:
        """``agencies``: (name, level) in order; the periods shown are those that overlap the
        ``window`` months ending with the as-of month."""
        last = month_index(self.as_of)
        rows = []
        for name, level in agencies:
            n = months_by_level.get(level)
            if not n:
                continue
            first = last - window + 1
            first -= first % n
            periods = [Period(p, n) for p in range(first, last + 1, n)]
            nil_days: dict[int, list[date]] = {}
            for span, on in self.nil.get(name, ()):
                if span is None:  # unreadable: the period before the one it was made in
                    covered = [period_of(on, n).first - n]
                else:
                    covered = [p.first for p in periods if span[0] <= p.first and p.last <= span[1]]
                for p in covered:
                    nil_days.setdefault(p, []).append(on)
            cells = []
            for p in periods:
                count = sum(self.announced.get((name, m), 0) for m in range(p.first, p.last + 1))
                days = tuple(sorted(nil_days.get(p.first, ())))
                state = ANNOUNCED if count else NIL if days else MISSING if p.end < self.as_of else OPEN
                cells.append(Cell(p, state, count, len(days), days if self.keep_dates else ()))
            rows.append(AgencyCoverage(name, level, n, tuple(cells)))
        return Coverage(basis, tuple(rows))
