"""应公示不公示 (P1, P8): a record still unpublished past its publication deadline is an error of
the check.  (The build only warns, W-OVERDUE: a late record must not stop the daily expiry.)
Published late is W-LATE, reported by the validate stage with the working days late.  What is
overdue is decided once, by ``timeliness.publication_outcome`` — the same the 公示及时率 counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..calendar import WorkCalendar
from .common import finding
from .common import Outcome
from .timeliness import publication_outcome


def overdue_publications(ds, records, as_of: date, calendar: WorkCalendar) -> Iterator:
    if ds.deadline is None or ds.internal:
        return
    for record in records:
        found = publication_outcome(record.life, as_of, calendar)
        if found is None or found[0] is not Outcome.OVERDUE:
            continue
        yield finding("E-OVERDUE", ds, record, start_column=ds.deadline.start,
                      start=record.get(ds.deadline.start), deadline=record.life.deadline,
                      days=found[1], basis=ds.deadline.basis)
