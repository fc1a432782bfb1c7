"""What the next builds will take down: records whose 公示截止期 falls within the next n days,
and records that have expired (counts; the list of those gone within the last n days)."""

from __future__ import annotations

from datetime import date, timedelta

from ..visibility import Visibility, visibility
from .common import record_label


def _entry(ds, record) -> dict:
    return {"record": record_label(ds, record), "file": record.path, "row": record.line,
            "last_day": record.life.last_day.isoformat()}


def expiry(tables: dict, as_of: date, days: int) -> dict:
    horizon, recent = as_of + timedelta(days=days), as_of - timedelta(days=days)
    out = {}
    for name, (ds, _schema, records) in tables.items():
        if ds.internal:
            continue
        expiring, expired, expired_recently = [], 0, []
        for record in records:
            v, last = visibility(record.life, as_of), record.life.last_day
            if v is Visibility.LISTED and last is not None and last <= horizon:
                expiring.append(_entry(ds, record))
            elif v is Visibility.EXPIRED:
                expired += 1
                if last >= recent:
                    expired_recently.append(_entry(ds, record))
        out[name] = {"expiring": len(expiring), "expired": expired,
                     "expiring_records": sorted(expiring, key=lambda e: (e["last_day"], e["row"])),
                     "expired_recently": sorted(expired_recently, key=lambda e: (e["last_day"], e["row"]))}
    return out


def scheduled(tables: dict, as_of: date) -> dict:
    """Records whose 公示日期 is after the as-of date: scheduled publications, which the build holds
    back until that day (``visibility``).  Information for the editors, never a problem; a record
    still without a confidentiality review on the as-of date is marked, since it will not go up on
    its day unless it is reviewed first (P4)."""
    out = {}
    for name, (ds, _schema, records) in tables.items():
        if ds.internal:
            continue
        entries = [{"record": record_label(ds, r), "file": r.path, "row": r.line,
                    "published_on": r.life.published_on.isoformat(),
                    "reviewed": r.life.reviewed_on is not None and r.life.reviewed_on <= r.life.published_on}
                   for r in records if r.life.published_on is not None and r.life.published_on > as_of]
        if entries:
            out[name] = {"scheduled": len(entries),
                         "records": sorted(entries, key=lambda e: (e["published_on"], e["row"]))}
    return out
