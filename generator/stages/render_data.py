"""Render, the machine-readable outputs: Atom feeds for sync consumers, CSV/JSON exports, the
信用中国 data items (S1, S2), the sitemap and robots.txt.  Big ones stream in chunks."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from ..model import Record
from ..config import STATUS_NOTED
from ..dates import format_cn
from ..site import DatasetView, Site

CHINA = timezone(timedelta(hours=8))


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


def plain(value) -> str:
    """How a value reads in exports: ISO dates, plain numbers."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "、".join(value)
    return str(value)


def public_values(view: DatasetView, record: Record) -> tuple:
    """A record's public values in schema order (after redaction, that is its values)."""
    if record.layout.names == view.field_names:
        return record.values
    return tuple(record.get(f.name) for f in view.fields)


def robots(site: Site):
    yield (f"User-agent: *\nAllow: /\n\nSitemap: {site.config.base_url}sitemap.xml\n").encode()


def sitemap(site: Site):
    base = site.config.base_url.rstrip("/")
    yield b'<?xml version="1.0" encoding="UTF-8"?>\n'
    yield b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    buf = []
    for o in site.outputs:
        if o.url.endswith("/"):
            buf.append(f"  <url><loc>{base}{o.url}</loc></url>\n")
            if len(buf) >= 1000:
                yield "".join(buf).encode()
                buf = []
    buf.append("</urlset>\n")
    yield "".join(buf).encode()


def feed(site: Site, view: DatasetView):
    from feedgen.feed import FeedGenerator  # imported where used: workers without feeds skip it

    cfg = site.config
    base = cfg.base_url.rstrip("/")
    entries = [(r, False) for r in view.listed] + [(r, True) for r in view.withdrawn]
    entries.sort(key=lambda e: (_updated(e[0]), e[0].id), reverse=True)
    entries = entries[:cfg.feed_size]
    fg = FeedGenerator()
    fg.id(f"{base}/feeds/{view.config.path}.xml")
    fg.title(f"{cfg.title}：{view.config.title}")
    fg.author({"name": cfg.publisher})
    fg.link(href=f"{base}{view.url}", rel="alternate")
    fg.link(href=f"{base}/feeds/{view.config.path}.xml", rel="self")
    fg.language("zh-CN")
    fg.updated(_midnight(max((_updated(r) for r, _ in entries), default=site.as_of)))
    number_field = view.config.key[-1]
    for record, withdrawn in reversed(entries):  # feedgen prepends: add oldest first
        fe = fg.add_entry()
        fe.id(f"{base}{view.record_url(record)}")
        fe.link(href=f"{base}{view.record_url(record)}")
        fe.updated(_midnight(_updated(record)))
        fe.published(_midnight(record.life.published_on))
        title = text_of(record.get(view.config.title_field))
        if withdrawn:
            fe.title(f"【{record.life.status}】{text_of(record.get(number_field))}")
            fe.category(term="withdrawn", label=record.life.status)
            fe.content(text_of(record.get(view.config.role("status_note"))), type="text")
        else:
            fe.title(title)
            fe.category(term="corrected" if record.life.status in STATUS_NOTED else "published",
                        label=record.life.status or "正常")
            fe.content("\n".join(f"{f.name}：{text_of(v)}" for f, v in zip(view.fields, public_values(view, record))
                                  if v is not None), type="text")
    yield fg.atom_str(pretty=True)


def export_csv(site: Site, view: DatasetView):
    base = site.config.base_url.rstrip("/")
    columns = [f.name for f in view.fields]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["记录标识", "网址", *columns, "公示截止期"])
    yield b"\xef\xbb\xbf"  # UTF-8 BOM, so that Excel opens it in the right encoding
    for i, record in enumerate(view.listed):
        writer.writerow([record.id, f"{base}{view.record_url(record)}" if view.config.record_pages else "",
                         *(v if v.__class__ is str else plain(v) for v in public_values(view, record)),
                         plain(record.life.last_day) or "长期"])
        if i % 2000 == 1999:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")

def export_mapped(site: Site, view: DatasetView, spec):
    """Listed records in another system's data items (S1/S2): amounts in 万元, dates ISO."""
    agencies = site.agency_by_name
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([code for code, *_ in spec.columns])
    yield b"\xef\xbb\xbf"
    for n, record in enumerate(view.listed):
        row = []
        for _, kind, what, unit in spec.columns:
            if kind == "column":
                value = record.get(what)
                if unit == "万元" and value is not None:
                    value = (value / 10000).normalize()
                    value = f"{value:f}"
                row.append(plain(value))
            elif kind == "life":
                row.append(plain(getattr(record.life, what)))
            elif kind == "agency":
                agency = agencies.get(record.agency)
                row.append(getattr(agency, what) if agency else "")
            else:
                row.append("")
        writer.writerow(row)
        if n % 2000 == 1999:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")

def export_json(site: Site, view: DatasetView):
    base = site.config.base_url.rstrip("/")
    columns = [f.name for f in view.fields]
    head = {"dataset": view.config.name, "title": view.config.title, "item": view.config.item,
            "as_of": site.as_of.isoformat(), "publisher": site.config.publisher,
            "fields": [{"name": f.name, "type": f.type, "description": f.description} for f in view.fields]}
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    yield (text + ',\n "records": [\n').encode("utf-8")
    batch = []  # written 1,000 records at a time: one write call per record would dominate
    for n, record in enumerate(view.listed, 1):
        obj = {"id": record.id, "url": f"{base}{view.record_url(record)}" if view.config.record_pages else None,
               "status": record.life.status or "正常"}
        obj.update(zip(columns, (v if v.__class__ is str else _json_value(v)
                                 for v in public_values(view, record))))
        obj["公示截止期"] = plain(record.life.last_day) or "长期"
        batch.append(json.dumps(obj, ensure_ascii=False))
        if n % 1000 == 0 or n == len(view.listed):
            yield ((",\n" if n > len(batch) else "") + ",\n".join(batch)).encode("utf-8")
            batch = []
    yield b'\n ],\n "withdrawn": [\n'
    sep = ""
    number_field = view.config.key[-1]
    for record in view.withdrawn:
        obj = {"id": record.id, "url": f"{base}{view.record_url(record)}", "status": record.life.status,
               number_field: plain(record.get(number_field)),
               "状态日期": plain(record.life.status_on),
               "状态说明": plain(record.get(view.config.role("status_note")))}
        yield (sep + json.dumps(obj, ensure_ascii=False)).encode("utf-8")
        sep = ",\n"
    yield b"\n ]\n}\n"


def _updated(record: Record) -> date:
    life = record.life
    return max(d for d in (life.published_on, life.status_on, date.min) if d is not None)


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=CHINA)


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value
