"""Expire: keep the records that are shown on the as-of date, and the notices of withdrawn ones.

The decision itself is ``visibility()``, the one place that decides it; this stage sorts the
records into what is listed, what is only a withdrawal notice and what has expired (kept as an
id and dates only, for the feeds' tombstones), and reports the records held
back for want of a confidentiality review (P4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..diagnostics import Diagnostic, diag
from ..model import Expired, Record
from ..visibility import Visibility, visibility


@dataclass(frozen=True)
class Shown:
    listed: tuple[Record, ...]
    withdrawn: tuple[Record, ...]
    expired: tuple[Expired, ...]  # id and life only: feeds announce their removal (P2.3)
    counts: dict  # Visibility → number of records


def expire(records: Iterable[Record], as_of: date, review_column: int,
           problems: list[Diagnostic], deadline_basis: str = "", repair_notice: bool = False) -> Shown:
    """A record repaired (信用修复, P10.4) leaves a notice page when ``repair_notice``, else only
    its id, like an expired one."""
    listed, withdrawn, expired = [], [], []
    counts = {v: 0 for v in Visibility if v is not Visibility.WITHHELD}  # (withheld: credit channel only)
    for record in records:
        v = visibility(record.life, as_of)
        counts[v] += 1
        if v is Visibility.LISTED:
            listed.append(record)
        elif v is Visibility.WITHDRAWN or (v is Visibility.REPAIRED and repair_notice):
            withdrawn.append(record)
        elif v in (Visibility.EXPIRED, Visibility.REPAIRED):
            expired.append(Expired(record.id, record.life))
        elif v is Visibility.UNREVIEWED:
            problems.append(diag("W-UNREVIEWED", record.path, record.line, review_column,
                                 as_of=as_of.isoformat()))
        if v in (Visibility.NOT_YET, Visibility.UNREVIEWED) and record.life.deadline \
                and record.life.deadline < as_of:  # 应公示而未公示 (P8)
            problems.append(diag("W-OVERDUE", record.path, record.line, deadline=record.life.deadline.isoformat(),
                                 basis=deadline_basis))
    return Shown(tuple(listed), tuple(withdrawn), tuple(expired), counts)
