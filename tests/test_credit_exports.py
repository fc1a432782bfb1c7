"""The 信用中国 data items of the demo's exports (S1 penalties, S2 licences): every item the
platform holds data for is filled."""

import csv
from datetime import date

import pytest

from conftest import REPO, run

AS_OF = date(2026, 11, 29)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "o"
    result, report = run(REPO, AS_OF, out=out)  # the demo as it is: built, never changed
    assert result, [d.format() for d in report.errors]
    return out


def rows(out, name):
    with (out / f"opendata/{name}-creditchina.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_licence_items_follow_s2(out):
    """S2: the XK_ codes in their order, the licence's dates and department filled."""
    data = rows(out, "licences")
    assert data and list(data[0])[:3] == ["XK_XDR_MC", "XK_XDR_LB", "XK_XDR_SHXYM"]
    for row in data:
        assert row["XK_WSH"] and row["XK_JDRQ"] and row["XK_YXQZ"] and row["XK_XKJGDM"] and row["XK_LYDW"]
        assert row["XK_FR_ZJHM"] == "" and row["XK_XDR_ZJHM"] == ""  # never in a public file (S4)


def test_licence_state_is_filled(out):
    """S2: XK_ZT, the licence's current state: the file lists licences in force; a revoked one
    (银人社派许〔2024〕12号) is not in it."""
    data = rows(out, "licences")
    assert {r["XK_ZT"] for r in data} == {"有效"}
    assert "银人社派许〔2024〕12号" not in {r["XK_WSH"] for r in data}


def test_penalty_validity_and_credit_channel_end(out):
    """S1: CF_YXQ is a time-limited penalty's end (empty for a fine); CF_GSJZQ the credit
    channel's 公示截止期 (P10.2): 一般 1 year, 严重 3 years; 轻微 is not sent at all."""
    data = {r["CF_WSH"]: r for r in rows(out, "penalties")}
    assert data["宁人社监罚〔2026〕8号"]["CF_YXQ"] == "2027-01-15"        # 责令停止招生 6 个月
    assert data["宁人社监罚〔2026〕7号"]["CF_YXQ"] == ""
    assert data["银人社监罚〔2026〕19号"]["CF_GSJZQ"] == "2029-09-08"     # 吊销: 严重, 3 years
    assert data["宁人社监罚〔2026〕8号"]["CF_GSJZQ"] == "2027-07-15"      # 一般, 1 year
    for minor in ("宁人社监罚〔2026〕6号", "青人社监罚〔2026〕9号", "同人社监罚〔2026〕8号"):  # warnings, 简易程序
        assert minor not in data
    assert "吴人社监罚〔2026〕5号" not in data                                # repaired 2026-09-15 (P10.4)


def test_the_record_page_shows_the_class_and_each_channels_last_day(out):
    import json
    records = json.loads((out / "opendata/penalties.json").read_text(encoding="utf-8"))["records"]
    [minor] = [r for r in records if r["行政处罚决定书文号"] == "宁人社监罚〔2026〕6号"]
    html = (out / minor["url"].split("/", 3)[3] / "index.html").read_text(encoding="utf-8")
    assert "失信程度认定</th><td>轻微（处罚类别仅为警告" in html and "不报送信用平台" in html
    assert "公示截止期</th><td>2027年6月23日" in html  # the portal keeps attachment 2's year
