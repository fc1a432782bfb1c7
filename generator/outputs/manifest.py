"""What describes the other outputs, once they are written: ``/opendata/index.json`` (per
dataset its last change, its files and their SHA-256), ``/opendata/datapackage.json`` (a
Frictionless Data Package of the tabular downloads with their public schemas and hashes), and
Netlify's ``_redirects``, which answers 410 Gone for the URLs of withdrawn and expired records.

The downloads of each dataset come from the declarations of the output kinds (``kinds.py``):
``files`` maps a dataset's name to its ``kinds.File``s, in the order the downloads page lists
them.  A file's ``resource`` (from its declaration) makes its entry in the data package.
"""

from __future__ import annotations

import json

from ..site import DatasetView, Site
from . import routes
from .exports import EXTRA_COLUMNS

INDEX_VERSION = 1


def open_index(site: Site, files: dict):
    datasets = {}
    for name, view in site.datasets.items():
        listed = []
        for f in files[name]:
            info = site.downloads.get(f.url)
            listed.append({"url": routes.absolute(site, f.url), "format": f.format, "title": f.label,
                           "bytes": info.bytes if info else None, "sha256": info.sha256 if info else None})
        datasets[name] = {
            "title": view.config.title, "item": view.config.item,
            "last_change": view.last_change.isoformat() if view.last_change else None,
            "records": len(view.listed), "withdrawn": len(view.withdrawn),
            "withdrawn_records": withdrawn_records(site, view),
            "page": routes.absolute(site, routes.dataset(view)),
            "feed": routes.absolute(site, routes.feed(view)) if view.config.feed else None,
            "archives": len(view.feed_days) if view.config.feed else None,
            "files": listed,
        }
    doc = {"version": INDEX_VERSION, "publisher": site.config.publisher, "as_of": site.as_of.isoformat(),
           "datapackage": routes.absolute(site, routes.datapackage()), "datasets": datasets}
    yield (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def withdrawn_records(site: Site, view: DatasetView) -> list[dict]:
    """Each withdrawn record's id, URL (410 Gone), reason and day: 撤下 / 撤销 / 确认违法 /
    确认无效, or 删除（未按规定撤下） for a published record whose row was deleted (ledger.py)."""
    return [{"id": r.id, "url": routes.absolute(site, routes.record(view, r.id)) if view.config.record_pages else None,
             "status": r.life.status, "status_on": r.life.status_on.isoformat() if r.life.status_on else None}
            for r in view.withdrawn]


def datapackage(site: Site, files: dict):
    resources = [f.resource(site, view, f) for name, view in site.datasets.items() for f in files[name] if f.resource]
    cfg = site.config
    doc = {"profile": "data-package", "name": "gongshi", "title": cfg.title,
           **({"licenses": [{"name": cfg.licence.name, "title": cfg.licence.title, "path": cfg.licence.path}]}
              if cfg.licence else {}),
           # where the data come from: the publishing department's disclosure platform (the site)
           "sources": [{"title": f"{cfg.publisher}：{cfg.title}", "path": cfg.base_url}],
           "contributors": [{"title": cfg.publisher, "role": "publisher"}],
           "homepage": cfg.base_url, "version": site.as_of.isoformat(), "resources": resources}
    yield (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# ---------------------------------------------------------------- data package resources, by format

_TYPES = {"string": "string", "date": "date", "number": "number", "integer": "integer"}


def csv_resource(site: Site, view: DatasetView, file) -> dict:
    """The CSV export: the public fields between the record's id and URL and its 公示截止期."""
    fields = [{"name": EXTRA_COLUMNS[0], "type": "string", "description": "记录标识，长期不变"},
              {"name": EXTRA_COLUMNS[1], "type": "string", "description": "记录页面网址"}]
    fields += [{"name": f.name, "type": "string" if f.separators else _TYPES.get(f.type, "string"),
                "description": f.description} for f in view.fields]
    fields.append({"name": EXTRA_COLUMNS[2], "type": "string", "description": "公示截止期（YYYY-MM-DD）或“长期”"})
    return _tabular(site, view.config.path, file.url, view.config.title, fields, [EXTRA_COLUMNS[0]])


def json_resource(site: Site, view: DatasetView, file) -> dict:
    info = site.downloads.get(file.url)
    return {"name": f"{view.config.path}-json", "path": routes.file_name(file.url), "profile": "data-resource",
            "title": f"{view.config.title}（JSON：records 为公示中的记录，withdrawn 为已撤下的记录）",
            "format": "json", "mediatype": "application/json", "encoding": "utf-8",
            **({"bytes": info.bytes, "hash": f"sha256:{info.sha256}"} if info else {})}


def mapped_resource(site: Site, view: DatasetView, file) -> dict:
    """A dataset's rows in another system's data items (信用中国 S1/S2), with the legal basis."""
    spec = view.config.exports[file.args[1]]
    fields = [{"name": code, "type": "string"} for code, *_ in spec.columns]
    return _tabular(site, f"{view.config.path}-{spec.name}", file.url, spec.title, fields, None, spec.basis)


def _tabular(site: Site, name: str, url: str, title: str, fields: list, key, description: str = "") -> dict:
    info = site.downloads.get(url)
    res = {"name": name, "path": routes.file_name(url), "profile": "tabular-data-resource", "title": title,
           "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig"}
    if description:
        res["description"] = description
    if info:
        res["bytes"] = info.bytes
        res["hash"] = f"sha256:{info.sha256}"
    res["schema"] = {"fields": fields, **({"primaryKey": key} if key else {})}
    return res


# ---------------------------------------------------------------- 410 Gone

def redirects(site: Site):
    """Netlify ``_redirects``: a withdrawn record's URL answers 410 Gone with its notice page; an
    expired one's (or a repaired one's, unless configured to leave a notice) with the general
    page on records no longer shown (``/gone/``)."""
    lines = ["# 已撤下、已撤销、已信用修复和公示期满的记录：410 Gone（规则 P5.2、P6、P10.4、P2.3）\n"]
    gone = routes.served_from(routes.gone())
    for view in site.datasets.values():
        if not view.config.record_pages:
            continue
        for r in view.withdrawn:  # its notice stands at its URL
            url = routes.record(view, r.id)
            # Netlify's rule engine skips a splat rule for a path that starts with the rule's own
            # target, so the notice's index.html needs its own rule (generator/hosting.py)
            lines += [f"{routes.served_from(url)} {url} 410!\n", f"{url}* {routes.served_from(url)} 410!\n"]
        lines += [f"{routes.record(view, r.id)}* {gone} 410!\n" for r in view.expired]
    yield "".join(lines).encode("utf-8")
