"""Issue 3 on the demo site: every item of attachment 2 is reachable (P1), and the item-specific
display rules hold (hearings, licences, repealed texts, item 19 periods, sealed-item lists)."""

import json
import re
import shutil
from datetime import date

import pytest
import yaml

from conftest import REPO, run

AS_OF = date(2026, 11, 29)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    site = tmp_path_factory.mktemp("demo")
    for part in ("site_config.yaml", "data", "content"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copyfile)(REPO / part, site / part)
    return site


@pytest.fixture(scope="module")
def built(demo):
    result, report = run(demo, AS_OF, out=demo / "public")
    assert result, [d.format() for d in report.errors]
    return demo / "public"


def records(out, path):
    return json.loads((out / f"opendata/{path}.json").read_text(encoding="utf-8"))


def test_home_shows_all_24_items_each_with_a_link_or_an_explicit_statement(built):
    html = (built / "index.html").read_text(encoding="utf-8")
    items = re.findall(r'<span class="no">(\d+)</span>\s*(.*?)</li>', html, re.S)
    assert [int(n) for n, _ in items] == list(range(1, 25))
    for n, body in items:
        assert "<a href=" in body or "本期无" in body or "执法现场" in body, (n, body)
    linked = {int(n) for n, body in items if "<a href=" in body}
    assert linked == set(range(1, 25)), set(range(1, 25)) - linked  # the demo has something for each


def test_item_with_nothing_to_show_says_so(demo, tmp_path):
    config = yaml.safe_load((demo / "site_config.yaml").read_text(encoding="utf-8"))
    del config["datasets"]["hearings"]
    for name in ("penalties", "licences"):  # their major-by-hearing test (L2) looks in the hearings
        del config["datasets"][name]["major"]["hearing"]
    site = tmp_path / "s"
    shutil.copytree(demo, site, ignore=shutil.ignore_patterns("public"))
    (site / "site_config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    run(site, AS_OF)
    assert "本期无听证信息" in (site / "public/index.html").read_text(encoding="utf-8")


def test_hearing_shown_until_it_has_taken_place(demo, tmp_path):
    for day, shown in ((date(2026, 11, 29), True), (date(2026, 11, 30), False)):
        run(demo, day, out=tmp_path / day.isoformat())
        numbers = [r["听证编号"] for r in records(tmp_path / day.isoformat(), "hearings")["records"]]
        assert ("宁人社听〔2026〕6号" in numbers) is shown, day


def test_hearings_list_the_next_one_first(built):
    dates = [r["听证日期"] for r in records(built, "hearings")["records"]]
    assert dates == sorted(dates)


def test_licence_past_its_validity_or_revoked_is_not_listed_as_valid(built):
    data = records(built, "licences")
    numbers = [r["行政许可决定书文号"] for r in data["records"]]
    assert "宁人社派许〔2023〕6号" not in numbers           # valid until 2026-03-27
    assert "石人社派许〔2025〕3号" in numbers
    assert "银人社派许〔2024〕12号" not in numbers           # revoked 2026-09-08
    notice = next(r for r in data["withdrawn"] if r["行政许可决定书文号"] == "银人社派许〔2024〕12号")
    html = (built / (notice["url"].split("/", 3)[3] + "index.html")).read_text(encoding="utf-8")
    assert "撤销" in html and "2026年9月8日" in html


def test_repealed_texts_are_shown_as_such_never_as_current(built):
    html = "".join(p.read_text(encoding="utf-8") for p in
                   [built / "legal-bases/index.html", *sorted(built.glob("legal-bases/page/*/index.html"))])
    current, _, rest = html.partition("<h2>已修订</h2>")
    # the 2003 《工伤认定办法》 (劳动和社会保障部令第17号) is repealed; the 2011 one is current
    assert "<h2>现行有效</h2>" in current and "劳动和社会保障部令第17号" not in current
    assert "人力资源社会保障部令第8号" in current
    assert "已废止" in rest
    repealed = [r for r in records(built, "legal-bases")["records"] if r["时效性"] == "已废止"]
    assert repealed and all(r["名称"] for r in repealed)


def test_major_violations_grouped_by_quarter_or_half_year_of_announcement(built):
    html = (built / "major-violations/index.html").read_text(encoding="utf-8")
    groups = re.findall(r"<h2>(\d{4}年(?:第[一二三四]季度|[上下]半年))</h2>", html)
    assert groups and len(groups) == len(set(groups))
    assert any("半年" in g for g in groups) and any("季度" in g for g in groups)
    for section in html.split("<h2>")[1:]:
        label = section.split("</h2>")[0]
        if "半年" in label:  # only the region's department announces half-yearly (P9)
            assert "银川市人力资源和社会保障局" not in section


def test_sealed_items_listed_one_per_line(built):
    record = next(r for r in records(built, "coercions")["records"] if len(r["查封清单"]) > 1)
    html = (built / (record["url"].split("/", 3)[3] + "index.html")).read_text(encoding="utf-8")
    for item in record["查封清单"]:
        assert f"<li>{item}</li>" in html


def test_exam_candidates_are_never_named(built):
    schema = json.loads((REPO / "data/exam_violations.schema.json").read_text(encoding="utf-8"))
    assert not any(f.get("public") for f in schema["fields"] if f["name"] == "考生姓名")


def test_platform_page_follows_the_configuration(demo, tmp_path):
    site = tmp_path / "s"
    shutil.copytree(demo, site, ignore=shutil.ignore_patterns("public"))
    config = yaml.safe_load((site / "site_config.yaml").read_text(encoding="utf-8"))
    config["datasets"]["coercions"]["period"]["default"] = {"years": 2, "basis": "测试用依据XYZ"}
    (site / "site_config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    run(site, AS_OF)
    html = (site / "public/platform/index.html").read_text(encoding="utf-8")
    row = next(r for r in html.split("<tr>") if "行政强制结果" in r)
    assert "2 年，自查封日期起算" in row and "测试用依据XYZ" in row


def test_every_department_page_gathers_its_items(built):
    html = (built / "agencies/yinchuan/index.html").read_text(encoding="utf-8")
    for title in ("行政处罚结果", "执法人员清单", "权责清单", "行政许可结果", "执法事项"):
        assert f">{title}</h2>" in html, title


def test_flow_charts_ship_with_a_text_alternative(built):
    html = (built / "flowcharts/index.html").read_text(encoding="utf-8")
    for name in ("penalty", "licence", "inspection", "coercion"):
        assert (built / f"flowcharts/{name}.svg").is_file()
        assert re.search(rf'<img alt="[^"]+" src="/flowcharts/{name}.svg"', html)
    assert html.count("<ol>") >= 4  # each chart's steps in words


def test_phone_navigation_and_print_stylesheet(built):
    css = (built / "assets/site.css").read_text(encoding="utf-8")
    assert "@media print" in css and "@media screen and (max-width: 40rem)" in css
    html = (built / "coercions/index.html").read_text(encoding="utf-8")
    assert 'aria-current="true">事后公开' in html  # the section's place in the navigation


def test_item_whose_records_have_all_ended_says_so_instead_of_linking(demo, tmp_path):
    run(demo, date(2031, 1, 1), out=tmp_path / "o")  # every hearing has taken place by then
    html = (tmp_path / "o/index.html").read_text(encoding="utf-8")
    item = html.split('<span class="no">16</span>')[1].split("</li>")[0]
    assert "本期无听证信息" in item and "/hearings/" not in item
