"""Order 36 in the compliance report: a 失信程度 entered lighter than the dividing rules find
(P10.1, a warning: it shortens publication on 信用中国), and the parties that may now apply for
credit repair (P10.3, listed for the bureau, never a failure)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..credit import CLASSES, derive
from ..visibility import Visibility, visibility
from .common import finding, record_label


def downgraded(ds, records, levels: dict) -> Iterator:
    credit = ds.credit
    if credit is None:
        return
    for record in records:
        entered = record.get(credit.column)
        if not entered or record.life.period_start is None:
            continue
        derived, why = derive(credit, record.get, levels.get(record.agency, ""))
        if CLASSES.index(entered) < CLASSES.index(derived):
            yield finding("W-CREDIT-DOWNGRADED", ds, record, entered=entered, derived=derived, reason=why)


def repair_eligible(ds, records, as_of: date) -> list[dict]:
    """Records still published on a channel a repair would end, whose shortest period is over
    (the party may apply, P10.3), not yet repaired: oldest first."""
    if ds.credit is None or ds.credit.repair is None:
        return []
    out = []
    for record in records:
        life = record.life
        if life.repair_from is None or life.repair_from > as_of or (life.repaired_on and life.repaired_on <= as_of):
            continue
        if any(visibility(life, as_of, channel) is Visibility.LISTED for channel in life.repair_ends):
            out.append({"record": record_label(ds, record), "file": record.path, "row": record.line,
                        "class": life.credit_class, "since": life.repair_from.isoformat(),
                        "party": str(record.get(ds.search.names[0]) if ds.search.names else "")})
    return sorted(out, key=lambda e: (e["since"], e["row"]))
