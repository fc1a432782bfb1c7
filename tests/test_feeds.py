"""Feeds and archives (outputs/feeds.py) and the reference consumer (examples/): a consumer
that reads only the feeds holds exactly what is on display, through publication, correction,
withdrawal, revocation and expiry (P5.1, P5.2, P6, P2.3)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import feedparser
import pytest

from generator.dates import format_cn
from conftest import GOLDEN_AS_OF, GOLDEN_EXPECTED, GOLDEN_SITE, REPO, edit_row, read_rows, run, write_rows

sys.path.insert(0, str(REPO / "examples"))
from feed_consumer import AT, ATOM, GS, Replica  # noqa: E402

BASE = "https://gongshi.hrss.nx.example"


def fetcher(out: Path):
    """The consumer's HTTP, served from a build's output directory."""
    def fetch(url: str) -> bytes:
        assert url.startswith(BASE + "/"), url
        return (out / url[len(BASE) + 1:]).read_bytes()
    return fetch


def snapshot(out: Path, path: str) -> dict:
    """The CSV export: record id → its row, as the consumer's copy should hold it — the records
    on the credit channel that feeds serve (P10.2): where the dataset has a 信用中国 data-item
    file, those it holds too (a 轻微 penalty is shown on the portal but never sent)."""
    text = (out / f"opendata/{path}.csv").read_bytes().decode("utf-8-sig")
    rows = {row["记录标识"]: row for row in csv.DictReader(io.StringIO(text))}
    credit = out / f"opendata/{path}-creditchina.csv"
    if credit.is_file():
        sent = {(r["CF_CFJG"], r["CF_WSH"]) for r in csv.DictReader(io.StringIO(credit.read_bytes().decode("utf-8-sig")))}
        rows = {k: r for k, r in rows.items() if (r["处罚机关"], r["行政处罚决定书文号"]) in sent}
    return rows


def copy_of(replica: Replica) -> dict:
    return {rid: r["fields"] for rid, r in replica.records.items()}


def tombstoned(out: Path, path: str) -> set[str]:
    ids = set()
    for xml in (out / "feeds").glob(f"{path}*.xml"):
        ids |= _refs(xml)
    for xml in (out / "feeds" / path).glob("*.xml"):
        ids |= _refs(xml)
    return ids


def _refs(xml: Path) -> set[str]:
    return {el.get("ref").rsplit("/", 1)[-1] for el in ET.parse(xml).getroot().iter(f"{AT}deleted-entry")}


def entry_ids(xml: Path) -> set[str]:
    """The records a document has an entry (with their content) or a tombstone of."""
    root = ET.parse(xml).getroot()
    return {r.get("id") for e in root.findall(f"{ATOM}entry") if (r := e.find(f"{GS}record")) is not None} | _refs(xml)


# ---------------------------------------------------------------- the scripted history

def test_consumer_stays_exact_through_a_scripted_history(site, tmp_path):
    pen = site / "data/penalties.csv"
    corrections = site / "data/corrections.csv"
    steady = Replica()   # syncs after every build
    archives_before: dict = {}
    steps = [
        (date(2024, 3, 9), None),                     # the first publications
        (date(2024, 10, 25), None),                   # more, one published late
        (date(2024, 11, 1), None),                    # a correction (log and status, same day)
        (date(2024, 12, 21), None),                   # a correction; a decision revoked on review (P6)
        (date(2025, 1, 15), "publish-and-correct"),   # a new decision published; a correction logged today
        (date(2025, 1, 21), "take-down"),             # a record taken down on request (P5.2)
        (date(2025, 3, 6), None),                     # two records expired (1 year, P2.3)
    ]
    for n, (as_of, change) in enumerate(steps):
        if change == "publish-and-correct":
            edit_row(pen, {"行政处罚决定书文号": "银人社监罚〔2025〕1号"}, 公示日期="2025-01-14")
            header, rows = read_rows(corrections)
            rows.append({"数据集": "penalties", "记录": "银人社监罚（2024）40号", "更正日期": "2025-01-15",
                         "更正内容": "处罚内容更正", "更正原因": "录入错误", "更正依据": "审批单", "经办人": "王某"})
            write_rows(corrections, header, rows)
        elif change == "take-down":
            edit_row(pen, {"行政处罚决定书文号": "银人社监罚〔2024〕41号"}, 状态="撤下", 状态日期="2025-01-20",
                     状态说明="应处罚机关申请撤下。")
        out = tmp_path / f"out{n}"
        result, report = run(site, as_of, out=out)
        assert result is not None, [d.format() for d in report.errors]
        for path in ("penalties", "random-checks"):
            steady_copy = steady if path == "penalties" else Replica()
            steady_copy.sync(f"{BASE}/feeds/{path}.xml", fetcher(out))
            fresh = Replica()  # replays the whole history from the first archive
            fresh.sync(f"{BASE}/feeds/{path}.xml", fetcher(out))
            expected = snapshot(out, path)
            assert copy_of(steady_copy) == expected, (as_of, path)
            assert copy_of(fresh) == expected, (as_of, path)
            assert not (set(steady_copy.records) & tombstoned(out, path))
        # an archive document only loses entries (records since gone) and never gains any
        for xml in sorted((out / "feeds/penalties").glob("*.xml")):
            ids = entry_ids(xml)
            if xml.name in archives_before:
                assert ids <= archives_before[xml.name] | _refs(xml), (as_of, xml.name)
                assert {i for i in ids if i not in _refs(xml)} <= archives_before[xml.name]
            archives_before[xml.name] = ids
    # the end state: what the history did
    gone = steady.tombstones
    reasons = sorted(r for _, r in gone.values())
    assert reasons == ["信用修复", "公示期满", "公示期满", "撤下", "撤销"], gone
    numbers = {r["fields"]["行政处罚决定书文号"] for r in steady.records.values()}
    # 宁…8号 is a major penalty: 3 years (P2.5); 银…28号 revoked a licence: 严重, 3 years (P10.2);
    # 贺…21号 (a warning, 轻微) is on the portal but never in the feed
    assert numbers == {"宁人社监罚〔2023〕8号", "银人社监罚〔2024〕28号", "银人社监罚〔2024〕40号", "银人社监罚〔2025〕1号"}


def test_offline_consumer_catches_up_from_its_last_archive(site, tmp_path):
    early, late = tmp_path / "early", tmp_path / "late"
    run(site, date(2024, 3, 9), out=early)
    run(site, date(2025, 3, 6), out=late)
    replica = Replica()
    replica.sync(f"{BASE}/feeds/penalties.xml", fetcher(early))
    seen = list(replica.applied)
    read = replica.sync(f"{BASE}/feeds/penalties.xml", fetcher(late))
    assert copy_of(replica) == snapshot(late, "penalties")
    total = len(list((late / "feeds/penalties").glob("*.xml")))
    assert read == total - len(seen) + 1  # only the archives it had not applied, and the feed


# ---------------------------------------------------------------- the documents

@pytest.fixture(scope="module")
def golden_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("golden") / "o"
    run(GOLDEN_SITE, GOLDEN_AS_OF, out=out)
    return out


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "o"
    run(REPO, date(2026, 11, 29), out=out)
    return out


@pytest.mark.parametrize("which", ["golden", "demo"])
def test_every_feed_and_archive_parses_as_atom(which, golden_out, demo_out):
    out = golden_out if which == "golden" else demo_out
    docs = sorted((out / "feeds").rglob("*.xml"))
    assert len(docs) > (5 if which == "golden" else 100)
    for doc in docs:
        ET.parse(doc)  # well-formed XML
        parsed = feedparser.parse(doc.read_bytes())
        assert not parsed.bozo, (doc, parsed.get("bozo_exception"))
        assert parsed.version == "atom10"
        path = doc.relative_to(out / "feeds").parts[0].removesuffix(".xml")
        tag = "gongshi.hrss.nx.example,2019" if which == "golden" else "hrss.nx.gov.cn,2019"
        for entry in parsed.entries:
            record_id = entry.id.split(":", 2)[-1].split("/")[1]  # of its record, or of a notice beside its tombstone
            assert entry.id.startswith(f"tag:{tag}:") and record_id in entry.link
            assert entry.updated.endswith("+08:00") and entry.link.startswith(f"{BASE}/{path}/")


def test_archives_are_linked_in_a_chain_and_marked(golden_out):
    feed = ET.parse(golden_out / "feeds/penalties.xml").getroot()
    links = {l.get("rel"): l.get("href") for l in feed.findall(f"{ATOM}link")}
    chain, url = [], links["prev-archive"]
    while url:
        doc = ET.parse(golden_out / url[len(BASE) + 1:]).getroot()
        assert doc.find("{http://purl.org/syndication/history/1.0}archive") is not None
        rels = {l.get("rel"): l.get("href") for l in doc.findall(f"{ATOM}link")}
        assert rels["current"] == f"{BASE}/feeds/penalties.xml"
        if chain:
            assert rels["next-archive"] == chain[-1]
        chain.append(url)
        url = rels.get("prev-archive")
    days = [u.rsplit("/", 1)[-1][:-4] for u in chain]
    assert days == sorted(days, reverse=True) and days[0] < GOLDEN_AS_OF.isoformat()
    assert len(chain) == len(list((golden_out / "feeds/penalties").glob("*.xml")))


def test_entry_carries_public_fields_and_tombstone_nothing(golden_out):
    xml = (golden_out / "feeds/penalties.xml").read_text(encoding="utf-8")
    root = ET.fromstring(xml)
    entry = next(e for e in root.findall(f"{ATOM}entry") if e.find(f"{GS}record") is not None)
    fields = {f.get("name"): f.text for f in entry.find(f"{GS}record").findall(f"{GS}field")}
    assert fields["记录标识"] and fields["公示截止期"] and "行政处罚决定书文号" in fields
    assert "证件号码" not in fields and "承办人" not in fields  # private (P3.1)
    tombs = root.findall(f"{AT}deleted-entry")
    assert all([child.tag for child in tomb] == [f"{AT}comment"] for tomb in tombs)
    assert sorted(t.findtext(f"{AT}comment") for t in tombs) == ["信用修复", "撤销"]  # P6, P10.4


def test_tombstones_stand_before_the_entries_each_with_a_notice_for_people(golden_out):
    """RFC 4287's schema allows extension elements of atom:feed only before its entries; beside
    each tombstone an entry tells feed readers what ended the record — its number, the day and
    the note, as its notice page shows them (P5.2, P6) — and nothing of its content."""
    root = ET.parse(golden_out / "feeds/penalties.xml").getroot()
    tags = [child.tag for child in root]
    assert max(i for i, t in enumerate(tags) if t == f"{AT}deleted-entry") < tags.index(f"{ATOM}entry")
    withdrawn = json.loads((golden_out / "opendata/penalties.json").read_text(encoding="utf-8"))["withdrawn"]
    [revoked] = [w for w in withdrawn if w["status"] == "撤销"]
    _, rows = read_rows(GOLDEN_SITE / "data/penalties.csv")
    [row] = [r for r in rows if r["行政处罚决定书文号"] == revoked["行政处罚决定书文号"]]
    notices = {e.findtext(f"{ATOM}id"): e for e in root.findall(f"{ATOM}entry") if e.find(f"{GS}record") is None}
    for tomb in root.findall(f"{AT}deleted-entry"):
        notice = notices.pop(f"{tomb.get('ref')}/notice/{tomb.get('when')[:10]}")
        kind = tomb.findtext(f"{AT}comment")
        assert notice.findtext(f"{ATOM}title").startswith(f"【{kind}】行政处罚结果：")
        assert notice.findtext(f"{ATOM}updated") == tomb.get("when")
        assert notice.find(f"{ATOM}category").get("term") == kind
    assert not notices  # no notice without its tombstone
    text = ET.tostring(root, encoding="unicode")
    notice = next(e for e in root.findall(f"{ATOM}entry") if e.findtext(f"{ATOM}title").startswith("【撤销】"))
    assert notice.findtext(f"{ATOM}title") == f"【撤销】行政处罚结果：{revoked['行政处罚决定书文号']}"
    assert notice.findtext(f"{ATOM}summary") == f"2024年12月20日撤销。状态：已不再公示；说明：{revoked['状态说明'].rstrip('。')}。"
    assert notice.find(f"{ATOM}link").get("href") == revoked["url"]  # its notice page (410)
    for field in ("行政相对人名称", "统一社会信用代码", "违法事实", "案件名称"):  # its content is gone (P6)
        assert row[field] and row[field] not in text, field
    # a feed reader sees the notice as an entry of its own
    parsed = feedparser.parse((golden_out / "feeds/penalties.xml").read_bytes())
    assert [e.title for e in parsed.entries if e.id.endswith("/notice/2024-12-20")] == [notice.findtext(f"{ATOM}title")]


def test_an_expired_record_is_named_by_its_id_alone(tmp_path):
    out = tmp_path / "o"
    run(GOLDEN_SITE, date(2025, 3, 6), out=out)  # two penalties have expired by then (P2.3)
    root = ET.parse(out / "feeds/penalties.xml").getroot()
    expired = [t for t in root.findall(f"{AT}deleted-entry") if t.findtext(f"{AT}comment") == "公示期满"]
    assert len(expired) == 2
    notices = {e.findtext(f"{ATOM}id"): e for e in root.findall(f"{ATOM}entry")}
    for tomb in expired:
        record_id = tomb.get("ref").rsplit("/", 1)[-1]
        notice = notices[f"{tomb.get('ref')}/notice/{tomb.get('when')[:10]}"]
        assert notice.findtext(f"{ATOM}title") == f"【公示期满】行政处罚结果：记录 {record_id}"
        day = format_cn(date.fromisoformat(tomb.get("when")[:10]))
        assert notice.findtext(f"{ATOM}summary") == f"{day}公示期满。状态：不再在本订阅源中发布。"


# ---------------------------------------------------------------- RFC 4287's RELAX NG schema

RNC = REPO / "tests/fixtures/atom/rfc4287.rnc"  # RFC 4287 Appendix B, as the RFC prints it


def jing(paths) -> list[str]:
    """jing's errors (Debian's jing; .ci/run and the workflow install it) on these documents
    against RFC 4287's schema, in the compact syntax."""
    tool = shutil.which("jing")
    if tool is None:
        if os.environ.get("GONGSHI_LINT_REQUIRED") == "1":
            raise AssertionError("GONGSHI_LINT_REQUIRED=1 but jing is missing (.ci/run installs it)")
        pytest.skip("jing is not installed (Debian: apt-get install jing)")
    result = subprocess.run([tool, "-c", str(RNC), *map(str, paths)], capture_output=True, text=True, timeout=600)
    errors = [line for line in result.stdout.splitlines() if ": error: " in line or ": fatal: " in line]
    assert errors or result.returncode == 0, result.stdout + result.stderr
    return errors


