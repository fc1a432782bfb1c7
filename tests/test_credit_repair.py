"""Credit repair in whole builds (P10.3, P10.4): a repaired penalty leaves every output of the
channels the repair ends — a 信用修复 tombstone in the feed, 410 on its URL (the general page, or a
notice when configured), nothing in lists, exports, sitemap or search — from its date on."""

import json
from datetime import date

import yaml

from conftest import all_output_bytes, edit_row, run

NUMBER = "银人社监罚〔2024〕22号"   # 一般, decided 2024-05-20, repaired 2024-11-18
PARTY = "银川市安泰保安服务有限公司"
REPAIRED = date(2024, 11, 18)


def configure(site, **repair):
    config = yaml.safe_load((site / "site_config.yaml").read_text(encoding="utf-8"))
    config["datasets"]["penalties"]["credit"]["repair"].update(repair)
    (site / "site_config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def listed(out, name="penalties"):
    return {r["行政处罚决定书文号"]: r for r in json.loads((out / f"opendata/{name}.json").read_text("utf-8"))["records"]}


def test_the_day_before_the_repair_it_is_shown_everywhere(site, tmp_path):
    out = tmp_path / "o"
    run(site, REPAIRED.replace(day=17), out=out)
    record = listed(out)[NUMBER]
    assert PARTY in (out / "opendata/penalties-creditchina.csv").read_text("utf-8-sig")
    assert (out / record["url"].split("/", 3)[3] / "index.html").is_file()


def test_from_the_repair_no_trace_is_left(site, tmp_path):
    out = tmp_path / "o"
    result, report = run(site, REPAIRED, out=out)
    assert result, [d.format() for d in report.errors]
    assert NUMBER not in listed(out)
    for path, data in all_output_bytes(out):  # pages, lists, exports, sitemap, feeds: the party is gone
        assert PARTY.encode() not in data, path
    feed = (out / "feeds/penalties.xml").read_text("utf-8")
    assert '<at:comment>信用修复</at:comment>' in feed and 'when="2024-11-18T00:00:00+08:00"' in feed
    assert any(line.endswith("/gone/index.html 410!") for line in (out / "_redirects").read_text().splitlines())


def test_a_notice_when_configured(site, tmp_path):
    configure(site, page="notice")
    out = tmp_path / "o"
    run(site, REPAIRED, out=out)
    data = json.loads((out / "opendata/penalties.json").read_text("utf-8"))
    [notice] = [w for w in data["withdrawn"] if w["status"] == "信用修复"]
    assert notice["状态日期"] == "2024-11-18" and "银人社信复〔2024〕3号" in notice["状态说明"]
    html = (out / notice["url"].split("/", 3)[3] / "index.html").read_text("utf-8")
    assert "信用修复公告" in html and NUMBER in html and "银川市人力资源和社会保障局信用修复决定（银人社信复〔2024〕3号）" in html
    assert PARTY not in html and "data-pagefind-body" not in html  # no name, not in the full-text index
    rules = (out / "_redirects").read_text().splitlines()
    assert f"{notice['url'][len('https://gongshi.hrss.nx.example'):]}* " \
           f"{notice['url'][len('https://gongshi.hrss.nx.example'):]}index.html 410!" in rules


def test_the_portal_may_keep_it_when_configured(site, tmp_path):
    configure(site, ends=["creditchina"])
    out = tmp_path / "o"
    run(site, REPAIRED, out=out)
    assert NUMBER in listed(out)                                              # the portal: attachment 2's year
    assert PARTY not in (out / "opendata/penalties-creditchina.csv").read_text("utf-8-sig")  # credit: ended
    assert '<at:comment>信用修复</at:comment>' in (out / "feeds/penalties.xml").read_text("utf-8")


def test_a_repair_before_the_shortest_period_fails_the_build(site):
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": NUMBER}, 信用修复日期="2024-08-20")
    result, report = run(site, REPAIRED)
    assert result is None
    [line] = [d.format() for d in report.errors]
    assert line.startswith("data/penalties.csv:12:39: ") and "E-REPAIR-EARLY 信用修复日期 2024-08-20 早于可以修复之日 2024-08-21" in line
    assert "（规则 P10.3）" in line
