"""P3.1 deny by default: a unique marker planted in every private field of every dataset never
appears in any output byte — pages, feeds, exports, sitemap and the (unpacked) search index.
The private fields include internal process information (内部意见, 法制审核 …, P3.2) and the
ID numbers that 信用中国 receives through its own channel but the public files never carry (S4)."""

from datetime import date, timedelta

import pytest
from types import SimpleNamespace

import shutil

import yaml

from conftest import GOLDEN_AS_OF, REPO, Canaries, all_output_bytes, read_rows, run, write_rows
from generator.config import load_config
from generator.identifiers import ID_CHECK, ID_WEIGHTS
from generator.schema import load_schema


def resident_id(n: int) -> str:
    born = date(1961, 1, 1) + timedelta(days=n)
    body = f"640102{born:%Y%m%d}777"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS)) % 11]


def canary_for(spec, n: int):
    """(cell text, byte strings that must not appear), or None for closed value lists."""
    if spec.enum or spec.references:
        return None  # a closed list (e.g. 法制审核结论, a department's name) cannot carry a unique marker
    if spec.identifier == "resident-id":
        v = resident_id(n)
        return v, [v]
    if spec.identifier == "mobile":
        v = f"199{n:08d}"
        return v, [v]
    if spec.identifier == "doc-number":
        v = f"金丝雀{n:04d}审〔1999〕{n}号"
        return v, [v]
    if spec.type == "date":
        d = date(1901, 1, 1) + timedelta(days=n)  # no real record is dated 1901
        return d.isoformat(), [d.isoformat(), f"{d.year}年{d.month}月{d.day}日", f"{d.year}/{d.month}/{d.day}"]
    if spec.type in ("number", "integer"):  # e.g. 法定最高罚款（元）: as typed, and as it might be formatted
        v = 987600000 + n
        return str(v), [str(v), f"{v:,}", f"{v / 10000:g}"]
    v = f"CANARY{n:04d}金丝雀"
    return v, [v]


DEMO_AS_OF = date(2026, 11, 29)


# columns that say which record a correction belongs to: they must stay real to be resolved; and
# columns that make a decision major by rule (L2, L3) or bound a term (L4): a marker there would
# turn a valid record into an invalid one, not test what is published
STRUCTURAL = {"corrections": ("数据集", "记录"), "penalties": ("涉及劳动者人数", "听证编号", "法制审核延长工作日"),
              "licences": ("听证编号",)}


def tables(site):
    """Every CSV the build reads: the datasets and the corrections log."""
    config = load_config(site)
    extra = [SimpleNamespace(name="corrections", file=config.corrections.file, schema=config.corrections.schema)]
    return [*config.datasets, *(extra if config.corrections else [])]


@pytest.fixture(params=["golden", "demo"])
def planted(request, site, tmp_path):
    """The golden site, or the demo site with all its datasets, markers planted everywhere private."""
    if request.param == "demo":
        site = tmp_path / "demo"
        site.mkdir()
        for part in ("site_config.yaml", "data", "content"):
            (shutil.copytree if (REPO / part).is_dir() else shutil.copyfile)(REPO / part, site / part)
    markers, n = [], 0
    for ds in tables(site):
        schema = load_schema(site, ds.schema)
        header, rows = read_rows(site / ds.file)
        for row in rows:
            for spec in schema.fields:
                if spec.public or spec.name not in header or spec.name in STRUCTURAL.get(ds.name, ()):
                    continue
                if spec.type == "date" and not row[spec.name]:
                    continue  # an empty review date keeps its meaning (unreviewed)
                n += 1
                canary = canary_for(spec, n)
                if canary:
                    row[spec.name] = canary[0]
                    markers += [(ds.name, spec.name, m) for m in canary[1]]
        write_rows(site / ds.file, header, rows)
    markers += plant_agencies(site, n) + plant_front_matter(site, n)
    return site, markers, GOLDEN_AS_OF if request.param == "golden" else DEMO_AS_OF


