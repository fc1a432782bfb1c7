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
from .reuse_exports import slotted
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


def export_csv(site: Site, view: DatasetView, reuse=None):
    """``reuse``: the rows of earlier builds (``reuse_exports.ExportReuse``), or None."""
    url = routes.export(view, "csv")
    yield _csv_head([EXTRA_COLUMNS[0], EXTRA_COLUMNS[1], *view.field_names, EXTRA_COLUMNS[2]])
    yield from slotted(site, view, url, lambda records: _csv_rows(csv_row(site, view, r) for r in records), reuse)


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


def export_mapped(site: Site, view: DatasetView, spec, reuse=None):
    """What credit platforms receive: the records listed on the credit channel (P10.2, P10.4)."""
    url = routes.export(view, "csv", spec.name)
    yield _csv_head([code for code, *_ in spec.columns])
    yield from slotted(site, view, url, lambda records: _csv_rows(mapped_row(site, spec, r) for r in records), reuse,
                       chosen=lambda r: visibility(r.life, site.as_of, CREDITCHINA) is Visibility.LISTED)


def _csv_head(header: list[str]) -> bytes:
    """A CSV export's start: UTF-8 with a BOM, so that Excel opens it right, and the header row."""
    return b"\xef\xbb\xbf" + _csv_rows([header])


def _csv_rows(rows) -> bytes:
    buf = io.StringIO()
    writer = formula_safe(csv.writer(buf, lineterminator="\r\n"))  # CWE-1236: no formulas
    for row in rows:
        writer.writerow(row)
    return buf.getvalue().encode("utf-8")


def export_json(site: Site, view: DatasetView, reuse=None):
    """``reuse``: the records of earlier builds (``reuse_exports.ExportReuse``), or None."""
    head = {"dataset": view.config.name, "title": view.config.title, "item": view.config.item,
            "as_of": site.as_of.isoformat(), "publisher": site.config.publisher,
            "fields": [{"name": f.name, "type": f.type, "description": f.description} for f in view.fields]}
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    yield (text + ',\n "records": [\n').encode("utf-8")
    yield from slotted(site, view, routes.export(view, "json"), lambda records: _json_records(site, view, records),
                       reuse, sep=b",\n")
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


def _json_records(site: Site, view: DatasetView, records) -> bytes:
    columns = [f.name for f in view.fields]
    out = []
    for record in records:
        obj = {"id": record.id, "url": record_url(site, view, record), "status": record.life.status or "正常"}
        obj.update(zip(columns, (v if v.__class__ is str else _json_value(v) for v in public_values(view, record))))
        obj["公示截止期"] = plain(record.life.last_day) or "长期"
        out.append(json.dumps(obj, ensure_ascii=False))
    return ",\n".join(out).encode("utf-8")


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value
