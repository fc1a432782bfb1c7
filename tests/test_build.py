"""Behaviour of a whole build of the golden site: reproducibility, withdrawals, corrections,
review, feeds, exports, pages."""

import json
import re
import tempfile
from pathlib import Path
from datetime import date
from xml.etree import ElementTree

import pytest

from conftest import GOLDEN_AS_OF, GOLDEN_SITE, edit_row, read_rows, run, tree, write_rows


def test_two_builds_are_byte_identical_search_index_included(tmp_path):
    run(GOLDEN_SITE, GOLDEN_AS_OF, out=tmp_path / "a", search=True)
    run(GOLDEN_SITE, GOLDEN_AS_OF, out=tmp_path / "b", search=True)
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert any(k.startswith("pagefind/") for k in a)
    assert a == b


def test_parallel_build_equals_serial_build(tmp_path, site):
    # enough records to cross the threshold where workers are forked
    header, rows = read_rows(site / "data/powers.csv")
    template = rows[1]
    extra = []
    for i in range(3100):
        r = dict(template)
        r["事项编码"] = f"640100-XZCF-{i + 100:04d}"
        extra.append(r)
    write_rows(site / "data/powers.csv", header, rows + extra)
    from generator.pipeline import build
    build(site, tmp_path / "serial", GOLDEN_AS_OF, search_index=False, jobs=1)
    build(site, tmp_path / "parallel", GOLDEN_AS_OF, search_index=False, jobs=2)
    serial, parallel = tree(tmp_path / "serial"), tree(tmp_path / "parallel")
    assert len(serial) > 3100
    assert serial == parallel


def load_json(out, name):
    return json.loads((out / f"opendata/{name}.json").read_text(encoding="utf-8"))


def page_of(out, url):
    return (out / (url.split("/", 3)[3] + "index.html")).read_text(encoding="utf-8")


def test_withdrawn_decision_leaves_only_a_notice(tmp_path):
    out = tmp_path / "o"
    run(GOLDEN_SITE, GOLDEN_AS_OF, out=out)
    data = load_json(out, "penalties")
    assert "银人社监罚〔2024〕33号" not in [r["行政处罚决定书文号"] for r in data["records"]]
    [notice] = data["withdrawn"]
    assert notice["行政处罚决定书文号"] == "银人社监罚〔2024〕33号" and notice["status"] == "撤销"
    html = page_of(out, notice["url"])
    assert "银人社监罚〔2024〕33号" in html and "2024年12月20日" in html and "撤销原处罚决定" in html
    for other in ("宁夏通达物流有限公司", "91640100MA76E5F6G", "周强", "30,000", "社会保险费"):
        assert other not in html, other
    for listing in ("penalties/index.html", "index.html", "agencies/yinchuan/index.html"):
        assert "通达物流" not in (out / listing).read_text(encoding="utf-8")
    feed = (out / "feeds/penalties.xml").read_text(encoding="utf-8")  # a tombstone, and nothing of it
    assert f'penalties/{notice["id"]}" when="2024-12-20T00:00:00+08:00">' in feed and "<at:comment>撤销<" in feed
    assert "通达物流" not in feed
    # its number only in the notice for people beside the tombstone, as its notice page shows it (P6)
    assert feed.count("银人社监罚〔2024〕33号") == 1 and "<title>【撤销】行政处罚结果：银人社监罚〔2024〕33号</title>" in feed


def test_withdrawal_dated_after_as_of_is_not_yet_effective(tmp_path):
    out = tmp_path / "o"
    run(GOLDEN_SITE, date(2024, 12, 19), out=out)
    numbers = [r["行政处罚决定书文号"] for r in load_json(out, "penalties")["records"]]
    assert "银人社监罚〔2024〕33号" in numbers


def test_corrected_record_shows_its_correction(tmp_path):
    out = tmp_path / "o"
    run(GOLDEN_SITE, GOLDEN_AS_OF, out=out)
    record = next(r for r in load_json(out, "penalties")["records"] if r["status"] == "已更正")
    html = page_of(out, record["url"])
    assert "已更正" in html and "更正罚款金额的笔误" in html


def test_record_url_is_stable_when_fields_are_corrected(site, tmp_path):
    run(site, GOLDEN_AS_OF, out=tmp_path / "before")
    before = {r["行政处罚决定书文号"]: r["id"] for r in load_json(tmp_path / "before", "penalties")["records"]}
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2024〕15号"},
             行政处罚决定书文号="银人社监罚[2024]15号", 违法事实="更正后的违法事实。", 状态="已更正",
             状态日期="2024-04-01", 状态说明="更正违法事实表述。")
    run(site, GOLDEN_AS_OF, out=tmp_path / "after")
    after = {r["id"]: r for r in load_json(tmp_path / "after", "penalties")["records"]}
    assert after[before["银人社监罚〔2024〕15号"]]["违法事实"] == "更正后的违法事实。"


