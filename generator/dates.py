"""Dates as editors type them, and the 民法典 rule for periods of years and months (P2.3)."""

from __future__ import annotations

import calendar as _cal
import re
import unicodedata
from datetime import date, timedelta, timezone

# China has kept UTC+8 without daylight saving since 1991; a fixed offset needs no tz database.
# "Today" (P2.4) and the feeds' timestamps are in this zone.
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")

_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


# Sane bounds of any date the build reads (cells, calendar files, --as-of): so that no period
# or deadline computed from one can leave the calendar (year 9999).  A date outside them is a
# typo or a placeholder (9999-12-31 for 长期).
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)

_MIDNIGHT = re.compile(r"\s+0{1,2}:00(:00)?$")
_ISO = re.compile(r"\d{4}-\d\d-\d\d")


def parse_date(text: str) -> date | None:
    """``2024-03-05``, ``2024/3/5``, ``2024.3.5`` or ``2024年3月5日`` (full-width digits too) → date;
    None if the text is no real date (2023-02-29 is not)."""
    if _ISO.fullmatch(text):  # the common case, first
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    text = unicodedata.normalize("NFKC", text).strip()
    # Excel sometimes appends a midnight time to a date cell
    text = _MIDNIGHT.sub("", text)
    for form in _FORMS:
        m = form.match(text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None


def add_months(start: date, months: int) -> date:
    """The corresponding day ``months`` later; the month's last day where it does not exist
    (民法典 art. 202, rule P2.3)."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, _cal.monthrange(year, month)[1]))


def period_last_day(start: date, years: int = 0, months: int = 0) -> date:
    """Last day of a period of years/months that runs from the day after ``start`` (P2.2, P2.3).

    Decided 2024-03-05, 1 year → 2025-03-05 is the last day shown; decided 2024-02-29, 1 year →
    2025-02-28."""
    return add_months(start, years * 12 + months)


def format_cn(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""
