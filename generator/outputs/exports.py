"""The open-data downloads of a dataset: its CSV and JSON exports, and its rows in other systems'
data items (信用中国 S1, S2).  They stream in chunks: at 100,000 records an export is tens of MB."""

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
from ..visibility import Visibility, visibility
from ..site import DatasetView, Site
from . import routes
from .text import plain, public_values

EXTRA_COLUMNS = ("记录标识", "网址", "公示截止期")  # around the public fields in every export row


def record_url(site: Site, view: DatasetView, record) -> str | None:
    """The absolute URL of a record's page, if its dataset has record pages."""
    return routes.absolute(site, routes.record(view, record.id)) if view.config.record_pages else None


def csv_row(site: Site, view: DatasetView, record: Record) -> list[str]:
    """A listed record as the export's row: id, URL, public fields, 公示截止期 (feeds reuse it)."""
    row = [record.id, record_url(site, view, record) or ""]
    row += [plain(v) for v in public_values(view, record)]
    row.append(plain(record.life.last_day) or "长期")
    return row


def export_csv(site: Site, view: DatasetView):
    return _csv([EXTRA_COLUMNS[0], EXTRA_COLUMNS[1], *view.field_names, EXTRA_COLUMNS[2]],
                (csv_row(site, view, record) for record in view.listed))


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
    columns = [f.name for f in view.fields]
    head = {"dataset": view.config.name, "title": view.config.title, "item": view.config.item,
            "as_of": site.as_of.isoformat(), "publisher": site.config.publisher,
            "fields": [{"name": f.name, "type": f.type, "description": f.description} for f in view.fields]}
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    yield (text + ',\n "records": [\n').encode("utf-8")
    batch = []  # written 1,000 records at a time: one write call per record would dominate
    for n, record in enumerate(view.listed, 1):
        obj = {"id": record.id, "url": record_url(site, view, record),
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
        obj = {"id": record.id, "url": routes.absolute(site, routes.record(view, record.id)), "status": kind,
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
