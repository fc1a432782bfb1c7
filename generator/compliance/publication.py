"""应公示不公示 (P1, P8): a record still unpublished past its publication deadline is an error of
the check.  (The build only warns, W-OVERDUE: a late record must not stop the daily expiry.)
Published late is W-LATE, reported by the validate stage with the working days late."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..calendar import WorkCalendar
from ..config import STATUS_WITHDRAWN
from ..visibility import Visibility, visibility
from .common import finding

UNSHOWN = (Visibility.NOT_YET, Visibility.UNREVIEWED)


def overdue_publications(ds, records, as_of: date, calendar: WorkCalendar) -> Iterator:
    if ds.deadline is None or ds.internal:
        return
    for record in records:
        life = record.life
        if life.deadline is None or life.deadline >= as_of or visibility(life, as_of) not in UNSHOWN:
            continue
        if life.status in STATUS_WITHDRAWN and life.status_on is not None and life.status_on <= as_of:
            continue  # revoked or taken down before it was due: nothing left to publish
        yield finding("E-OVERDUE", ds, record, start_column=ds.deadline.start,
                      start=record.get(ds.deadline.start), deadline=life.deadline,
                      days=calendar.workdays_after(life.deadline, as_of), basis=ds.deadline.basis)
