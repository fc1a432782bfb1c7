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
from typing import NamedTuple

from ..calendar import WorkCalendar
from ..config import when_matches
from .common import Outcome, finding
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


class DutyState(NamedTuple):
    outcome: Outcome
    days: int           # working days late, or overdue so far
    start: date
    deadline: date
    note: str           # the extension, as the message tells it
    done: date | None   # the day it was done (or the file sent back)


def duty_outcome(duty: Duty, record, as_of: date, calendar: WorkCalendar) -> DutyState | None:
    """How a duty stands on a record — the one decision for the findings below and the figures of
    the supervision report; None where it does not apply (``when:``, no start, a start to come).
    Done after the deadline is late; not done by the as-of date and past the deadline, overdue."""
    if not all(when_matches(record.get(col), wanted) for col, wanted in duty.when):
        return None
    start, deadline, note = term(duty, record, calendar)
    if start is None or start > as_of:
        return None
    done = record.get(duty.done)
    returned = record.get(duty.returned) if duty.returned else None
    if isinstance(returned, date) and start <= returned <= as_of and not isinstance(done, date):
        done = returned  # sent back for completion: the term stops until the file comes again
    if not isinstance(done, date) or done > as_of:
        if deadline < as_of:
            return DutyState(Outcome.OVERDUE, calendar.workdays_after(deadline, as_of), start, deadline, note, None)
        return DutyState(Outcome.PENDING, 0, start, deadline, note, None)
    if done > deadline:
        return DutyState(Outcome.LATE, calendar.workdays_after(deadline, done), start, deadline, note, done)
    return DutyState(Outcome.ON_TIME, 0, start, deadline, note, done)


def duty_findings(duty: Duty, ds, records, as_of: date, calendar: WorkCalendar) -> Iterator:
    open_code, late_code = DUTY_CODES[duty.kind]
    for record in records:
        state = duty_outcome(duty, record, as_of, calendar)
        if state is None or state.outcome not in (Outcome.OVERDUE, Outcome.LATE):
            continue
        common = dict(start_column=duty.start, start=state.start, done_column=duty.done, deadline=state.deadline,
                      basis=duty.basis + state.note, status=record.life.status, days=state.days)
        if state.outcome is Outcome.OVERDUE:
            yield finding(open_code, ds, record, **common)
        else:
            yield finding(late_code, ds, record, done=state.done, **common)
