"""outputs/kinds.py: each kind of output declared once.  Scheduling follows the declared phase,
wherever the kind is declared; the sitemap and the downloads (downloads page, list pages,
index.json, datapackage.json) follow the declarations; a new download is one declaration and
a renderer."""

from __future__ import annotations

import hashlib
import json
from xml.etree import ElementTree

import pytest

from conftest import GOLDEN_AS_OF, GOLDEN_EXPECTED, GOLDEN_SITE, run
from generator.diagnostics import Report
from generator.load import load
from generator.outputs import kinds, routes
from generator.outputs.html import THEME
from generator.stages.output_dir import MARKER
from generator.outputs.kinds import DATASET, KINDS, MANIFEST, PAGES, SITE, Download, Kind, Phase

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def golden_site():
    return load(GOLDEN_SITE, GOLDEN_AS_OF, Report()).site


def test_each_kind_is_declared_once_and_a_download_belongs_to_a_dataset():
    names = [k.name for k in KINDS]
    assert len(names) == len(set(names)) and kinds.BY_NAME.keys() == set(names)
    assert all(k.scope is DATASET for k in KINDS if k.download)
    assert {k.phase for k in KINDS} == set(Phase)


def test_every_output_has_a_url_of_its_own_and_every_file_is_an_output(golden_site):
    by_phase = kinds.plan(golden_site)
    urls = [o.url for outputs in by_phase.values() for o in outputs]
    assert len(urls) == len(set(urls))
    expected = {p.relative_to(GOLDEN_EXPECTED).as_posix() for p in GOLDEN_EXPECTED.rglob("*") if p.is_file()}
    written = {routes.served_from(u).lstrip("/") for u in urls}
    assert written <= expected, written - expected
    # the rest is the theme's static files and what it puts at the root (favicon.ico), the mark
    # of a build's output directory, and the release log, written after every other file because
    # it holds their digests (release.py; unsigned here, so no signature or key)
    theme = {f"{routes.ASSETS}/{p.name}" for p in (THEME / "static").iterdir()} | {p.name for p in (THEME / "root").iterdir()}
    assert expected - written == theme | {MARKER, routes.served_from(routes.release()).lstrip("/")}


def test_scheduling_follows_the_phase_not_the_place_in_the_list(tmp_path, monkeypatch):
    """A page kind declared after the manifest kinds is rendered all the same (before: silently
    never), and a manifest kind declared first still sees the written downloads."""
    late_page = Kind("late", PAGES, SITE, lambda site, _: [("/late.txt", ())],
                     lambda r, o: iter([b"late\n"]))
    early_manifest = Kind("sizes", MANIFEST, SITE, lambda site, _: [("/sizes.txt", ())],
                          lambda r, o: iter([f"{len(r.site.downloads)}\n".encode()]))
    monkeypatch.setattr(kinds, "KINDS", (early_manifest, *KINDS, late_page))
    result, report = run(GOLDEN_SITE, GOLDEN_AS_OF, out=tmp_path / "out")
    assert result is not None, [d.format() for d in report.errors]
    assert (tmp_path / "out/late.txt").read_text() == "late\n"
    assert int((tmp_path / "out/sizes.txt").read_text()) >= 8  # every download, with its size


def test_the_sitemap_lists_every_page_of_the_kinds_in_it(golden_site):
    locs = [loc.text for loc in ElementTree.parse(GOLDEN_EXPECTED / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert locs == [routes.absolute(golden_site, u) for u in kinds.page_urls(golden_site)]
    view = golden_site.datasets["penalties"]
    assert all(routes.absolute(golden_site, routes.record(view, r.id)) in locs for r in view.listed)
    assert not any(routes.absolute(golden_site, routes.record(view, r.id)) in locs for r in view.withdrawn)
    assert routes.absolute(golden_site, routes.gone()) not in locs


def test_downloads_follow_the_declarations(golden_site):
    pen, staff = golden_site.datasets["penalties"], golden_site.datasets["staff"]
    assert [(f.format, f.url) for f in kinds.downloads(golden_site, pen)] == [
        ("csv", "/opendata/penalties.csv"), ("json", "/opendata/penalties.json"),
        ("csv", "/opendata/penalties-creditchina.csv"), ("atom", "/feeds/penalties.xml")]
    assert [f.link for f in kinds.downloads(golden_site, pen)] == ["CSV", "JSON", "", "订阅（Atom）"]
    assert [f.format for f in kinds.downloads(golden_site, staff)] == ["csv", "json"]  # no feed configured


def test_a_new_download_is_one_declaration_and_a_renderer(tmp_path, monkeypatch, golden_site):
    def text_export(site, view):  # the renderer
        yield "".join(f"{r.id}\n" for r in view.listed).encode()

    txt = Kind("export-txt", Phase.HEAVY, DATASET, lambda site, v: [(routes.export(v, "txt"), ())],
               kinds._of_dataset(text_export), download=Download("txt", "记录标识清单（TXT）", "TXT"))
    monkeypatch.setattr(kinds, "KINDS", (*KINDS, txt))
    out = tmp_path / "out"
    result, report = run(GOLDEN_SITE, GOLDEN_AS_OF, out=out)
    assert result is not None, [d.format() for d in report.errors]
    data = (out / "opendata/penalties.txt").read_bytes()
    assert data.decode().split() == [r.id for r in golden_site.datasets["penalties"].listed]
    assert '<a href="/opendata/penalties.txt">TXT</a>' in (out / "penalties/index.html").read_text(encoding="utf-8")
    assert '<a href="/opendata/penalties.txt">记录标识清单（TXT）</a>' in (out / "opendata/index.html").read_text(encoding="utf-8")
    index = json.loads((out / "opendata/index.json").read_text(encoding="utf-8"))
    [entry] = [f for f in index["datasets"]["penalties"]["files"] if f["format"] == "txt"]
    assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
    package = json.loads((out / "opendata/datapackage.json").read_text(encoding="utf-8"))
    assert not any(r["path"].endswith(".txt") for r in package["resources"])  # declared without a resource
