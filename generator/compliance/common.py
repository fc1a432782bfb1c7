"""What the compliance rules share: a finding about one record, with its dataset and key, and the
outcomes of a term (publication, answer, withdrawal, review) that the rules and the figures use."""

from __future__ import annotations

from datetime import date
from enum import Enum

from ..diagnostics import Diagnostic, diag


def record_label(ds, record) -> str:
    """The record's key as an editor finds it in the CSV (e.g. 处罚机关 and 文号)."""
    return " ".join(str(v) for v in (record.get(k) for k in ds.key) if v not in (None, ""))


def finding(code: str, ds, record, **params) -> Diagnostic:
    """A diagnostic at the record's ``file:row``; dates become ISO strings."""
    params = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
    return diag(code, record.path, record.line, dataset=ds.name, record=record_label(ds, record), **params)


class Outcome(str, Enum):
    """How a term stands on the as-of date (timeliness.py defines each for publication)."""

    ON_TIME = "on_time"    # done on or before its last day
    LATE = "late"          # done after it
    OVERDUE = "overdue"    # not done, and its last day has passed
    PENDING = "pending"    # not done, its last day not passed yet
