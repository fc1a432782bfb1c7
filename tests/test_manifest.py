"""What describes the downloads (outputs/manifest.py): index.json with SHA-256, the
Frictionless data package, the downloads page, and the 410 rules for records no longer shown."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from frictionless import Package

from conftest import GOLDEN_AS_OF, GOLDEN_SITE, run
from generator.hosting import Hosting

BASE = "https://gongshi.hrss.nx.example"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    out = tmp_path_factory.mktemp("manifest") / "o"
    run(GOLDEN_SITE, GOLDEN_AS_OF, out=out)
    return out


def test_index_lists_every_download_with_its_hash(out):
    index = json.loads((out / "opendata/index.json").read_text(encoding="utf-8"))
    assert index["as_of"] == GOLDEN_AS_OF.isoformat()
    pen = index["datasets"]["penalties"]
    assert pen["last_change"] == "2024-12-20" and pen["records"] == 7 and pen["withdrawn"] == 1
    assert pen["feed"] == f"{BASE}/feeds/penalties.xml" and pen["archives"] > 0
    assert index["datasets"]["staff"]["feed"] is None  # no feed configured
    for ds in index["datasets"].values():
        for f in ds["files"]:
            data = (out / f["url"][len(BASE) + 1:]).read_bytes()
            assert f["bytes"] == len(data) and f["sha256"] == hashlib.sha256(data).hexdigest()


def test_datapackage_is_valid_and_matches_the_files(out):
    report = Package(str(out / "opendata/datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    doc = json.loads((out / "opendata/datapackage.json").read_text(encoding="utf-8"))
    pen = next(r for r in doc["resources"] if r["name"] == "penalties")
    names = [f["name"] for f in pen["schema"]["fields"]]
    assert names[:2] == ["记录标识", "网址"] and names[-1] == "公示截止期" and "证件号码" not in names
    for res in doc["resources"]:  # every file it describes, with its hash
        data = (out / "opendata" / res["path"]).read_bytes()
        assert res["bytes"] == len(data) and res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert {r["path"] for r in doc["resources"]} >= {"penalties.csv", "penalties.json"}


def test_datapackage_names_the_licence_and_source_of_the_configuration(out, site):
    doc = json.loads((out / "opendata/datapackage.json").read_text(encoding="utf-8"))
    [licence] = doc["licenses"]
    assert licence == {"name": "CC-BY-4.0", "title": "知识共享署名 4.0 国际许可协议（CC BY 4.0）",
                       "path": "https://creativecommons.org/licenses/by/4.0/legalcode.zh-hans"}
    assert doc["sources"] == [{"title": "宁夏回族自治区人力资源和社会保障厅：宁夏人力资源和社会保障行政执法公示平台",
                               "path": BASE + "/"}]
    html = (out / "opendata/index.html").read_text(encoding="utf-8")
    assert f'数据许可：{licence["title"]}，全文见 <span class="url">{licence["path"]}</span>' in html
    # a site that declares no licence: the data package claims none
    config = site / "site_config.yaml"
    text = config.read_text(encoding="utf-8")
    start = text.index("  licence:")
    end = text.index("\n", text.index("    path:", start))
    config.write_text(text[:start] + text[end + 1:], encoding="utf-8")
    result, report = run(site, GOLDEN_AS_OF, out=site.parent / "o2")
    assert result, report
    doc = json.loads((site.parent / "o2/opendata/datapackage.json").read_text(encoding="utf-8"))
    assert "licenses" not in doc and doc["sources"]
    assert "数据许可" not in (site.parent / "o2/opendata/index.html").read_text(encoding="utf-8")


def test_downloads_page_gives_sizes_and_update_dates(out):
    html = (out / "opendata/index.html").read_text(encoding="utf-8")
    size = (out / "opendata/penalties.csv").stat().st_size
    assert f"{size / 1024:.1f} KB" in html and "最近变动：2024年12月20日" in html
    assert hashlib.sha256((out / "opendata/penalties.csv").read_bytes()).hexdigest()[:16] in html


def test_records_no_longer_shown_answer_410(tmp_path):
    out = tmp_path / "o"
    run(GOLDEN_SITE, date(2025, 3, 6), out=out)  # two penalties have expired by then
    rules = (out / "_redirects").read_text(encoding="utf-8").splitlines()
    data = json.loads((out / "opendata/penalties.json").read_text(encoding="utf-8"))
    [withdrawn] = data["withdrawn"]
    wid = withdrawn["id"]
    site = Hosting.load(out, None)  # the rules as Netlify applies them
    for url in (f"/penalties/{wid}/", f"/penalties/{wid}", f"/penalties/{wid}/index.html"):
        answer = site.respond(url)
        assert (answer.status, answer.file) == (410, out.resolve() / f"penalties/{wid}/index.html"), url
    expired = [r for r in rules if r.endswith("/gone/index.html 410!")]
    assert len(expired) == 3 and (out / "gone/index.html").is_file()  # and one repaired (P10.4)
    listed = {r["id"] for r in data["records"]}
    assert not any(rid in line for line in rules for rid in listed)  # a shown record is never 410