def test_unreviewed_and_unpublished_records_are_held_back_and_reported(tmp_path):
    """P4: no completed confidentiality review, no publication (reported); no 公示日期, not yet."""
    result, report = run(GOLDEN_SITE, GOLDEN_AS_OF, out=tmp_path / "o")
    numbers = [r["行政处罚决定书文号"] for r in load_json(tmp_path / "o", "penalties")["records"]]
    assert "贺人社监罚〔2024〕19号" not in numbers  # no 保密审查日期
    assert "银人社监罚〔2025〕1号" not in numbers   # no 公示日期
    unreviewed = [d.format() for d in report.warnings if d.code == "W-UNREVIEWED"]
    assert any(line.startswith("data/penalties.csv:8:28: W-UNREVIEWED") for line in unreviewed), unreviewed
    assert result.counts["penalties"] == {"listed": 7, "withdrawn": 1, "repaired": 1, "not-yet": 1, "unreviewed": 1,
                                          "expired": 0}


def test_review_dated_after_as_of_holds_the_record_back(site, tmp_path):
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2024〕40号"}, 保密审查日期="2024-10-10")
    run(site, date(2024, 10, 10), out=tmp_path / "o")
    numbers = [r["行政处罚决定书文号"] for r in load_json(tmp_path / "o", "penalties")["records"]]
    assert "银人社监罚〔2024〕40号" in numbers


def test_expired_staff_certificate_is_not_listed(tmp_path):
    run(GOLDEN_SITE, GOLDEN_AS_OF, out=tmp_path / "o")
    staff = (tmp_path / "o/staff/index.html").read_text(encoding="utf-8")
    assert "宁640100202100011" in staff and "宁640122201900003" not in staff  # 杨光: expired 2024-05-31


def test_late_publication_is_warned(site):
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2024〕40号"}, 公示日期="2024-10-30")
    result, report = run(site, GOLDEN_AS_OF)
    late = [d.format() for d in report.warnings if d.code == "W-LATE"]
    # decided 2024-10-08 (Tue): 10-09, 10, 11, 12 (Saturday, make-up day), 14, 15, 16 → 2024-10-16
    assert len(late) == 1 and late[0].startswith("data/penalties.csv:5:29:")
    # 10-17, 18, 21 … 25, 28, 29, 30: published 10 working days late (P8)
    assert "晚于公示时限 2024-10-16 10 个工作日" in late[0]


