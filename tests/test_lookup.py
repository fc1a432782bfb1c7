"""The lookup index (generator/stages/lookup.py): built from the written public exports, it finds
a record by credit code, document number (however typed, I3), full name or any part of a name —
read here the way generator/theme/static/lookup.js reads it — and holds nothing unpublished."""

import json
import shutil
from datetime import date

import pytest

from conftest import GOLDEN_AS_OF, GOLDEN_SITE, REPO, all_output_bytes, run
from generator.identifiers import USCC_PLACEHOLDER, lookup_key
from generator.stages import lookup
from generator.stages.lookup import build_lookup, shard_hash


def lookup_json(root, path):
    return json.loads((root / "lookup" / path).read_text(encoding="utf-8"))


def find(root, query):
    """The urls lookup.js shows for ``query``, in its order (same steps, same files)."""
    key = lookup_key(query)
    if len(key) < 2:
        return []
    m = lookup_json(root, "index.json")
    exact = lookup_json(root, f"k/{shard_hash(key) % m['k']}.json").get(key, [])
    parts = list(dict.fromkeys(key[i:i + 2] for i in range(len(key) - 1)))
    parts = [p for p in parts if p not in m["common"]]
    if len(parts) > 3:
        parts = [parts[0], parts[len(parts) // 2], parts[-1]]
    postings = []
    for p in parts:
        gaps = lookup_json(root, f"g/{shard_hash(p) % m['g']}.json").get(p, [])
        postings.append([sum(gaps[:i + 1]) for i in range(len(gaps))])
    contains = [o for o in postings[0] if all(o in q for q in postings[1:]) and o not in exact] if postings else []
    found, candidates, examined = [], exact + contains, 0
    while len(found) < 20 and examined < min(len(candidates), 100):  # 20 rows at a time, 100 at most
        for i in range(examined, min(examined + 20, 100, len(candidates))):
            o = candidates[i]
            row = lookup_json(root, f"r/{o // m['rows']}.json")[o % m["rows"]]
            if i < len(exact) or key in lookup_key(row[1]):
                found.append((i >= len(exact), len(row[1]) if i >= len(exact) else 0, row[0]))
        examined = min(examined + 20, 100, len(candidates))
    return [url for *_, url in sorted(found, key=lambda f: f[:2])][:20]


@pytest.fixture(scope="module")
def golden(tmp_path_factory):
    out = tmp_path_factory.mktemp("golden") / "out"
    result, report = run(GOLDEN_SITE, GOLDEN_AS_OF, out=out, search=True)
    assert result, [d.format() for d in report.errors]
    return out


def records(out, export="penalties"):
    return json.loads((out / f"opendata/{export}.json").read_text(encoding="utf-8"))


def path_of(record):
    return "/" + record["url"].split("/", 3)[3]


def test_every_penalty_comes_first_by_code_number_and_name(golden):
    data = records(golden)
    assert len(data["records"]) >= 5
    for r in data["records"]:
        path = path_of(r)
        number = r["行政处罚决定书文号"]
        assert find(golden, r["行政相对人名称"])[0] == path, r["行政相对人名称"]
        assert find(golden, number.replace("〔", "【").replace("〕", "】"))[0] == path, number
        assert find(golden, number.replace("〔", "(").replace("〕", ")").replace("2", "２"))[0] == path, number
        if r["统一社会信用代码"] == USCC_PLACEHOLDER:  # 个体工商户 without a code (I1): identifies no one
            assert find(golden, USCC_PLACEHOLDER) == []
        elif r["统一社会信用代码"]:
            assert find(golden, r["统一社会信用代码"].lower())[0] == path


def test_any_part_of_two_characters_or_more_finds_the_name(golden):
    for r in records(golden)["records"]:
        name, path = r["行政相对人名称"], path_of(r)
        for size in {s for s in (2, 4, len(name) - 1) if 2 <= s <= len(name)}:
            for start in (0, len(name) - size):
                part = name[start:start + size]
                assert path in find(golden, part), (name, part)


def test_parts_not_adjacent_in_the_name_are_no_match(golden):
    record = records(golden)["records"][0]
    name = record["行政相对人名称"]
    shuffled = name[2:4] + name[0:2]  # both parts occur in the name, not in this order
    assert shuffled not in name
    assert path_of(record) not in find(golden, shuffled)


def with_decoys(built, dest):
    """A copy of the golden output whose penalties export starts with 25 names that hold 甲乙 and
    乙丙 apart, then one that holds 甲乙丙, its lookup index made again: (folder, the match's path)."""
    shutil.copytree(built, dest)
    shutil.rmtree(dest / "lookup")
    export = dest / "opendata/penalties.json"
    doc = json.loads(export.read_text(encoding="utf-8"))
    model = doc["records"][0]
    base = model["url"].rsplit("/", 2)[0]
    made = [dict(model, 行政相对人名称=f"甲乙{n:02d}乙丙商贸有限公司", 统一社会信用代码="",
                 行政处罚决定书文号=f"宁人社诱罚〔2026〕{n + 1}号", url=f"{base}/decoy{n:02d}/") for n in range(25)]
    match = dict(model, 行政相对人名称="甲乙丙建筑工程有限公司", url=f"{base}/match/")
    doc["records"] = made + [match] + doc["records"][1:]
    export.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    from generator.config import load_config
    from generator.pipeline import lookup_specs
    config = load_config(GOLDEN_SITE)
    assert build_lookup(dest, lookup_specs(config), config.base_url) is None
    return dest, path_of(match)


def test_names_holding_the_parts_apart_do_not_push_the_match_out(golden, tmp_path):
    """The 25 candidates before it hold both parts of 甲乙丙, apart: rows are read until 20 names
    hold the query (at most 100), not only the first 20 candidates (the match was the 26th, and
    lost: "卫市天方" at 100,000 records found one of its two companies)."""
    site, path = with_decoys(golden, tmp_path / "built")
    assert find(site, "甲乙丙") == [path]
    assert len(find(site, "乙丙")) == 20  # 26 names hold it: the first 20 listed


def test_withdrawn_records_are_not_in_the_lookup(golden):
    withdrawn = records(golden)["withdrawn"]
    assert withdrawn
    blob = b"".join(p.read_bytes() for p in (golden / "lookup").rglob("*.json"))
    for w in withdrawn:
        assert find(golden, w["行政处罚决定书文号"]) == []
        assert w["行政处罚决定书文号"].encode() not in blob and w["id"].encode() not in blob


def test_shards_and_rows_have_sorted_keys_and_fixed_blocks(golden):
    m = lookup_json(golden, "index.json")
    assert m["records"] == sum(1 for p in (golden / "lookup/r").iterdir() for _ in json.loads(p.read_text()))
    assert len(list((golden / "lookup/k").iterdir())) == m["k"] and len(list((golden / "lookup/g").iterdir())) == m["g"]
    for p in (golden / "lookup/k").iterdir():
        keys = list(json.loads(p.read_text(encoding="utf-8")))
        assert keys == sorted(keys)
        assert all(shard_hash(k) % m["k"] == int(p.stem) for k in keys)


def test_common_name_parts_are_listed_instead_of_indexed(golden, tmp_path, monkeypatch):
    site = tmp_path / "built"
    shutil.copytree(golden, site)
    shutil.rmtree(site / "lookup")
    monkeypatch.setattr(lookup, "COMMON", 2)
    from generator.config import load_config
    from generator.pipeline import lookup_specs
    config = load_config(GOLDEN_SITE)
    assert build_lookup(site, lookup_specs(config), config.base_url) is None
    m = lookup_json(site, "index.json")
    assert "有限" in m["common"] and "公司" in m["common"]
    assert all("有限" not in json.loads(p.read_text(encoding="utf-8")) for p in (site / "lookup/g").iterdir())
    r = records(site)["records"][0]
    assert find(site, r["行政相对人名称"])[0] == path_of(r)  # the full name is still an exact key


def test_a_broken_export_fails_the_build_with_a_message(golden, tmp_path):
    site = tmp_path / "built"
    shutil.copytree(golden, site)
    shutil.rmtree(site / "lookup")
    (site / "opendata/penalties.json").write_text("{", encoding="utf-8")
    from generator.config import load_config
    from generator.pipeline import lookup_specs
    config = load_config(GOLDEN_SITE)
    error = build_lookup(site, lookup_specs(config), config.base_url)
    assert error and error.startswith("查询索引：")


def test_a_dataset_without_record_pages_is_found_on_its_list_page(golden):
    """The golden site's staff have no pages of their own: a name or certificate number leads to
    the list page that shows the person."""
    staff = records(golden, "staff")["records"]
    assert staff and not any(r["url"] for r in staff)
    for r in staff:
        assert find(golden, r["姓名"])[0] == "/staff/"
        assert find(golden, r["执法证件编号"])[0] == "/staff/"


def demo_site(tmp_path) -> "Path":
    site = tmp_path / "demo"
    site.mkdir()
    for part in ("site_config.yaml", "data", "content"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copyfile)(REPO / part, site / part)
    return site


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo built without Pagefind, and its lookup index (written from its exports)."""
    from generator.config import load_config
    from generator.pipeline import lookup_specs
    site = demo_site(tmp_path_factory.mktemp("lookup"))
    result, report = run(site, DEMO_AS_OF)
    assert result, [d.format() for d in report.errors]
    config = load_config(site)
    specs = lookup_specs(config)
    assert build_lookup(site / "public", specs, config.base_url) is None
    return site / "public", specs


def test_every_declared_name_and_identifier_of_every_demo_dataset_finds_its_record(demo):
    """The lookup covers each column a dataset's ``search:`` declares (issue 14.2): credit codes,
    工商注册号, 文号, 许可编号, 执法证件编号, 准考证号, 事项编码, names of parties, staff, items."""
    out, specs = demo
    checked = {}
    for spec in specs:
        if not spec.looked_up:
            continue
        listed = json.loads((out / spec.export.lstrip("/")).read_text(encoding="utf-8"))["records"]
        assert listed, spec.title
        for r in listed:
            for column in (*spec.names, *spec.identifiers):
                value = r.get(column)
                if not value or value == USCC_PLACEHOLDER:
                    continue
                assert path_of(r) in find(out, value), (spec.title, column, value)
                checked[spec.title] = checked.get(spec.title, 0) + 1
    assert len(checked) >= 15 and checked["执法人员清单"] >= 2 * 40, checked


def test_the_issues_misses_are_found(demo):
    """A 个体工商户 with the placeholder code, by its 工商注册号; the staff, by name (10 of 12 were
    missed), the newest certificate too."""
    out, _ = demo
    penalties = records(out)["records"]
    sole = [r for r in penalties if r["统一社会信用代码"] == USCC_PLACEHOLDER]
    assert sole and all(r["工商注册号"] for r in sole)
    for r in sole:
        assert find(out, r["工商注册号"]) == [path_of(r)]
    assert find(out, USCC_PLACEHOLDER) == []
    staff = sorted(records(out, "staff")["records"], key=lambda r: r["发证日期"])
    for r in staff:
        assert find(out, r["姓名"])[0] == path_of(r) or path_of(r) in find(out, r["姓名"])
    newest = staff[-1]
    assert find(out, newest["执法证件编号"].replace("宁", "宁 ")) == [path_of(newest)]


def test_each_dataset_labels_its_rows_with_its_column_names(demo):
    out, _ = demo
    labels = {d["title"]: d["labels"] for d in lookup_json(out, "index.json")["datasets"]}
    assert labels["执法人员清单"] == ["姓名", "执法证件编号", None, "工作单位", "发证日期"]
    assert labels["行政处罚结果"] == ["行政相对人名称", "行政处罚决定书文号", "处罚类别", "处罚机关", "处罚决定日期"]
    assert labels["行政检查事项"][1] is None  # its key's last column is its name: not shown twice
    assert "日常检查和监管" in labels  # nothing to look up, but its full-text results are labelled too


# Demo records that ended or were withdrawn by 2026-11-29 and whose party has no other record
DEMO_AS_OF = date(2026, 11, 29)
ENDED = ["吴人社监罚〔2025〕5号", "吴忠市利通区佳美家政服务有限公司", "91640302MA7GHT7E5M",  # 1 year from 2025-05-20
         "银人社监罚〔2026〕11号", "宁夏嘉禾润泽餐饮管理有限公司"]                           # 撤销 on 2026-08-20


def test_search_index_and_lookup_hold_no_ended_or_withdrawn_record(tmp_path):
    site = demo_site(tmp_path)
    result, report = run(site, DEMO_AS_OF, search=True)
    assert result, [d.format() for d in report.errors]
    index = [(name, data) for name, data in all_output_bytes(site / "public")
             if name.startswith(("pagefind/", "lookup/"))]
    assert any(name.startswith("lookup/r/") for name, _ in index)
    blob = b"".join(data for _, data in index)
    assert "宁夏禾川弘远建筑工程有限公司".encode() in blob  # a listed record is there, so the check can fail
    for value in ENDED:
        assert value.encode() not in blob, value
        assert lookup_key(value).encode() not in blob, value
