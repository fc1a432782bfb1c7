"""Redact: keep only the fields that the schema declares public (P3.1).

Deny by default: a column is dropped unless ``schema.is_public`` said yes when the schema was
loaded.  The record's life cycle (dates that decide visibility) stays with it: it is metadata
for the next stage, never rendered as a field.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..model import Layout, Record
from ..schema import TableSchema


def public_layout(schema: TableSchema) -> Layout:
    return Layout(schema.public_names)


def redact(records: Iterable[Record], schema: TableSchema) -> Iterator[Record]:
    layout = public_layout(schema)
    picks = None
    for record in records:
        if picks is None:
            picks = tuple(record.layout.index[name] for name in layout.names)
        values = record.values
        yield Record(record.dataset, record.id, record.path, record.line, layout,
                     tuple(values[i] for i in picks), record.life, record.agency)
