"""Attachment 6 thresholds (L3): a penalty or a sealing that meets one is a major decision —
legal review before it is made (L1), displayed 3 years (L5).  Marked otherwise, it is reported
for checking (a warning: cities and counties may set their own standards, 附件6备注)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..config import when_matches
from .common import finding
from .settings import MajorThresholds


def _num(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _yuan(x: Decimal) -> str:
    return f"{x.normalize():f}"


def reasons(m: MajorThresholds, record) -> Iterator[str]:
    fine, method = _num(record.get(m.fine)) if m.fine else None, record.get(m.method) if m.method else None
    r = m.range
    if r and fine is not None and method == r.get("method", "规定金额") and \
            (maximum := _num(record.get(r["maximum"]))) is not None:
        share, floor = _num(r.get("share", 0.6)), _num(r.get("minimum", 30000))
        if fine >= share * maximum and fine >= floor:
            yield (f"罚款 {_yuan(fine)} 元，达到法定最高罚款 {_yuan(maximum)} 元的 {_yuan(share * 100)}% "
                   f"且不低于 {_yuan(floor)} 元")
    r = m.multiple
    if r and fine is not None and method == r.get("method", "规定倍数") and \
            (base := _num(record.get(r["base"]))) is not None:
        times, floor = _num(r.get("times", 3)), _num(r.get("minimum", 30000))
        if fine >= times * base and fine >= floor:
            yield f"罚款 {_yuan(fine)} 元，为骗取金额 {_yuan(base)} 元的 {_yuan(times)} 倍以上且不低于 {_yuan(floor)} 元"
    r = m.per_worker
    if r and method == r.get("method", "按人数"):
        workers, floor = _num(record.get(r["workers"])), _num(r.get("fine_at_least", 30000))
        at_least = _num(r.get("workers_at_least", 50))
        if workers is not None and workers >= at_least:
            yield f"按涉及劳动者人数罚款，涉及劳动者 {_yuan(workers)} 人（{_yuan(at_least)} 人以上）"
        elif fine is not None and fine >= floor:
            yield f"按涉及劳动者人数罚款，罚款 {_yuan(fine)} 元（{_yuan(floor)} 元以上）"
    r = m.revocation
    if r and when_matches(record.get(r["column"]), tuple(r.get("values") or ())):
        yield f"“{r['column']}”含{'、'.join(r.get('values') or ())}"
    r = m.amount
    if r and (amount := _num(record.get(r["column"]))) is not None and amount >= _num(r.get("at_least", 500000)):
        yield f"“{r['column']}”为 {_yuan(amount)} 元（{_yuan(_num(r.get('at_least', 500000)))} 元以上）"


def unmarked_major(m: MajorThresholds, ds, records, basis: str) -> Iterator:
    for record in records:
        if record.get(m.flag) == "是":
            continue
        found = list(reasons(m, record))
        if found:
            yield finding("W-MAJOR-UNMARKED", ds, record, reason="；".join(found), basis=basis)
