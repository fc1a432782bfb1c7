"""Assemble: the shown records, departments and pages in; the site model and its list of outputs out.

Nothing is rendered here: an output is a URL, a kind and the arguments its renderer needs, so
the list stays small (a few bytes per page) however many pages there are.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from ..config import DatasetConfig, SiteConfig
from ..credit import CREDITCHINA
from ..history import history
from ..schema import FieldSpec
from ..site import AGENCY_PREVIEW, placed, PHASE_PATHS, Change, DatasetView, FeedDay, Item, Output, Site, page_url
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
    latest = max((r.life.published_on for r in records if r.life.published_on), default=None)
    withdrawn = tuple(ordered(withdrawn, ds))
    corrections = corrections or {}
    changes, days = feed_history(records, withdrawn, expired, corrections, as_of) if as_of else ((), ())
    return DatasetView(ds, fields, records, withdrawn, {k: tuple(v) for k, v in by_agency.items()}, latest,
                       groups, tuple(expired), corrections, changes, days,
                       changes[-1].event.on if changes else None)


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


def _items(config: SiteConfig, views: dict, pages, agencies) -> tuple[Item, ...]:
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
            url = view.url if count else None  # nothing shown: say so, don't link to an empty list
        elif it["item"] == 1:
            url, count = "/agencies/", len(agencies)
            latest = max((a.established for a in agencies if a.established), default=None)
        explaining = pages_of_item.get(it["item"], [])
        if explaining and count is None:  # the item is published as a page: the first one
            first, *explaining = explaining
            url, latest = f"/{first.slug}/", first.updated
        guides = tuple((page.title, f"/{page.slug}/") for page in explaining)  # pages explaining the item
        items.append(Item(it["item"], it["phase"], it["title"], it["shows"], str(it["period"]),
                          str(it["deadline"]), url, count, latest, guides))
    return tuple(items)


def assemble(config: SiteConfig, as_of: date, agencies, views: dict, pages, calendar_years=(),
             counts=None) -> Site:
    site = Site(config, as_of, tuple(agencies), {a.name: a for a in agencies}, views, tuple(pages),
                _items(config, views, pages, agencies), tuple(calendar_years), dict(counts or {}))
    size = config.page_size
    heavy: list[Output] = []  # one output over all of a dataset's records: rendered first (see below)
    out = [Output("/", "home"), Output("/agencies/", "agencies"), Output("/platform/", "platform"),
           Output("/search/", "search"), Output("/404.html", "404"), Output("/gone/", "gone"),
           Output("/_redirects", "redirects")]
    out += [Output(f"/{path}/", "phase", (phase,)) for phase, path in PHASE_PATHS.items()]
    for name, view in views.items():
        base = view.url
        pages_n = view.pages(len(view.listed), size)
        out += [Output(page_url(base, n), "list", (name, n)) for n in range(1, pages_n + 1)]
        if view.config.record_pages:
            out += [Output(view.record_url(r), "record", (name, i)) for i, r in enumerate(view.listed)]
            out += [Output(view.record_url(r), "notice", (name, i)) for i, r in enumerate(view.withdrawn)]
        if view.config.feed:
            heavy.append(Output(view.feed_url, "feed", (name,)))
            # an archive of a busy day takes as long as 300 pages: each is a task of its own
            heavy += [Output(view.archive_url(d.day), "feed-archive", (name, k)) for k, d in enumerate(view.feed_days)]
        heavy += [Output(f"/opendata/{view.config.path}.csv", "export-csv", (name,)),
                  Output(f"/opendata/{view.config.path}.json", "export-json", (name,))]
        heavy += [Output(f"/opendata/{view.config.path}-{e.name}.csv", "export-mapped", (name, i))
                  for i, e in enumerate(view.config.exports)]
    for agency in site.agencies:
        base = f"/agencies/{agency.id}/"
        out.append(Output(base, "agency", (agency.name,)))
        for name, view in views.items():
            count = len(view.by_agency.get(agency.name, ()))
            if count > AGENCY_PREVIEW:
                for n in range(1, view.pages(count, size) + 1):
                    out.append(Output(page_url(f"{base}{view.config.path}/", n), "agency-list",
                                      (agency.name, name, n)))
    out += [Output(f"/{p.slug}/", "content", (i,)) for i, p in enumerate(site.pages)]
    heavy += [Output("/sitemap.xml", "sitemap")]
    out += [Output("/robots.txt", "robots")]
    # what describes the downloads (their sizes and hashes) is rendered once they are written
    last = [Output("/opendata/", "opendata"), Output("/opendata/index.json", "open-index"),
            Output("/opendata/datapackage.json", "datapackage")]
    # the few outputs that take seconds each come first, so that parallel workers start them
    # early instead of one worker finishing them alone at the end
    return replace(site, outputs=tuple(heavy + out + last))
