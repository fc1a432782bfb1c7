"""Attachment 6 thresholds met where they are advice (L3): a city or county department without
its own standards (附件6备注).  Such a decision not marked 是否重大 = 是 is reported for checking;
where the thresholds bind (the region, or a department's own standards) and for the cases of
附件5第二条 (revocation, a hearing), the build itself refuses it (E-MAJOR-UNMARKED).  The
assessment is the build's own (generator/major.py), kept on each record's life cycle."""

from __future__ import annotations

from collections.abc import Iterator

from ..major import ADVISORY
from .common import finding


def unmarked_major(ds, records) -> Iterator:
    if ds.major is None:
        return
    for record in records:
        if record.life.major == ADVISORY and record.get(ds.major.flag) != "是":
            yield finding("W-MAJOR-UNMARKED", ds, record, reason=record.life.major_reason, flag=ds.major.flag)