@pytest.mark.parametrize("which", ["golden", "demo"])
def test_every_feed_and_archive_is_valid_against_rfc_4287s_relax_ng_schema(which, golden_out, demo_out):
    out = golden_out if which == "golden" else demo_out
    docs = sorted((out / "feeds").rglob("*.xml"))
    assert any(f"{AT}deleted-entry".split("}")[1] in d.read_text(encoding="utf-8") for d in docs)
    assert jing(docs) == []


def test_the_schema_rejects_a_tombstone_after_the_entries(golden_out, tmp_path):
    """What the feeds did before: jing finds it, so the test above can fail."""
    root = ET.parse(golden_out / "feeds/penalties.xml").getroot()
    tomb = root.find(f"{AT}deleted-entry")
    root.remove(tomb)
    root.append(tomb)
    bad = tmp_path / "bad.xml"
    bad.write_bytes(ET.tostring(root, encoding="utf-8"))
    [error] = jing([bad])
    assert "deleted-entry" in error and "not allowed here" in error


def test_feed_updated_comes_from_the_data_not_the_clock(golden_out, tmp_path):
    root = ET.parse(golden_out / "feeds/penalties.xml").getroot()
    newest = max(e.findtext(f"{ATOM}updated") for e in root.findall(f"{ATOM}entry"))
    tombs = [t.get("when") for t in root.findall(f"{AT}deleted-entry")]
    assert root.findtext(f"{ATOM}updated") == max([newest, *tombs])
    again = tmp_path / "again"
    run(GOLDEN_SITE, GOLDEN_AS_OF, out=again)
    assert (again / "feeds/penalties.xml").read_bytes() == (golden_out / "feeds/penalties.xml").read_bytes()


