"""Render, what describes the other outputs, once they are written: ``/opendata/index.json`` (per
dataset its last change, its files and their SHA-256), ``/opendata/datapackage.json`` (a
Frictionless Data Package of the CSV exports with their public schemas and hashes), and Netlify's
``_redirects``, which answers 410 Gone for the URLs of withdrawn and expired records."""

from __future__ import annotations

import json

from ..site import DatasetView, Site
from .render_data import EXTRA_COLUMNS

INDEX_VERSION = 1


def open_index(site: Site):
    datasets = {}
    for name, view in site.datasets.items():
        files = []
        for url, fmt, label in site.download_files(view):
            info = site.downloads.get(url)
            files.append({"url": _abs(site, url), "format": fmt, "title": label,
                          "bytes": info.bytes if info else None, "sha256": info.sha256 if info else None})
        datasets[name] = {
            "title": view.config.title, "item": view.config.item,
            "last_change": view.last_change.isoformat() if view.last_change else None,
            "records": len(view.listed), "withdrawn": len(view.withdrawn),
            "page": _abs(site, view.url),
            "feed": _abs(site, view.feed_url) if view.config.feed else None,
            "archives": len(view.feed_days) if view.config.feed else None,
            "files": files,
        }
    doc = {"version": INDEX_VERSION, "publisher": site.config.publisher, "as_of": site.as_of.isoformat(),
           "datapackage": _abs(site, "/opendata/datapackage.json"), "datasets": datasets}
    yield (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


_TYPES = {"string": "string", "date": "date", "number": "number", "integer": "integer"}


def datapackage(site: Site):
    resources = []
    for name, view in site.datasets.items():
        csv_url = f"/opendata/{view.config.path}.csv"
        fields = [{"name": EXTRA_COLUMNS[0], "type": "string", "description": "记录标识，长期不变"},
                  {"name": EXTRA_COLUMNS[1], "type": "string", "description": "记录页面网址"}]
        fields += [{"name": f.name, "type": "string" if f.separators else _TYPES.get(f.type, "string"),
                    "description": f.description} for f in view.fields]
        fields.append({"name": EXTRA_COLUMNS[2], "type": "string", "description": "公示截止期（YYYY-MM-DD）或“长期”"})
        resources.append(_resource(site, view.config.path, csv_url, view.config.title, fields, ["记录标识"]))
        json_url = f"/opendata/{view.config.path}.json"
        info = site.downloads.get(json_url)
        resources.append({"name": f"{view.config.path}-json", "path": json_url.rsplit("/", 1)[-1],
                          "profile": "data-resource", "title": f"{view.config.title}（JSON：records 为公示中的记录，"
                          "withdrawn 为已撤下的记录）", "format": "json", "mediatype": "application/json",
                          "encoding": "utf-8", **({"bytes": info.bytes, "hash": f"sha256:{info.sha256}"} if info else {})})
        for spec in view.config.exports:
            url = f"/opendata/{view.config.path}-{spec.name}.csv"
            fields = [{"name": code, "type": "string"} for code, *_ in spec.columns]
            resources.append(_resource(site, f"{view.config.path}-{spec.name}", url, spec.title, fields, None,
                                       spec.basis))
    doc = {"profile": "data-package", "name": "gongshi", "title": site.config.title,
           "contributors": [{"title": site.config.publisher, "role": "publisher"}],
           "homepage": site.config.base_url, "version": site.as_of.isoformat(), "resources": resources}
    yield (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _resource(site: Site, name: str, url: str, title: str, fields: list, key, description: str = "") -> dict:
    info = site.downloads.get(url)
    res = {"name": name, "path": url.rsplit("/", 1)[-1], "profile": "tabular-data-resource", "title": title,
           "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig"}
    if description:
        res["description"] = description
    if info:
        res["bytes"] = info.bytes
        res["hash"] = f"sha256:{info.sha256}"
    res["schema"] = {"fields": fields, **({"primaryKey": key} if key else {})}
    return res


def redirects(site: Site):
    """Netlify ``_redirects``: a withdrawn record's URL answers 410 Gone with its notice page; an
    expired one's (or a repaired one's, unless configured to leave a notice) with the general
    page on records no longer shown (``/gone/``)."""
    lines = ["# 已撤下、已撤销、已信用修复和公示期满的记录：410 Gone（规则 P5.2、P6、P10.4、P2.3）\n"]
    for view in site.datasets.values():
        if not view.config.record_pages:
            continue
        for r in view.withdrawn:
            url = _url(view, r.id)
            # Netlify's rule engine skips a splat rule for a path that starts with the rule's own
            # target, so the notice's index.html needs its own rule (generator/hosting.py)
            lines += [f"{url}index.html {url} 410!\n", f"{url}* {url}index.html 410!\n"]
        lines += [f"{_url(view, r.id)}* /gone/index.html 410!\n" for r in view.expired]
    yield "".join(lines).encode("utf-8")


def _url(view: DatasetView, record_id: str) -> str:
    return f"/{view.config.path}/{record_id}/"


def _abs(site: Site, url: str) -> str:
    return site.config.base_url.rstrip("/") + url
