"""Render, the feeds that credit platforms sync from (art. 9; P5.2, P6): per dataset an Atom
subscription document with the latest changes, and RFC 5005 archive documents, one per day, that
hold the whole history — so that a consumer offline for a year can replay it from the start.

Every entry's id is a ``tag:`` URI of the record (RFC 4151) that never changes; ``updated`` is the
date of the change.  A listed record's entry carries every public field in the gongshi namespace
(and, for a dataset with 信用中国 data items, its S1/S2 row, amounts in 万元); a withdrawn,
revoked or expired record is an RFC 6721 tombstone that carries nothing of it but its id, the
day and the reason.  Feeds are built with feedgen; tombstones are placed among the entries
afterwards, since feedgen knows no deleted entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree
from xml.sax.saxutils import escape

from ..dates import CHINA, format_cn
from ..site import Change, DatasetView, Site
from . import routes
from .exports import EXTRA_COLUMNS, csv_row, mapped_row
from .text import facts, record_title, text_of

NS = "https://gongshi.example/ns/feed/1"          # the gongshi namespace: a name, not a location
AT = "http://purl.org/atompub/tombstones/1.0"      # RFC 6721
FH = "http://purl.org/syndication/history/1.0"     # RFC 5005
_NSMAP = {"gs": NS, "at": AT, "fh": FH}
_SLOT = re.compile(rb'<gs:slot n="(\d+)"/>')


class _Namespaces(BaseExtension):
    def extend_ns(self):
        return dict(_NSMAP)


class _Record(BaseEntryExtension):
    """A slot for the entry's ``gs:record``, which is written as text into the serialized feed
    (``slot``: its number): parsing and re-serializing 30 elements per entry would cost several
    times as much at 100,000 entries."""

    slot = None

    def extend_atom(self, entry):
        if self.slot is not None:
            etree.SubElement(entry, f"{{{NS}}}slot", n=str(self.slot))
        return entry


class _Feed(FeedGenerator):
    """A feedgen feed whose entries are interleaved with tombstones, in the given order."""

    def __init__(self, order, archive: bool):
        super().__init__()
        self._order = order  # ("entry", None) or ("tombstone", element), newest first
        self._archive = archive
        self.records: list[str] = []  # gs:record of each slot, as text
        self.register_extension("gs", _Namespaces, _Record, rss=False)

    def to_bytes(self, pretty: bool) -> bytes:
        text = self.atom_str(pretty=pretty)
        records = [(_indented(r) if pretty else r).encode("utf-8") for r in self.records]
        return _SLOT.sub(lambda m: records[int(m.group(1))], text)

    def _create_atom(self, extensions=True):
        feed, doc = super()._create_atom(extensions)
        entries = iter(feed.findall("entry"))  # feedgen writes Atom as the default namespace, unqualified
        for e in feed.findall("entry"):
            feed.remove(e)
        if self._archive:
            etree.SubElement(feed, f"{{{FH}}}archive")
        for kind, element in self._order:
            feed.append(next(entries) if kind == "entry" else element)
        etree.cleanup_namespaces(feed, top_nsmap=_NSMAP)  # declared once, on the feed
        return feed, doc


def subscription(site: Site, view: DatasetView):
    """The latest ``feed_size`` changes, and every change of the as-of day (so that nothing falls
    between this document and the newest archive), newest first."""
    changes = view.changes
    today = sum(1 for _ in _tail_on(changes, site.as_of))
    shown = changes[len(changes) - max(site.config.feed_size, today):]
    fg = _feed(site, view, shown, routes.feed(view), archive=False)
    if view.feed_days:
        fg.link(href=routes.absolute(site, routes.archive(view, view.feed_days[-1].day)), rel="prev-archive")
    fg.updated(_midnight(view.last_change or site.as_of))
    yield fg.to_bytes(pretty=True)


def archive(site: Site, view: DatasetView, k: int):
    """The changes of one day: immutable once the day is over, except that an entry of a record
    later corrected carries its corrected values, and one of a record since gone leaves (the law
    wants them out of every output: P5.1, P5.2, P6, P2.3)."""
    day = view.feed_days[k]
    fg = _feed(site, view, view.changes[day.start:day.end], routes.archive(view, day.day), archive=True)
    fg.title(f"{site.config.title}：{view.config.title}（{format_cn(day.day)}归档）")
    fg.link(href=routes.absolute(site, routes.feed(view)), rel="current")
    if k > 0:
        fg.link(href=routes.absolute(site, routes.archive(view, view.feed_days[k - 1].day)), rel="prev-archive")
    if k + 1 < len(view.feed_days):
        fg.link(href=routes.absolute(site, routes.archive(view, view.feed_days[k + 1].day)), rel="next-archive")
    fg.updated(_midnight(day.day))
    yield fg.to_bytes(pretty=False)  # for machines; at 100,000 records indentation alone is ~40 MB


def _feed(site: Site, view: DatasetView, changes, url: str, archive: bool) -> _Feed:
    cfg = site.config
    order, entries = [], []
    for change in reversed(changes):  # newest first
        if change.record is None:
            order.append(("tombstone", _tombstone(site, view, change)))
        else:
            order.append(("entry", None))
            entries.append(change)
    fg = _Feed(order, archive)
    fg.id(routes.absolute(site, url))
    title = f"{cfg.title}：{view.config.title}"
    fg.title(title)
    fg.author({"name": cfg.publisher})
    fg.link(href=routes.absolute(site, routes.dataset(view)), rel="alternate")
    fg.link(href=routes.absolute(site, url), rel="self")
    fg.language("zh-CN")
    layout = RecordLayout.of(view)
    for change in entries:
        fe = _entry(site, view, change)
        fe.gs.slot = len(fg.records)
        fg.records.append(record_xml(site, view, change.record, layout))
        fg.add_entry(fe, order="append")
    return fg


def entry_id(site: Site, view: DatasetView, record_id: str) -> str:
    return f"tag:{site.config.tag}:{view.config.name}/{record_id}"


def _entry(site: Site, view: DatasetView, change: Change) -> FeedEntry:
    record, event = change.record, change.event
    fe = FeedEntry()
    fe.register_extension("gs", _Record, rss=False)
    fe.id(entry_id(site, view, record.id))
    fe.title(f"【{event.kind}】{record_title(view, record)}")
    fe.link(href=routes.absolute(site, routes.record(view, record.id) if view.config.record_pages else routes.dataset(view)))
    fe.updated(_midnight(event.on))
    fe.published(_midnight(record.life.published_on))
    fe.category(term=event.kind)
    note = event.note or (text_of(record.get(view.config.role("status_note"))) if event.kind != "公示" else "")
    said = (f"{format_cn(event.on)}{event.kind}", note, facts(view, record))  # what the title does not say
    fe.summary("".join(f"{part.rstrip('。')}。" for part in said if part))
    return fe


def record_xml(site: Site, view: DatasetView, record, layout: RecordLayout) -> str:
    """``gs:record``: the same values, in the same order, as the record's row of the CSV export
    (id, url, public fields, 公示截止期), then its rows in other systems' data items (S1/S2),
    whose items either name the field they copy or carry their own value (万元, 公示截止期,
    the department's name and code)."""
    row = csv_row(site, view, record)
    names, exports = layout.names, layout.exports
    out = [f'<gs:record dataset="{names[0]}" id="{record.id}" '
           f'status="{_esc(record.life.status or "正常")}">']
    out += [f'<gs:field name="{name}">{_esc(value)}</gs:field>' for name, value in zip(names[1:], row)]
    for spec, head, items in exports:
        out.append(head)
        for item, value in zip(items, mapped_row(site, spec, record)):
            if item[1]:   # the same value as a field above: named, not repeated
                out.append(item[1])
            elif value:   # an item left out is empty
                out.append(f"{item[0]}{_esc(value)}</gs:item>")
        out.append("</gs:export>")
    out.append("</gs:record>")
    return "".join(out)


@dataclass(frozen=True)
class RecordLayout:
    """The escaped names a dataset's ``gs:record`` is made of: made once per feed document, not
    once per entry."""

    names: tuple[str, ...]   # the dataset, then the columns of its CSV export
    exports: tuple           # (spec, its gs:export tag, (item tag, or the item naming a field)) per export

    @classmethod
    def of(cls, view: DatasetView) -> "RecordLayout":
        names = tuple(_esc(n) for n in (view.config.name, *EXTRA_COLUMNS[:2], *view.field_names, EXTRA_COLUMNS[2]))
        exports = tuple((spec, f'<gs:export name="{_esc(spec.name)}">',
                         tuple((f'<gs:item code="{_esc(code)}">',
                                f'<gs:item code="{_esc(code)}" field="{_esc(what)}"/>'
                                if kind == "column" and not unit else "")
                               for code, kind, what, unit in spec.columns))
                        for spec in view.config.exports)
        return cls(names, exports)


# what must be escaped, and characters XML 1.0 cannot carry (a control character pasted from
# Excel: left out)
_SPECIAL = re.compile('[&<>"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _indented(record: str) -> str:
    """A ``gs:record`` laid out like the rest of a pretty-printed feed (values are escaped, so
    the markup found here is never part of one)."""
    return (record.replace("><gs:field", ">\n      <gs:field").replace("><gs:export", ">\n      <gs:export")
            .replace("><gs:item", ">\n        <gs:item").replace("></gs:export>", ">\n      </gs:export>")
            .replace("></gs:record>", ">\n    </gs:record>"))


def _esc(value: str) -> str:
    """Text for an element or a double-quoted attribute; most values need nothing."""
    if not _SPECIAL.search(value):
        return value
    return escape(_NOT_XML.sub("", value), {'"': "&quot;"})


def _tombstone(site: Site, view: DatasetView, change: Change) -> etree._Element:
    el = etree.Element(f"{{{AT}}}deleted-entry", ref=entry_id(site, view, change.record_id),
                       when=_midnight(change.event.on).isoformat())
    etree.SubElement(el, f"{{{AT}}}comment").text = change.event.kind
    return el


def _tail_on(changes, day: date):
    for c in reversed(changes):
        if c.event.on < day:
            return
        yield c


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=CHINA)