def test_corrections_show_on_the_record_page(golden_out):
    feed = ET.parse(golden_out / "feeds/penalties.xml").getroot()
    corrected = [e for e in feed.findall(f"{ATOM}entry") if e.find(f"{ATOM}category").get("term") == "更正"]
    assert len(corrected) == 2
    url = corrected[0].find(f"{ATOM}link").get("href")
    html = (golden_out / url[len(BASE) + 1:] / "index.html").read_text(encoding="utf-8")
    assert "更正记录" in html and ("依纠错建议核实" in html or "录入错误" in html)
    assert "马建平" not in html and "更正审批单" not in html  # private columns of the log (P3.1)


def test_consumer_of_the_demo_site_holds_the_credit_platform_rows(demo_out):
    """The feed serves the credit channel (P10.2): a consumer holds the records the portal shows
    less those credit platforms are not sent (轻微) or no longer (公示期满 there first)."""
    out = demo_out
    replica = Replica()
    replica.sync(f"{BASE}/feeds/penalties.xml", fetcher(out))
    text = (out / "opendata/penalties-creditchina.csv").read_bytes().decode("utf-8-sig")
    credit = list(csv.DictReader(io.StringIO(text)))
    assert copy_of(replica) == snapshot(out, "penalties")
    portal = (out / "opendata/penalties.csv").read_bytes().decode("utf-8-sig")
    assert len(credit) < len(list(csv.DictReader(io.StringIO(portal))))  # 轻微 penalties: on the portal, not sent
    def filled(row):  # an item the feed leaves out is empty
        return sorted((k, v) for k, v in row.items() if v)
    rows = sorted(filled(r) for r in credit)
    held = sorted(filled(r["exports"]["creditchina"]) for r in replica.records.values())
    assert held == rows and rows and all(dict(r).get("CF_GSJZQ") and dict(r).get("CF_SJLY") for r in rows)