# agencies.yaml: a key the build does not know is never published (only the keys of
# generator/stages/read.py AGENCY_KEYS are); the public ones are scanned (test_privacy_scan.py)
PRIVATE_AGENCY_KEYS = ("负责人手机", "内部备注")


def plant_agencies(site, n):
    config = load_config(site)
    path = site / config.agencies_file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    markers = []
    for i, agency in enumerate(data["agencies"]):
        phone, note = f"199{n + 5000 + i:08d}", f"CANARY{n + 5000 + i:04d}部门"
        agency.update({PRIVATE_AGENCY_KEYS[0]: phone, PRIVATE_AGENCY_KEYS[1]: note})
        markers += [("agencies.yaml", PRIVATE_AGENCY_KEYS[0], phone), ("agencies.yaml", PRIVATE_AGENCY_KEYS[1], note)]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return markers


def plant_front_matter(site, n):
    """The front matter's editor's note (``note``, declared and never shown) is never published;
    an undeclared key is an error (E-FRONT-MATTER), so it cannot be planted.  (Every front-matter
    value is scanned for personal data, so the marker is text, not a number.)"""
    config = load_config(site)
    markers = []
    for i, page in enumerate(sorted((site / config.content_dir).rglob("*.md"))):
        note = f"CANARY{n + 8000 + i:04d}编者"
        text = page.read_text(encoding="utf-8")
        assert text.startswith("---\n"), page
        page.write_text(f"---\nnote: {note}\n" + text[4:], encoding="utf-8")
        markers.append(("front matter", "note", note))
    return markers


def test_no_private_value_in_any_output_byte(planted):
    site, markers, as_of = planted
    result, report = run(site, as_of, search=True)
    assert result is not None, [d.format() for d in report.errors]
    outputs = list(all_output_bytes(site / "public"))
    assert any(name.startswith("pagefind/") for name, _ in outputs), "search index missing"
    assert any(name.startswith("lookup/r/") for name, _ in outputs), "lookup index missing"
    assert any(name == "sitemap.xml" for name, _ in outputs)
    names = {name for name, _ in outputs}
    # the outputs added since this test was written are among the bytes searched: the 公示情况 page,
    # the feeds and site-map pages, the .xlsx downloads (members read), the release log
    added = ["feeds/index.html", "sitemap/index.html", "release.json"]
    if load_config(site).supervision.public_page:  # the demo's; the golden site has none
        added.append("disclosure/index.html")
    for name in added:
        assert name in names, name
    assert any(name.startswith("opendata/penalties.xlsx") for name in names), "xlsx download missing"
    covered = {(ds, field) for ds, field, _ in markers}
    private = {(ds.name, f.name) for ds in tables(site) for f in load_schema(site, ds.schema).fields
               if not f.public and not f.enum and not f.references
               and f.name not in STRUCTURAL.get(ds.name, ())}
    private |= {("agencies.yaml", k) for k in PRIVATE_AGENCY_KEYS} | {("front matter", "note")}
    assert covered == private, private - covered  # every private field of every dataset was planted
    canaries = Canaries(markers)
    for name, data in outputs:
        assert not (leaked := canaries.found(data)), f"{leaked[:3]} leaked into {name}"


def test_public_values_do_reach_the_output(planted):
    """The check above could pass on an empty site; make sure it is not one."""
    site, _, as_of = planted
    result, _ = run(site, as_of, search=True)
    assert all(c["listed"] > 0 for c in result.counts.values()), result.counts
    blob = b"".join(data for _, data in all_output_bytes(site / "public"))
    assert b"data-pagefind-body" in blob
    rows = b"".join(p.read_bytes() for p in (site / "public/lookup/r").iterdir())
    assert "行政处罚结果".encode() in rows or b"penalties" in rows  # the lookup holds public values


