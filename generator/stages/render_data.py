"""Render, the machine-readable outputs: CSV/JSON exports, the 信用中国 data items (S1, S2),
the sitemap and robots.txt.  Big ones stream in chunks."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

from ..credit import CREDITCHINA
from ..csv_injection import formula_safe
from ..history import ended_by
from ..model import Record
from ..dates import format_cn
from ..visibility import Visibility, visibility
from ..site import DatasetView, Site

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
        if o.url.endswith("/") and o.kind not in ("gone", "notice"):  # 410 Gone: not for indexing
            buf.append(f"  <url><loc>{base}{o.url}</loc></url>\n")
            if len(buf) >= 1000:
                yield "".join(buf).encode()
                buf = []
    buf.append("</urlset>\n")
    yield "".join(buf).encode()


EXTRA_COLUMNS = ("记录标识", "网址", "公示截止期")  # around the public fields in every export row


def csv_row(view: DatasetView, record: Record, base: str) -> list[str]:
    """A listed record as the export's row: id, URL, public fields, 公示截止期 (feeds reuse it)."""
    return [record.id, f"{base}{view.record_url(record)}" if view.config.record_pages else "",
            *(v if v.__class__ is str else plain(v) for v in public_values(view, record)),
            plain(record.life.last_day) or "长期"]


def export_csv(site: Site, view: DatasetView):
    base = site.config.base_url.rstrip("/")
    return _csv([EXTRA_COLUMNS[0], EXTRA_COLUMNS[1], *view.field_names, EXTRA_COLUMNS[2]],
                (csv_row(view, record, base) for record in view.listed))

def mapped_row(site: Site, spec, record: Record) -> list[str]:
    """A listed record in another system's data items (S1/S2): amounts in 万元, dates ISO."""
    row = []
    for _, kind, what, unit in spec.columns:
        if kind == "column":
            value = record.get(what)
            if unit == "万元" and value is not None:
                value = f"{(value / 10000).normalize():f}"
            row.append(plain(value))
        elif kind == "life" and what == "state":
            row.append("有效")  # a data-item file lists what is in force; the rest leaves through tombstones
        elif kind == "life":
            row.append(plain(getattr(record.life, what)) or ("长期" if what.endswith("last_day") else ""))
        elif kind == "agency":
            agency = site.agency_by_name.get(record.agency)
            row.append(getattr(agency, what) if agency else "")
        else:
            row.append("")
    return row


def export_mapped(site: Site, view: DatasetView, spec):
    """What credit platforms receive: the records listed on the credit channel (P10.2, P10.4)."""
    return _csv([code for code, *_ in spec.columns],
                (mapped_row(site, spec, record) for record in view.listed
                 if visibility(record.life, site.as_of, CREDITCHINA) is Visibility.LISTED))


def _csv(header: list[str], rows):
    """A CSV export in chunks of 2,000 rows: UTF-8 with a BOM, so that Excel opens it right."""
    buf = io.StringIO()
    writer = formula_safe(csv.writer(buf, lineterminator="\r\n"))  # CWE-1236: no formulas
    writer.writerow(header)
    yield b"\xef\xbb\xbf"
    for i, row in enumerate(rows):
        writer.writerow(row)
        if i % 2000 == 1999:
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
        kind, on, note = ended_by(view.config, record)  # a withdrawal, or a credit repair (P10.4)
        obj = {"id": record.id, "url": f"{base}{view.record_url(record)}", "status": kind,
               number_field: plain(record.get(number_field)), "状态日期": plain(on), "状态说明": note}
        yield (sep + json.dumps(obj, ensure_ascii=False)).encode("utf-8")
        sep = ",\n"
    yield b"\n ]\n}\n"


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value
