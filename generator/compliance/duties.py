"""Deadlines other than publication, counted in working days (P2.2) on the one calendar:
withdrawal of a changed or revoked decision (P6, 3 wd), the answer to a correction suggestion
(P5.3, 10 wd), the legal review of a major decision (L4, 7 wd).  Still open past the deadline is
an error; done late is a warning with the working days late.

A legal review may be extended with approval and stops when the file is sent back (附件5第八条):
a duty may name a ``returned`` column (the term stops there), a ``restart`` column (the file
resubmitted: a new term runs from that day) and an ``extension`` (working days added, counted
only when approved within the term it extends)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..calendar import WorkCalendar
from ..config import when_matches
from .common import finding
from .settings import DUTY_CODES, Duty


def term(duty: Duty, record, calendar: WorkCalendar) -> tuple[date | None, date | None, str]:
    """(the day the term runs from, its last day, a note on its extension) for a record."""
    start = record.get(duty.start)
    if not isinstance(start, date):
        return None, None, ""
    again = record.get(duty.restart) if duty.restart else None
    if isinstance(again, date) and again >= start:  # resubmitted: the term starts again (附件5第八条第二款)
        start = again
    deadline, _ = calendar.deadline(start, duty.working_days)
    note = ""
    if duty.extension:
        days, approved = record.get(duty.extension["days"]), record.get(duty.extension["approved"])
        if days and isinstance(approved, date):
            if start <= approved <= deadline:
                deadline, _ = calendar.deadline(start, duty.working_days + int(days))
                note = f"；经 {approved.isoformat()} 批准延长 {int(days)} 个工作日"
            else:
                note = f"；延长的批准（{approved.isoformat()}）不在审核时限内，未计入"
    return start, deadline, note


def duty_findings(duty: Duty, ds, records, as_of: date, calendar: WorkCalendar) -> Iterator:
    open_code, late_code = DUTY_CODES[duty.kind]
    for record in records:
        if not all(when_matches(record.get(col), wanted) for col, wanted in duty.when):
            continue
        start, deadline, note = term(duty, record, calendar)
        if start is None or start > as_of:
            continue
        done = record.get(duty.done)
        returned = record.get(duty.returned) if duty.returned else None
        if isinstance(returned, date) and start <= returned <= as_of and not isinstance(done, date):
            done = returned  # sent back for completion: the term stops until the file comes again
        common = dict(start_column=duty.start, start=start, done_column=duty.done, deadline=deadline,
                      basis=duty.basis + note, status=record.life.status)
        if not isinstance(done, date) or done > as_of:
            if deadline < as_of:
                yield finding(open_code, ds, record, days=calendar.workdays_after(deadline, as_of), **common)
        elif done > deadline:
            yield finding(late_code, ds, record, done=done, days=calendar.workdays_after(deadline, done), **common)
