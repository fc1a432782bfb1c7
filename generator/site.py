"""The site model: what the assemble stage builds and the outputs are rendered from —
departments, dataset views (the records shown, in order), the 24 items, the content pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from math import ceil

from .config import DatasetConfig, SiteConfig
from .model import Agency, ContentPage, Event, Expired, Record, fingerprint
from .schema import FieldSpec

PHASES = ("事前", "事中", "事后")  # the items of attachment 2 by phase
AGENCY_PREVIEW = 10  # records of each dataset shown on a department page before "more"
HOME_LATEST = 10


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of a dataset's feed: a record's event, and the record when it is still listed
    (the entry then carries its current public values; a tombstone carries none)."""

    event: Event
    record_id: str
    record: Record | None


@dataclass(frozen=True, slots=True)
class FeedDay:
    """One archive document (RFC 5005): the changes of one day, ``changes[start:end]``."""

    day: date
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class FileInfo:
    """A written download: for the downloads page, ``index.json`` and ``datapackage.json``."""

    url: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class DatasetView:
    config: DatasetConfig
    fields: tuple[FieldSpec, ...]          # public fields, in schema order
    listed: tuple[Record, ...]             # newest first
    withdrawn: tuple[Record, ...]
    by_agency: dict                        # department name → tuple of indexes into ``listed``
    latest: date | None
    groups: tuple = ()                     # group label of each listed record (group_by), or ()
    expired: tuple[Expired, ...] = ()
    corrections: dict = field(default_factory=dict)  # record id → tuple of Correction, oldest first
    changes: tuple[Change, ...] = ()       # the feed's history, oldest first
    feed_days: tuple[FeedDay, ...] = ()    # archive documents, oldest first (days before the as-of date)
    last_change: date | None = None

    @cached_property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @cached_property
    def fingerprints(self) -> tuple[bytes, ...]:
        """``model.fingerprint`` of each listed record, in order: made once (the render phase
        makes them before its workers fork, outputs/schedule.py)."""
        return tuple(map(fingerprint, self.listed))


@dataclass(frozen=True)
class Item:
    no: int
    phase: str
    title: str
    shows: str
    period: str
    deadline: str
    url: str | None = None      # its dataset's list, the departments page or its content page
    count: int | None = None
    latest: date | None = None
    guides: tuple = ()          # (title, url) of each content page explaining the item beside its dataset or page


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    as_of: date
    agencies: tuple[Agency, ...]
    agency_by_name: dict
    datasets: dict                         # name → DatasetView, in configuration order
    pages: tuple[ContentPage, ...]
    items: tuple[Item, ...]
    calendar_years: tuple = ()             # (year, basis) of the holiday notices in the calendar
    counts: dict = field(default_factory=dict)  # dataset → {visibility: number of records}
    downloads: dict = field(default_factory=dict)  # url → FileInfo, once the downloads are written
    assets: tuple = ()                     # ContentAsset of each checked file of content/ (README "Security")
    disclosure: object = None              # the 公示情况 page's figures (compliance/supervision.py), when enabled

    @property
    def nav_pages(self) -> tuple[ContentPage, ...]:
        """The content pages in the top navigation (front matter ``nav: true``), in their order."""
        return placed(self.pages, lambda p: p.nav)

    @property
    def home_pages(self) -> tuple[ContentPage, ...]:
        """The content pages listed on the home page under 更多信息 (``home: true``)."""
        return placed(self.pages, lambda p: p.home)

    def view_for_item(self, no: int) -> DatasetView | None:
        return next((v for v in self.datasets.values() if v.config.item == no), None)


def placed(pages, where) -> tuple[ContentPage, ...]:
    """The pages ``where`` selects: those with an ``order`` first, by it; then the others; each by
    title, then slug (as Hugo's page weights: an unset one sorts last)."""
    return tuple(sorted((p for p in pages if where(p)), key=lambda p: (p.order is None, p.order or 0, p.title, p.slug)))


def page_count(records: int, page_size: int) -> int:
    """How many pages a list of ``records`` takes (one, when it is empty: it says so)."""
    return max(1, ceil(records / page_size))