def test_the_schema_alone_decides(planted):
    """Marking one private field public makes its marker appear: the search above can see leaks."""
    import json

    site, markers, as_of = planted
    path = site / "data/penalties.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    for f in schema["fields"]:
        if f["name"] == "承办人":
            f["public"] = True
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    run(site, as_of, search=True)
    canaries = Canaries(markers)
    leaked = {field for _, data in all_output_bytes(site / "public") for _ds, field, _m in canaries.found(data)}
    assert leaked == {"承办人"}


def test_lookup_of_a_private_field_is_refused(planted):
    """A private field named for the lookup is a configuration error, not a leak (P3.1)."""
    site, _, as_of = planted
    path = site / "site_config.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "names: [行政相对人名称]", "names: [行政相对人名称, 承办人]", 1), encoding="utf-8")
    result, report = run(site, as_of, search=True)
    assert result is None
    assert any(d.code == "E-CONFIG" and "承办人" in d.format() and "P3.1" in d.format() for d in report.errors)


def test_personal_data_in_public_text_is_refused(planted):
    """The other half of deny-by-default (P3.3): a resident ID planted in public text — a record's
    free text, a department's public address, a page's summary — stops the build, each reported
    masked at its place, and no output byte holds it."""
    site, _, as_of = planted
    number = resident_id(9999)
    config = load_config(site)
    ds = config.dataset("penalties")
    header, rows = read_rows(site / ds.file)
    rows[0]["违法事实"] = f"当事人身份证号 {number[:6]} {number[6:14]} {number[14:]}"
    write_rows(site / ds.file, header, rows)
    path = site / config.agencies_file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["agencies"][0]["办公地址"] = f"银川市金凤区北京中路168号（{number}）"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    page = sorted((site / config.content_dir).rglob("*.md"))[0]
    page.write_text(page.read_text(encoding="utf-8").replace("---\n", f"---\nsummary: 联系 {number}\n", 1)
                    if "\nsummary:" not in page.read_text(encoding="utf-8") else
                    page.read_text(encoding="utf-8").replace("\nsummary: ", f"\nsummary: {number}，", 1), encoding="utf-8")
    result, report = run(site, as_of, search=True)
    assert result is None
    hits = {(d.path, dict(d.params)["masked"]) for d in report.errors if d.code == "E-PERSONAL-DATA"}
    masked = number[:4] + "*" * 10 + number[-4:]
    assert hits == {(ds.file, masked), (config.agencies_file, masked), (page.relative_to(site).as_posix(), masked)}
    assert not any(number in d.format() for d in report.items)
    out = site / "public"
    assert not out.exists() or not any(number.encode() in data for _, data in all_output_bytes(out))


def test_the_supervision_report_holds_no_private_value(planted):
    """Issue 16: ``gongshi check --format html`` shows public values, counts, deadlines and the
    private *dates* ``supervision.reportable`` lists — no marker of any other private field, with
    every problem listed (P3.1)."""
    from generator.compliance import run_check
    from generator.report_formats import as_html

    site, markers, as_of = planted
    reportable = {(ds, col) for ds, cols in load_config(site).supervision.reportable for col in cols}
    html = as_html(run_check(site, as_of, max_per_code=None, figures=True), "never")
    assert "公示及时率" in html and "按代码汇总" in html and "行政处罚结果" in html  # not an empty report
    leaked = [(ds, field) for ds, field, _m in Canaries(markers).found(html) if (ds, field) not in reportable]
    assert not leaked, f"{leaked[:3]} leaked into the supervision report"


# ---------------------------------------------------------------- content/ (README "Security")

