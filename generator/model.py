"""The plain frozen records that flow between the stages of the pipeline."""

from __future__ import annotations

import dataclasses
import hashlib
import operator
import pickle
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class Layout:
    """Column names of a dataset's records, shared by all its records (saves memory at 100k)."""

    names: tuple[str, ...]
    index: dict = field(compare=False, hash=False, repr=False, default=None)

    def __post_init__(self):
        object.__setattr__(self, "index", {n: i for i, n in enumerate(self.names)})


@dataclass(frozen=True, slots=True)
class RawTable:
    """A CSV as read: its header and its rows, each row (line number, cells)."""

    path: str
    header: tuple[str, ...]
    rows: Any  # iterator of (line, tuple[str, ...]); consumed once
    again: Any = None  # None, or a function giving a new iterator over the same rows, read afresh


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """What decides when a record is shown (P2, P4, P5, P6), derived from its fields."""

    published_on: date | None
    reviewed_on: date | None
    status: str
    status_on: date | None
    period_start: date | None
    last_day: date | None      # 公示截止期; None: 长期
    period_label: str          # "1 年", "3 年", "长期"
    period_basis: str
    deadline: date | None      # last day to publish on time (P8)
    deadline_provisional: bool  # the deadline crosses a year without a holiday notice (C4)
    # the credit channel (信用中国 exports, feed) and Order 36 (P10); without classes it is the portal
    credit_class: str = ""     # 失信程度: 轻微 / 一般 / 严重 (P10.1)
    credit_reason: str = ""    # how the class was found: the editor's entry or the rule that holds
    credit_last_day: date | None = None  # 信用中国 公示截止期 (P10.2)
    credit_sent: bool = True   # False: not sent to credit platforms at all (轻微, P10.2)
    credit_label: str = ""     # "1 年", "3 个月", "不报送"
    credit_basis: str = ""
    repair_from: date | None = None   # first day a repair may be decided (P10.3)
    repaired_on: date | None = None   # 信用修复 decided (P10.4)
    repair_ends: tuple = ()           # channels a repair ends publication on
    major: str = ""            # major by rule: "binding" or "advisory" (L2, L3)
    major_reason: str = ""

    def last_day_on(self, channel: str) -> date | None:
        """公示截止期 on a channel: the portal's, or the credit channel's (never later, P10.2)."""
        return self.credit_last_day if channel == "creditchina" and self.credit_class else self.last_day


@dataclass(frozen=True, slots=True)
class Record:
    dataset: str
    id: str
    path: str   # source file, relative to the site root
    line: int   # line of the source file where the record starts
    layout: Layout
    values: tuple
    life: Lifecycle
    agency: str | None = None  # name of the department the record belongs to

    def get(self, name: str, default: Any = None) -> Any:
        i = self.layout.index.get(name)
        if i is None:
            return default
        value = self.values[i]
        return default if value is None else value

    def items(self):
        return zip(self.layout.names, self.values)


@dataclass(frozen=True, slots=True)
class Agency:
    id: str
    name: str
    credit_code: str
    region: str
    level: str
    parent: str
    review_body: str
    duties: tuple[str, ...]
    address: str
    postcode: str
    phone: str
    complaint_phone: str
    office_hours: str
    established: date | None
    line: int


@dataclass(frozen=True, slots=True)
class ContentPage:
    slug: str
    title: str
    item: int | None
    phase: str
    summary: str
    updated: date | None
    html: str
    path: str
    front_matter: tuple = ()   # (key, text, line, column) of every front-matter value, to be scanned (P3.3)
    nav: bool = False          # where the page appears (frontmatter.py): the top navigation,
    home: bool = False         # the home page,
    order: int | None = None   # in this order among them (None: after those with one);
    unlisted: bool = False     # or nowhere, on purpose


@dataclass(frozen=True, slots=True)
class ContentAsset:
    """A file of ``content/`` that passed its checks (README "Security"): published at ``target``
    (site-relative) from ``source`` (site-root-relative), whose bytes had this SHA-256 when checked."""

    source: str
    target: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Expired:
    """A record past its 公示截止期: its id and life cycle, and nothing of its content (P2.3), so
    that feeds can still announce its removal."""

    id: str
    life: Lifecycle


@dataclass(frozen=True, slots=True)
class Correction:
    """One entry of the corrections log (P5.1): which record, when, and its public fields."""

    dataset: str
    record: str          # the record's id, resolved from what the editor wrote
    on: date
    shown: tuple         # (field, value) of the log's public fields, in schema order
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class Event:
    """One change in a record's public history: published, corrected, status changed, gone."""

    on: date
    kind: str            # 公示 / 更正 / 变更 / 撤下 / 撤销 / 确认违法 / 确认无效 / 公示期满
    gone: bool = False   # the record is no longer shown from this day: a tombstone (P5.2, P6, P2.3)
    note: str = ""       # what the change was, in public words


# a lifecycle, an event as the tuple of their fields: pickled a third faster than the objects
# (pickle asks a slotted dataclass for its state field by field), for the same bytes every build
lifecycle_fields = operator.attrgetter(*(f.name for f in dataclasses.fields(Lifecycle)))
event_fields = operator.attrgetter(*(f.name for f in dataclasses.fields(Event)))


def fingerprint(record: Record) -> bytes:
    """SHA-256 over all of a record that an output of it may read — its id, field names, values,
    life cycle and department — and not where its row sits (``path``, ``line``).  The build
    cache's keys of record pages, downloads, workbook rows and feed archives are made of these
    (outputs/reuse*.py): equal digests, equal records; one digest per record and build
    (``DatasetView.fingerprints``) instead of each output pickling the record again."""
    return hashlib.sha256(pickle.dumps((record.id, record.layout.names, record.values,
                                        lifecycle_fields(record.life), record.agency), 5)).digest()