def test_markup_in_a_value_is_text_in_the_feed(site, tmp_path):
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2024〕40号"},
             违法事实='拖欠工资 <b>12</b> 人 & "加班费" </gs:field><gs:field name="x">')
    out = tmp_path / "o"
    run(site, GOLDEN_AS_OF, out=out)
    replica = Replica()
    replica.sync(f"{BASE}/feeds/penalties.xml", fetcher(out))
    assert copy_of(replica) == snapshot(out, "penalties")
    facts = {r["fields"]["违法事实"] for r in replica.records.values()}
    assert '拖欠工资 <b>12</b> 人 & "加班费" </gs:field><gs:field name="x">' in facts


# ---------------------------------------------------------------- feeds people can find

def test_home_and_list_pages_announce_their_feeds():
    link = '<link rel="alternate" type="application/atom+xml" title="{}（订阅源）" href="/feeds/{}.xml">'
    home = (GOLDEN_EXPECTED / "index.html").read_text(encoding="utf-8")
    head = home[:home.index("</head>")]
    assert link.format("行政处罚结果", "penalties") in head and link.format("双随机一公开抽查结果", "random-checks") in head
    for path, title in (("penalties", "行政处罚结果"), ("random-checks", "双随机一公开抽查结果")):
        page = (GOLDEN_EXPECTED / path / "index.html").read_text(encoding="utf-8")
        assert link.format(title, path) in page[:page.index("</head>")]
        assert '<a href="/feeds/">如何订阅</a>' in page
    staff = (GOLDEN_EXPECTED / "staff/index.html").read_text(encoding="utf-8")
    assert "application/atom+xml" not in staff and "如何订阅" not in staff  # no feed configured


def test_the_feeds_page_tells_people_how_to_subscribe_and_what_titles_mean():
    page = (GOLDEN_EXPECTED / "feeds/index.html").read_text(encoding="utf-8")
    assert "如何订阅" in page and "【撤销】" in page and "【公示期满】" in page
    assert f'<a href="/feeds/penalties.xml">{BASE}/feeds/penalties.xml</a>' in page
    assert "/feeds/staff.xml" not in page
    for kind in {t.findtext(f"{AT}comment") for t in ET.parse(GOLDEN_EXPECTED / "feeds/penalties.xml").getroot()
                 .findall(f"{AT}deleted-entry")}:
        assert f"【{kind}】" in page  # every reason a reader meets is explained
    footer = (GOLDEN_EXPECTED / "index.html").read_text(encoding="utf-8")
    assert '<a href="/feeds/">订阅</a>' in footer
