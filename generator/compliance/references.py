"""Staff certificates that have expired or are about to (P2.6), decisions citing a law that the
执法依据 list (item 9) knows only as repealed or superseded (P8: 不准确), and provisions cited two
ways across the datasets (I4)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..citations import citations, conflicts, law_name
from ..config import STATUS_WITHDRAWN
from .common import finding


def certificates(spec: dict, ds, records, as_of: date) -> Iterator:
    column, warn = spec["column"], int(spec.get("warn_days", 30))
    for record in records:
        expires = record.get(column)
        if not isinstance(expires, date) or record.life.status in STATUS_WITHDRAWN:
            continue
        if expires < as_of:
            yield finding("W-CERT-EXPIRED", ds, record, expires=expires)
        elif (expires - as_of).days <= warn:
            yield finding("W-CERT-EXPIRING", ds, record, expires=expires, days=(expires - as_of).days)


def law_status(spec: dict, records) -> dict[str, set[str]]:
    """Title (without 《》) → the 时效性 of every text the list holds under that title."""
    status: dict[str, set[str]] = {}
    for record in records:
        title = record.get(spec["title"])
        if title:
            status.setdefault(law_name(title), set()).add(str(record.get(spec["status"], "")))
    return status


def repealed_citations(spec: dict, status: dict[str, set[str]], ds, column: str, records) -> Iterator:
    current = set(spec["current"])
    for record in records:
        text = record.get(column)
        if not text:
            continue
        for title in dict.fromkeys(c.title for c in citations(str(text))):
            known = status.get(law_name(title))
            if known and not known & current:
                yield finding("W-REPEALED-BASIS", ds, record, column=column, title=f"《{title}》",
                              status="、".join(sorted(known)), decided=record.get(ds.date_field) or "")


def citation_conflicts(cited_in: dict, tables: dict) -> Iterator:
    """I4: the same law under two titles, or the same item of an article under two paragraphs,
    anywhere in the citing columns (``cited_in``: dataset → column) of the datasets."""
    def cited():
        for name, column in cited_in.items():
            if name in tables:
                ds, _schema, records = tables[name]
                for record in records:
                    for c in citations(str(record.get(column) or "")):
                        yield (ds, record, column), c
    for (ds, record, column), c, other, (other_ds, other_record, other_column) in conflicts(cited()):
        yield finding("W-CITATION-MISMATCH", ds, record, column=column, cited=c.text, other=other.text,
                      where=f"{other_record.path}:{other_record.line}（{other_column}）")