def test_feed_is_valid_atom_with_absolute_links(tmp_path):
    run(GOLDEN_SITE, GOLDEN_AS_OF, out=tmp_path / "o")
    root = ElementTree.parse(tmp_path / "o/feeds/penalties.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    # the feed serves the credit channel (P10.2): of the 7 listed records the 轻微 one is not sent;
    # 6 publications and 2 logged corrections; the withdrawal and the credit repair are tombstones,
    # each with a notice entry for people (no gs:record)
    assert len(entries) == 10
    assert sum(e.find("{https://gongshi.example/ns/feed/1}record") is not None for e in entries) == 8
    assert len(root.findall("{http://purl.org/atompub/tombstones/1.0}deleted-entry")) == 2
    for e in entries:
        assert e.find("a:link", ns).get("href").startswith("https://gongshi.hrss.nx.example/penalties/")
        assert e.find("a:updated", ns).text.endswith("+08:00")


def test_sitemap_and_robots(tmp_path):
    out = tmp_path / "o"
    run(GOLDEN_SITE, GOLDEN_AS_OF, out=out)
    locs = re.findall(r"<loc>(.*?)</loc>", (out / "sitemap.xml").read_text(encoding="utf-8"))
    assert "https://gongshi.hrss.nx.example/" in locs
    assert all((out / (loc.split("/", 3)[3] + "index.html")).is_file() for loc in locs)
    assert "Sitemap: https://gongshi.hrss.nx.example/sitemap.xml" in (out / "robots.txt").read_text()
    assert (out / "404.html").is_file()


def test_pages_are_accessible_and_self_contained(tmp_path):
    out = tmp_path / "o"
    run(GOLDEN_SITE, GOLDEN_AS_OF, out=out, search=True)
    for path in out.rglob("*.html"):
        if "pagefind" in path.parts:
            continue
        html = path.read_text(encoding="utf-8")
        assert '<html lang="zh-CN">' in html, path
        assert 'name="viewport"' in html
        assert not re.search(r'(src|href)="(https?:)?//', html), f"{path}: loads from outside the site"
        for table in re.findall(r"<table.*?</table>", html, re.S):
            assert "<caption>" in table and "<th" in table, path
        if path.name == "index.html" and path.parent.name != "search":
            # needs no JavaScript: the one script is 适老模式's switch (its button hidden without
            # it; tests/test_screens.py reads every page kind with JavaScript off)
            scripts = re.findall(r"<script[^>]*>", html)
            assert scripts == ['<script src="/assets/care.js">'], f"{path}: needs no JavaScript"


def test_department_page_gathers_its_information(tmp_path):
    out = tmp_path / "o"
    run(GOLDEN_SITE, GOLDEN_AS_OF, out=out)
    html = (out / "agencies/yinchuan/index.html").read_text(encoding="utf-8")
    for expected in ("负责本行政区域劳动保障监察工作", "0951-6888123", "银川市人民政府", "马明",
                     "对用人单位拖欠工资的处罚", "银人社监罚〔2024〕15号", "银人社随查〔2024〕2-001"):
        assert expected in html, expected
    assert "贺人社监罚" not in html


def test_home_lists_all_24_items_by_phase(tmp_path):
    out = tmp_path / "o"
    run(GOLDEN_SITE, GOLDEN_AS_OF, out=out)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.index("事前公开") < html.index("事中公开") < html.index("事后公开")
    assert len(re.findall(r'<span class="no">\d+</span>', html)) == 24
    assert '<a href="/penalties/">行政处罚结果</a>' in html and "7 条" in html
    assert "本期无行政许可结果信息" in html


def test_excel_exports_in_utf8_bom_and_gbk_read_the_same(site, tmp_path):
    run(site, GOLDEN_AS_OF, out=tmp_path / "utf8")
    text = (site / "data/penalties.csv").read_text(encoding="utf-8")
    for encoding, data in (("bom", b"\xef\xbb\xbf" + text.encode("utf-8")), ("gbk", text.encode("gbk"))):
        (site / "data/penalties.csv").write_bytes(data)
        result, report = run(site, GOLDEN_AS_OF, out=tmp_path / encoding)
        assert result, [d.format() for d in report.errors]
        assert tree(tmp_path / encoding) == tree(tmp_path / "utf8"), encoding


def test_unpublished_record_past_its_deadline_is_reported_overdue():
    # 银人社监罚〔2025〕1号: decided Friday 2025-01-10, no 公示日期; 7 working days → 2025-01-21
    for as_of, overdue in ((date(2025, 1, 21), False), (date(2025, 1, 22), True)):
        result, report = run(GOLDEN_SITE, as_of, out=Path(tempfile.mkdtemp()) / "o")
        lines = [d.format() for d in report.warnings if d.code == "W-OVERDUE"]
        assert any(l.startswith("data/penalties.csv:9: W-OVERDUE") for l in lines) is overdue, (as_of, lines)


def _with_credit_export(site, columns):
    import yaml

    config = yaml.safe_load((site / "site_config.yaml").read_text(encoding="utf-8"))
    config["datasets"]["penalties"]["exports"] = {"creditchina": {"title": "S1", "basis": "规则 S1", "columns": columns}}
    (site / "site_config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def test_credit_platform_export_uses_s1_codes_and_ten_thousand_yuan(site):
    import csv

    _with_credit_export(site, {"CF_XDR_MC": "行政相对人名称", "CF_XDR_SHXYM": "统一社会信用代码",
                               "CF_NR_FK": {"column": "罚款金额（元）", "unit": "万元"}, "CF_FR_ZJHM": None,
                               "CF_GSJZQ": {"life": "last_day"}, "CF_CFJGDM": {"agency": "credit_code"}})
    result, report = run(site, GOLDEN_AS_OF)
    assert result, [d.format() for d in report.errors]
    with (site / "public/opendata/penalties-creditchina.csv").open(encoding="utf-8-sig") as fh:
        rows = {r["CF_XDR_MC"]: r for r in csv.DictReader(fh)}
    # records listed on the credit channel only: not the withdrawn one, nor the 轻微 one (P10.2)
    assert len(rows) == 6 and "宁夏通达物流有限公司" not in rows and "贺兰县永兴建材门市" not in rows
    assert rows["银川市永固建筑劳务有限公司"]["CF_NR_FK"] == "2"       # 20000 元
    assert rows["宁夏恒达人力资源服务有限公司"]["CF_NR_FK"] == "15.6"   # 156000 元
    assert rows["马某某"]["CF_XDR_SHXYM"] == "" and rows["马某某"]["CF_FR_ZJHM"] == ""
    assert rows["贺兰县鑫盛餐饮店"]["CF_GSJZQ"] == "2025-02-28"
    assert rows["银川市永固建筑劳务有限公司"]["CF_CFJGDM"].startswith("11640100")


def test_credit_platform_export_of_a_private_field_is_refused(site):
    _with_credit_export(site, {"CF_XDR_ZJHM": "证件号码"})
    result, report = run(site, GOLDEN_AS_OF)
    assert result is None
    [line] = [d.format() for d in report.errors]
    assert line.startswith("site_config.yaml: E-CONFIG") and "证件号码" in line and "P3.1" in line


def test_decision_pages_tell_remedies_and_the_correction_channel(tmp_path):
    """P7: a decision's page says how to seek remedy, with the configured terms and the review
    body of the deciding department; P5.4: every record page names where to send a correction."""
    out = tmp_path / "o"
    run(GOLDEN_SITE, GOLDEN_AS_OF, out=out)
    record = load_json(out, "penalties")["records"][0]
    html = page_of(out, record["url"])
    assert "救济途径" in html and "60 日内" in html and "6 个月内" in html
    assert "《中华人民共和国行政复议法》（2023年修订）第二十条、第二十四条" in html
    assert "纠错建议" in html and "0951-5099342" in html and "10 个工作日内" in html
    assert "救济途径" not in (out / "staff/index.html").read_text(encoding="utf-8")  # not a decision


def test_the_site_model_is_freed_as_soon_as_the_build_drops_it(tmp_path):
    """The build drops the site model before Pagefind runs (pipeline.py: ``del site``).  Nothing
    made while rendering may hold it in a reference cycle (a Jinja environment has them): only a
    collection over every record's objects would then free it, about 2 s at 100,000 records."""
    import gc
    import weakref

    from generator.cache import Cache
    from generator.diagnostics import Report
    from generator.load import load
    from generator.outputs.schedule import render_site

    for store in (Cache(None), Cache(tmp_path / "cache")):  # a cache: the pages' and sheets' reuse too
        (tmp_path / "cache").mkdir(exist_ok=True)
        site = load(GOLDEN_SITE, GOLDEN_AS_OF, Report()).site
        alive = weakref.ref(site)
        out = tmp_path / f"out-{store.root is not None}"
        out.mkdir()
        gc.disable()
        try:
            assert render_site(site, out, GOLDEN_SITE / "templates", 1, {}, store) > 50
            del site
            assert alive() is None, [type(r).__name__ for r in gc.get_referrers(alive())]
        finally:
            gc.enable()


def test_the_build_leaves_nothing_frozen_for_the_collector(tmp_path):
    """pipeline.py keeps the site model out of the collector's walks while rendering (gc.freeze);
    whatever the outcome, nothing stays frozen afterwards: ``gongshi serve`` builds again and
    again in one process, and a frozen object's cycles would never be collected."""
    import gc
    import shutil

    from generator.diagnostics import BuildFailed
    from generator.pipeline import build

    site = tmp_path / "site"
    shutil.copytree(GOLDEN_SITE, site)
    assert gc.get_freeze_count() == 0
    for jobs in (1, 2):  # rendered here, and in forked workers (schedule.py freezes too)
        build(site, tmp_path / f"out-{jobs}", GOLDEN_AS_OF, search_index=False, jobs=jobs)
        assert gc.get_freeze_count() == 0
    # a build that fails after the freeze: a site's own broken template, found while rendering
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates/record.html").write_text("{% extends \"base.html\" %}\n{% block main %}{{ record.get( }}{% endblock %}\n",
                                                encoding="utf-8")
    with pytest.raises(BuildFailed):
        build(site, tmp_path / "out-failed", GOLDEN_AS_OF, search_index=False, jobs=1)
    assert gc.get_freeze_count() == 0
    # a build whose inputs have errors: refused after the load, before anything is rendered
    shutil.rmtree(site / "templates")
    (site / "data/penalties.csv").write_bytes((site / "data/penalties.csv").read_bytes().replace(b"2024-", b"2024/", 1))
    with pytest.raises(BuildFailed):
        build(site, tmp_path / "out-refused", GOLDEN_AS_OF, search_index=False, jobs=1)
    assert not (tmp_path / "out-refused").exists() and gc.get_freeze_count() == 0
