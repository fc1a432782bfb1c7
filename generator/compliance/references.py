"""Staff certificates that have expired or are about to (P2.6), and decisions citing a law that
the 执法依据 list (item 9) knows only as repealed or superseded (P8: 不准确)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from ..config import STATUS_WITHDRAWN
from .common import finding

_TITLE = re.compile(r"《([^《》]+)》")


def certificates(spec: dict, ds, records, as_of: date) -> Iterator:
    column, warn = spec["column"], int(spec.get("warn_days", 30))
    for record in records:
        expires = record.get(column)
        if not isinstance(expires, date) or record.life.status in STATUS_WITHDRAWN:
            continue
        if expires < as_of:
            yield finding("W-CERT-EXPIRED", ds, record, expires=expires)
        elif (expires - as_of).days <= warn:
            yield finding("W-CERT-EXPIRING", ds, record, expires=expires, days=(expires - as_of).days)


def _bare(title: str) -> str:
    return title.strip().strip("《》").strip()


def law_status(spec: dict, records) -> dict[str, set[str]]:
    """Title (without 《》) → the 时效性 of every text the list holds under that title."""
    status: dict[str, set[str]] = {}
    for record in records:
        title = record.get(spec["title"])
        if title:
            status.setdefault(_bare(title), set()).add(str(record.get(spec["status"], "")))
    return status


def repealed_citations(spec: dict, status: dict[str, set[str]], ds, column: str, records) -> Iterator:
    current = set(spec["current"])
    for record in records:
        text = record.get(column)
        if not text:
            continue
        for title in dict.fromkeys(_TITLE.findall(str(text))):
            known = status.get(_bare(title))
            if known and not known & current:
                yield finding("W-REPEALED-BASIS", ds, record, column=column, title=f"《{title}》",
                              status="、".join(sorted(known)), decided=record.get(ds.date_field) or "")
