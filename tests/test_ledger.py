"""The ledger of what was published (ledger.py, ``gongshi ledger``): a deleted record still leaves
properly — tombstone, 410, withdrawn in the exports — and the check reports it until it is
handled; a withdrawn record is never resurrected; the ledger itself is never published."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from conftest import GOLDEN_SITE, all_output_bytes, edit_row, read_rows, run, write_rows
from generator.cli import main
from generator.compliance import run_check
from generator.ledger import DELETED, LEDGER_FILE
from gitrepo import commit, git, make_repo

AT = "{http://purl.org/atompub/tombstones/1.0}"
PEN = "data/penalties.csv"
N40 = {"行政处罚决定书文号": "银人社监罚〔2024〕40号"}
DAY = date(2025, 1, 15)


def ledger(site, as_of=DAY) -> int:
    return main(["ledger", "--site", str(site), "--as-of", as_of.isoformat()])


def delete_row(path, match):
    header, rows = read_rows(path)
    write_rows(path, header, [r for r in rows if not all(r[k] == v for k, v in match.items())])


def tombstones(out) -> dict:
    root = ET.parse(out / "feeds/penalties.xml").getroot()
    return {t.get("ref").rsplit("/", 1)[-1]: (t.get("when")[:10], t.findtext(f"{AT}comment"))
            for t in root.iter(f"{AT}deleted-entry")}


def withdrawn(out) -> dict:
    doc = json.loads((out / "opendata/penalties.json").read_bytes())
    return {w["行政处罚决定书文号"]: w for w in doc["withdrawn"]}


def check_codes(site, as_of=DAY) -> list[str]:
    return sorted(d.code for d in run_check(site, as_of).report.items if "RECORD" in d.code or "LEDGER" in d.code)


def test_ledger_lists_what_was_shown_and_is_stable(site, capsys):
    assert ledger(site) == 0
    text = (site / LEDGER_FILE).read_bytes()
    assert text.startswith("\ufeff数据集,记录标识,编号,公示日期,公示截止期,离开日期,离开原因\n".encode())
    _, rows = read_rows(site / LEDGER_FILE)
    numbers = {r["编号"] for r in rows if r["数据集"] == "penalties"}
    assert "银人社监罚〔2024〕40号" in numbers
    assert "银人社监罚〔2025〕1号" not in numbers and "贺人社监罚〔2024〕19号" not in numbers  # never shown
    revoked = next(r for r in rows if r["编号"] == "银人社监罚〔2024〕33号")
    assert (revoked["离开日期"], revoked["离开原因"]) == ("2024-12-20", "撤销")
    assert ledger(site) == 0 and (site / LEDGER_FILE).read_bytes() == text  # nothing new: same bytes
    assert "W-LEDGER-STALE" not in check_codes(site)


def test_a_stale_ledger_is_a_warning(site):
    assert "W-LEDGER-STALE" in check_codes(site)  # no ledger yet: every shown record is unknown to it


def test_deleted_record_is_tombstoned_answered_410_and_listed_withdrawn(site, tmp_path):
    ledger(site)
    delete_row(site / PEN, N40)
    out = tmp_path / "o"
    result, report = run(site, date(2025, 1, 16), out=out)
    assert result is not None and "W-RECORD-DELETED" in {d.code for d in report.items}
    _, rows = read_rows(site / LEDGER_FILE)
    rid = next(r["记录标识"] for r in rows if r["编号"] == "银人社监罚〔2024〕40号")
    assert tombstones(out)[rid] == ("2025-01-16", DELETED)
    assert f"/penalties/{rid}/* /penalties/{rid}/index.html 410!" in (out / "_redirects").read_text(encoding="utf-8")
    notice = (out / f"penalties/{rid}/index.html").read_text(encoding="utf-8")
    assert DELETED in notice and "银人社监罚〔2024〕40号" in notice
    assert withdrawn(out)["银人社监罚〔2024〕40号"]["status"] == DELETED
    index = json.loads((out / "opendata/index.json").read_bytes())["datasets"]["penalties"]
    assert {"id": rid, "url": f"https://gongshi.hrss.nx.example/penalties/{rid}/", "status": DELETED,
            "status_on": "2025-01-16"} in index["withdrawn_records"]
    assert rid not in (out / "opendata/penalties.csv").read_text(encoding="utf-8-sig")
    # the check reports it until it is handled
    assert check_codes(site, date(2025, 1, 16)) == ["E-RECORD-DELETED"]


def test_recorded_deletion_keeps_its_day(site, tmp_path):
    ledger(site)
    delete_row(site / PEN, N40)
    assert ledger(site, date(2025, 1, 16)) == 0  # CI records the deletion on the day it reached main
    _, rows = read_rows(site / LEDGER_FILE)
    entry = next(r for r in rows if r["编号"] == "银人社监罚〔2024〕40号")
    assert (entry["离开日期"], entry["离开原因"]) == ("2025-01-16", DELETED)
    for day in (date(2025, 1, 17), date(2025, 2, 1)):
        out = tmp_path / day.isoformat()
        run(site, day, out=out)
        assert tombstones(out)[entry["记录标识"]] == ("2025-01-16", DELETED)
    assert check_codes(site, date(2025, 2, 1)) == ["E-RECORD-DELETED"]


def test_restoring_the_row_withdrawn_handles_it(site, tmp_path):
    ledger(site)
    header, rows = read_rows(site / PEN)
    kept = next(r for r in rows if r["行政处罚决定书文号"] == "银人社监罚〔2024〕40号")
    delete_row(site / PEN, N40)
    ledger(site, date(2025, 1, 16))
    _, rows = read_rows(site / PEN)
    rows.append({**kept, "状态": "撤下", "状态日期": "2025-01-16", "状态说明": "录入错误，撤下。"})
    write_rows(site / PEN, header, rows)
    assert check_codes(site, date(2025, 1, 17)) == []
    out = tmp_path / "o"
    run(site, date(2025, 1, 17), out=out)
    assert withdrawn(out)["银人社监罚〔2024〕40号"]["status"] == "撤下"
    ledger(site, date(2025, 1, 17))
    _, rows = read_rows(site / LEDGER_FILE)
    entry = next(r for r in rows if r["编号"] == "银人社监罚〔2024〕40号")
    assert (entry["离开日期"], entry["离开原因"]) == ("2025-01-16", "撤下")


def test_a_withdrawn_record_is_never_resurrected(site, tmp_path):
    ledger(site)
    edit_row(site / PEN, {"行政处罚决定书文号": "银人社监罚〔2024〕33号"}, 状态="", 状态日期="", 状态说明="")
    out = tmp_path / "o"
    result, report = run(site, DAY, out=out)
    assert "W-RECORD-RESURRECTED" in {d.code for d in report.items}
    assert withdrawn(out)["银人社监罚〔2024〕33号"]["status"] == "撤销"
    assert "银人社监罚〔2024〕33号" not in (out / "opendata/penalties.csv").read_text(encoding="utf-8-sig")
    assert check_codes(site) == ["E-RECORD-RESURRECTED"]


def test_a_row_deleted_after_its_period_ended_is_no_error(site, tmp_path):
    ledger(site, date(2025, 3, 6))  # 银…15号 (decided 2024-03-05) expired on 2025-03-06
    delete_row(site / PEN, {"行政处罚决定书文号": "银人社监罚〔2024〕15号"})
    ledger(site, date(2025, 3, 7))
    assert "E-RECORD-DELETED" not in check_codes(site, date(2025, 3, 7))
    out = tmp_path / "o"
    run(site, date(2025, 3, 7), out=out)
    assert ("2025-03-06", "公示期满") in tombstones(out).values()
    assert "银人社监罚〔2024〕15号" not in b"".join(data for _, data in all_output_bytes(out)).decode("utf-8", "replace")


def test_the_ledger_is_never_published(site, tmp_path):
    ledger(site)
    out = tmp_path / "o"
    run(site, DAY, out=out)
    assert not list(out.rglob("ledger*"))
    assert not any(b"\xe7\xa6\xbb\xe5\xbc\x80\xe5\x8e\x9f\xe5\x9b\xa0" in data for _, data in all_output_bytes(out))  # 离开原因


@pytest.mark.parametrize("text, detail", [
    ("数据集,记录标识\npenalties,abc\n", "表头应为"),
    ("数据集,记录标识,编号,公示日期,公示截止期,离开日期,离开原因\npenalties,c585ad2c438b6a02,x,2024-13-01,长期,,\n", "日期"),
    ("数据集,记录标识,编号,公示日期,公示截止期,离开日期,离开原因\npenalties,c585ad2c438b6a02,x,2024-10-10,长期,2025-01-01,丢失\n",
     "离开原因须同时填写"),
])
def test_a_damaged_ledger_fails_the_build(site, text, detail):
    (site / LEDGER_FILE).write_text(text, encoding="utf-8")
    result, report = run(site, DAY)
    assert result is None
    [problem] = [d for d in report.errors if d.code == "E-LEDGER"]
    assert detail in problem.message and problem.path == LEDGER_FILE


def test_ledger_is_not_updated_from_data_with_errors(site, capsys):
    ledger(site)
    before = (site / LEDGER_FILE).read_bytes()
    edit_row(site / PEN, N40, 公示日期="2024-13-45")
    assert ledger(site) == 1
    assert (site / LEDGER_FILE).read_bytes() == before and "误记为已删除" in capsys.readouterr().err


def test_a_deletion_merged_into_main_still_leaves_properly(tmp_path):
    repo, site = make_repo(tmp_path, GOLDEN_SITE)
    assert ledger(site) == 0
    commit(repo, "台账", date="2025-01-15")
    git(repo, "checkout", "-q", "-b", "cleanup")
    delete_row(site / PEN, N40)
    commit(repo, "删掉一行", date="2025-01-15")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "cleanup", "-m", "合并", date="2025-01-16")
    out = tmp_path / "deploy"
    result, report = run(site, date(2025, 1, 16), out=out)  # Netlify builds main as it is
    assert result is not None
    assert DELETED in {reason for _, reason in tombstones(out).values()}
