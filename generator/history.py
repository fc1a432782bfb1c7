"""A record's public history, derived from its data and the as-of date alone (no state is kept
between builds, so the build stays a pure function): published (公示日期), corrected (the
corrections log, P5.1), status changed (已变更, or withdrawn: 撤下 / 撤销 / 确认违法 / 确认无效 —
P5.2, P6), repaired (信用修复, P10.4) and expired (the day after its 公示截止期, P2.3) — on a
channel: the portal, or the credit channel that the feeds serve (P10.2).

Feeds, archives and record pages all read it from here: one place decides what a change is.
"""

from __future__ import annotations

from datetime import date, timedelta

from .config import STATUS_NOTED, STATUS_WITHDRAWN
from .credit import CREDITCHINA, PORTAL, REPAIRED
from .dates import format_cn
from .model import Correction, Event, Lifecycle

PUBLISHED = "公示"
CORRECTED = "更正"
EXPIRED = "公示期满"
# a status that keeps the record shown is announced as a change (已变更 → 变更)
_NOTED_KIND = {s: s.removeprefix("已") for s in STATUS_NOTED}


def history(life: Lifecycle, corrections: tuple[Correction, ...], as_of: date,
            channel: str = PORTAL) -> tuple[Event, ...]:
    """The changes of one record on a channel up to and including ``as_of``, oldest first.  Nothing
    happens before publication, or on a channel the record is never sent to; after the record is
    gone (withdrawn, repaired or expired) nothing more is told."""
    published = life.published_on
    if published is None or published > as_of or (channel == CREDITCHINA and not life.credit_sent):
        return ()
    events = [Event(published, PUBLISHED)]
    events += [Event(c.on, CORRECTED, note=correction_note(c)) for c in told(life, corrections, as_of)]
    status_on = life.status_on
    if life.status and status_on is not None and published <= status_on <= as_of:
        if life.status in STATUS_WITHDRAWN:
            events.append(Event(status_on, life.status, gone=True))
        elif life.status in _NOTED_KIND and not _logged(corrections, status_on):
            events.append(Event(status_on, _NOTED_KIND[life.status]))
    repaired = life.repaired_on
    if repaired is not None and channel in life.repair_ends and published <= repaired <= as_of:
        events.append(Event(repaired, REPAIRED, gone=True))
    last_day = life.last_day_on(channel)
    if last_day is not None and last_day < as_of:
        events.append(Event(last_day + timedelta(days=1), EXPIRED, gone=True))
    events.sort(key=lambda e: (e.on, e.gone))
    # the first tombstone ends the history: a record withdrawn and later expired is gone once
    for i, e in enumerate(events):
        if e.gone:
            return tuple(events[:i + 1])
    return tuple(events)


def told(life: Lifecycle, corrections: tuple[Correction, ...], as_of: date) -> list[Correction]:
    """The corrections a record shows on a day: made while it was published, up to that day."""
    published = life.published_on
    return [c for c in corrections if published is not None and published <= c.on <= as_of]


def correction_note(c: Correction) -> str:
    return "；".join(f"{name}：{value}" for name, value in c.shown if value and name != "更正日期")


def _logged(corrections, on: date) -> bool:
    """A 已更正/已变更 status dated the same day as a logged correction is that correction."""
    return any(c.on == on for c in corrections)


def ended_by(ds, record) -> tuple[str, date | None, str]:
    """What a record's notice page, and the JSON export's list of withdrawn records, announce:
    (what ended it, the day, the note) — its withdrawal (P5.2, P6), or its credit repair
    (P10.4) when that ended it on the portal first; the note of a repair names the decision."""
    life = record.life
    repaired = life.repaired_on if PORTAL in life.repair_ends else None
    withdrawn = life.status in STATUS_WITHDRAWN and life.status_on is not None
    if repaired is not None and not (withdrawn and life.status_on <= repaired):
        r = ds.credit.repair
        number, body = record.get(r.number), record.get(r.body)
        decision = f"{body or ''}信用修复决定" + (f"（{number}）" if number else "")
        return REPAIRED, repaired, f"依据{decision}，本条信息自 {format_cn(repaired)}起终止公示"
    note = record.get(ds.role("status_note"))
    return life.status, life.status_on, "" if note is None else str(note)