def content_file(fmt: str, text: str) -> tuple[str, bytes]:
    """A file of the format with ``text`` where an editor would type it, made with the library
    that reads it."""
    import content_files as cf

    return {
        "txt": lambda: ("通知.txt", cf.txt(f"公告\n当事人：马某某，{text}\n")),
        "docx": lambda: ("决定书.docx", cf.docx("行政处罚决定书", table=[["当事人", "证件"], ["马某某", text]])),
        "xlsx": lambda: ("名单.xlsx", cf.xlsx([["姓名", "证件号码"], ["马某某", text]])),
        "pdf": lambda: ("决定书.pdf", cf.pdf("Decision", f"Party ID {text}")),
        "svg": lambda: ("流程.svg", cf.svg(f'<text x="1" y="20">当事人 {text}</text>')),
    }[fmt]()


@pytest.mark.parametrize("fmt", ["txt", "docx", "xlsx", "pdf", "svg"])
def test_an_id_number_in_a_content_file_is_refused(planted, fmt):
    """P3.3: the text of every published document is scanned; a hit stops the build (and the
    value is masked in the message)."""
    site, _, as_of = planted
    value = resident_id(40000)
    name, data = content_file(fmt, value)
    (site / "content/附件").mkdir(parents=True, exist_ok=True)
    (site / "content/附件" / name).write_bytes(data)
    result, report = run(site, as_of)
    assert result is None
    assert [(d.code, d.path) for d in report.errors] == [("E-ASSET-PERSONAL-DATA", f"content/附件/{name}")]
    assert value not in "".join(d.format() for d in report.items)
    assert not (site / "public").exists()


def test_clean_content_files_are_published_and_image_metadata_is_not(planted):
    """Clean files of every type reach the output byte for byte (images without metadata), and
    no private value — of a dataset or of a photo's EXIF — appears in any output byte."""
    import content_files as cf

    site, markers, as_of = planted
    owner = resident_id(40001)
    files = {name: data for name, data in (content_file(fmt, "投诉电话 12333") for fmt in ("txt", "docx", "xlsx", "svg"))}
    files["指南.pdf"] = cf.pdf("Guide", "Hotline 12333")
    (site / "content/附件").mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (site / "content/附件" / name).write_bytes(data)
    photo = cf.image("JPEG", exif={0x013B: owner, 0xA430: owner, 0x0112: 1})
    (site / "content/附件/大厅.jpg").write_bytes(photo)
    result, report = run(site, as_of)  # the search index reads pages, not these files: covered above
    assert result is not None, [d.format() for d in report.errors]
    for name, data in files.items():
        assert (site / "public/附件" / name).read_bytes() == data, name
    assert (site / "public/附件/大厅.jpg").read_bytes() != photo
    canaries = Canaries(markers)
    for name, data in all_output_bytes(site / "public"):
        assert owner.encode() not in data, name
        assert not (leaked := canaries.found(data)), f"{leaked[:3]} leaked into {name}"


def test_the_one_pass_search_finds_what_a_search_per_marker_finds():
    """``Canaries`` (conftest) replaces one ``in`` per marker: it must find the same markers,
    also where one is a prefix of another or they overlap — else the tests above could pass on
    a leak."""
    import random

    rng = random.Random(15)
    fixed = [("d", "a", "98760"), ("d", "b", "987600012"), ("d", "c", "CANARY0001金丝雀"), ("d", "e", "199000012345")]
    cases = [b"", b"9876", b"x98760y", b"987600012", b"98760001", "…CANARY0001金丝雀…".encode(), b"CANARY0001",
             b"19900001234", b"199000012345"]
    assert Canaries(fixed).found(b"") == []
    for data in cases:
        assert Canaries(fixed).found(data) == [(d, f, m.encode()) for d, f, m in fixed if m.encode() in data], data
    for _ in range(300):  # short digit strings: prefixes and overlaps are common
        markers = [("d", str(i), "".join(rng.choices("0129", k=rng.randint(2, 6)))) for i in range(rng.randint(1, 8))]
        canaries = Canaries(markers)
        for _ in range(10):
            data = "".join(rng.choices("0129x", k=rng.randint(0, 30))).encode()
            assert canaries.found(data) == [(d, f, m.encode()) for d, f, m in markers if m.encode() in data], (markers, data)
