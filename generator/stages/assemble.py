"""Assemble: the shown records, departments and pages in; the site model out — each dataset's
records in the order its list shows them, grouped by period where configured, by department,
and its feed's history; the 24 items of attachment 2 with what each links to.

Nothing is rendered here: the outputs of the site are declared in ``outputs/kinds.py``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..config import DatasetConfig, SiteConfig
from ..credit import CREDITCHINA
from ..history import history
from ..schema import FieldSpec
from ..outputs import routes
from ..site import Change, DatasetView, FeedDay, Item, Site, placed
from ..yamlfile import read_yaml

ITEMS_FILE = Path(__file__).resolve().parent.parent / "items.yaml"


def ordered(records, ds: DatasetConfig):
    """Newest first by the dataset's date (oldest first where configured, e.g. the next hearing);
    a list without a date (a catalogue) reads in key order."""
    if ds.date_field is None:
        return sorted(records, key=lambda r: tuple(str(r.get(k, "")) for k in ds.key))
    date_field, tie = ds.date_field, ds.key[-1]
    return sorted(records, reverse=not ds.oldest_first, key=lambda r: (
        r.get(date_field) or r.life.published_on or date.min, str(r.get(tie, ""))))


def period_of(d: date, unit: str) -> tuple[date, str]:
    """(first day, label) of the quarter, half-year or year that ``d`` falls in."""
    if unit == "quarter":
        q = (d.month - 1) // 3
        return date(d.year, q * 3 + 1, 1), f"{d.year}年第{'一二三四'[q]}季度"
    if unit == "half-year":
        first = d.month <= 6
        return date(d.year, 1 if first else 7, 1), f"{d.year}年{'上' if first else '下'}半年"
    return date(d.year, 1, 1), f"{d.year}年"


def dataset_view(ds: DatasetConfig, fields: tuple[FieldSpec, ...], listed, withdrawn,
                 agency_level=None, expired=(), corrections=None, as_of: date | None = None) -> DatasetView:
    groups = ()
    if ds.group_by:  # newest period first; within a period, the usual order
        g = ds.group_by
        labels: dict = {}

        def period(record):
            if g.default == "value":  # categorical: the listed order first, then the rest
                value = str(record.get(g.column) or "")
                rank = g.order.index(value) if value in g.order else len(g.order)
                return (-rank, value)
            d = record.get(g.column) or record.life.published_on
            unit = g.unit(agency_level(record.agency) if agency_level else "")
            return labels.setdefault((d, unit), period_of(d, unit)) if d else (date.min, "")
        # stable sorts: the usual order within a group, the newest (or first-ranked) group first
        records = tuple(sorted(ordered(listed, ds), key=lambda r: period(r)[0], reverse=True))
        groups = tuple(period(r)[1] for r in records)
    else:
        records = tuple(ordered(listed, ds))
    by_agency: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        if record.agency:
            by_agency.setdefault(record.agency, []).append(i)
    withdrawn = tuple(ordered(withdrawn, ds))
    corrections = corrections or {}
    latest = updated_on(records, withdrawn, corrections, as_of)
    changes, days = feed_history(records, withdrawn, expired, corrections, as_of) if as_of else ((), ())
    return DatasetView(ds, fields, records, withdrawn, {k: tuple(v) for k, v in by_agency.items()}, latest,
                       groups, tuple(expired), corrections, changes, days,
                       changes[-1].event.on if changes else None)


def updated_on(listed, withdrawn, corrections: dict, as_of: date | None) -> date | None:
    """The day a dataset's public list last changed (the home page's 更新于): a record published,
    corrected or changed (P5.1: its 状态日期, an entry of the corrections log) or withdrawn."""
    days = [r.life.published_on for r in listed if r.life.published_on]
    days += [r.life.status_on for r in (*listed, *withdrawn) if r.life.status_on]
    days += [c.on for entries in corrections.values() for c in entries]
    return max((d for d in days if as_of is None or d <= as_of), default=None)


def feed_history(listed, withdrawn, expired, corrections: dict, as_of: date):
    """Every change of the dataset's records on the credit channel that feeds serve (P10.2),
    oldest first, and the archive days.

    A record that is gone (withdrawn, repaired or expired) is told by its tombstone only: its
    earlier entries, which carried its content, leave the archives (P5.2, P6, P10.4, P2.3).  Their
    days keep an archive document (perhaps empty), so that the chain of archives does not change
    shape.  A record never sent on the channel (轻微, P10.2) is not told at all."""
    changes, days = [], set()
    for group, keep in ((listed, True), (withdrawn, False), (expired, False)):
        for r in group:
            events = history(r.life, corrections.get(r.id, ()), as_of, CREDITCHINA)
            days.update(e.on for e in events)
            shown = keep and bool(events) and not events[-1].gone  # listed on the portal, gone from credit
            changes += [Change(e, r.id, r if shown else None) for e in events if shown or e.gone]
    changes.sort(key=lambda c: (c.event.on, c.record_id, c.event.gone))
    archived = sorted(d for d in days if d < as_of)
    feed_days, start = [], 0
    n = len(changes)
    for day in archived:  # changes are sorted by day: one pass
        end = start
        while end < n and changes[end].event.on <= day:
            end += 1
        feed_days.append(FeedDay(day, start, end))
        start = end
    return tuple(changes), tuple(feed_days)


def _items(views: dict, pages, agencies) -> tuple[Item, ...]:
    spec = read_yaml(ITEMS_FILE, "generator/items.yaml").data["items"]
    by_item = {v.config.item: v for v in views.values()}
    pages_of_item: dict[int, list] = {}  # several pages may explain one item, in their order
    for p in placed(pages, lambda p: bool(p.item)):
        pages_of_item.setdefault(p.item, []).append(p)
    items = []
    for it in spec:
        url = count = latest = None
        if it["item"] in by_item:
            view = by_item[it["item"]]
            count, latest = len(view.listed), view.latest
            url = routes.dataset(view) if count else None  # nothing shown: say so, don't link to an empty list
        elif it["item"] == 1:
            url, count = routes.agencies(), len(agencies)
            latest = max((a.established for a in agencies if a.established), default=None)
        explaining = pages_of_item.get(it["item"], [])
        if explaining and count is None:  # the item is published as a page: the first one
            first, *explaining = explaining
            url, latest = routes.content(first), first.updated
        guides = tuple((page.title, routes.content(page)) for page in explaining)  # pages explaining the item
        items.append(Item(it["item"], it["phase"], it["title"], it["shows"], str(it["period"]),
                          str(it["deadline"]), url, count, latest, guides))
    return tuple(items)


def assemble(config: SiteConfig, as_of: date, agencies, views: dict, pages, calendar_years=(),
             counts=None, assets=()) -> Site:
    return Site(config, as_of, tuple(agencies), {a.name: a for a in agencies}, views, tuple(pages),
                _items(views, pages, agencies), tuple(calendar_years), dict(counts or {}), assets=tuple(assets))
