"""What the compliance rules share: a finding about one record, with its dataset and key."""

from __future__ import annotations

from datetime import date

from ..diagnostics import Diagnostic, diag


def record_label(ds, record) -> str:
    """The record's key as an editor finds it in the CSV (e.g. 处罚机关 and 文号)."""
    return " ".join(str(v) for v in (record.get(k) for k in ds.key) if v not in (None, ""))


def finding(code: str, ds, record, **params) -> Diagnostic:
    """A diagnostic at the record's ``file:row``; dates become ISO strings."""
    params = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
    return diag(code, record.path, record.line, dataset=ds.name, record=record_label(ds, record), **params)
