"""Deadlines other than publication, counted in working days (P2.2) on the one calendar:
withdrawal of a changed or revoked decision (P6, 3 wd), the answer to a correction suggestion
(P5.3, 10 wd), the legal review of a major decision (L4, 7 wd).  Still open past the deadline is
an error; done late is a warning with the working days late."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..calendar import WorkCalendar
from ..config import when_matches
from .common import finding
from .settings import DUTY_CODES, Duty


def duty_findings(duty: Duty, ds, records, as_of: date, calendar: WorkCalendar) -> Iterator:
    open_code, late_code = DUTY_CODES[duty.kind]
    for record in records:
        if not all(when_matches(record.get(col), wanted) for col, wanted in duty.when):
            continue
        start = record.get(duty.start)
        if not isinstance(start, date) or start > as_of:
            continue
        deadline, _ = calendar.deadline(start, duty.working_days)
        done = record.get(duty.done)
        common = dict(start_column=duty.start, start=start, done_column=duty.done, deadline=deadline,
                      basis=duty.basis, status=record.life.status)
        if not isinstance(done, date) or done > as_of:
            if deadline < as_of:
                yield finding(open_code, ds, record, days=calendar.workdays_after(deadline, as_of), **common)
        elif done > deadline:
            yield finding(late_code, ds, record, done=done, days=calendar.workdays_after(deadline, done), **common)
