"""How a public value reads: on a page (``text_of``: 2024年3月5日, 80,000) and in the
machine-readable files (``plain``: ISO dates, plain numbers)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..dates import format_cn
from ..model import Record
from ..site import DatasetView


def text_of(value) -> str:
    """How a public value reads on a page."""
    if value.__class__ is str:  # the common case first
        return value
    if value is None:
        return ""
    if isinstance(value, date):
        return format_cn(value)
    if isinstance(value, Decimal):
        return f"{value:,.2f}" if value != value.to_integral_value() else f"{int(value):,}"
    if isinstance(value, tuple):
        return "、".join(value)
    return str(value)


def with_unit(text: str, unit: str) -> str:
    """A value as it reads with its unit (the schema's ``unit``): 80,000 元; nothing stays nothing."""
    return f"{text} {unit}" if text and unit else text


def plain(value) -> str:
    """How a value reads in exports: ISO dates, plain numbers."""
    if value.__class__ is str:  # the common case first
        return value
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "、".join(value)
    return str(value)


def record_title(view: DatasetView, record: Record) -> str:
    """What names the record apart from the others of its dataset (its ``record_title``)."""
    return view.config.record_title.render(record.get, text_of)


def facts(view: DatasetView, record: Record) -> str:
    """What a list shows of a record besides its title: "处罚类别：罚款；处罚决定日期：2026年9月15日"
    (a feed entry's summary says what its title does not)."""
    named = set(view.config.record_title.columns)
    columns = view.config.list_columns or view.field_names
    return "；".join(f"{c}：{t}" for c in columns if c not in named and (t := text_of(record.get(c))))


def public_values(view: DatasetView, record: Record) -> tuple:
    """A record's public values in schema order (after redaction, that is its values)."""
    if record.layout.names == view.field_names:
        return record.values
    return tuple(record.get(f.name) for f in view.fields)
