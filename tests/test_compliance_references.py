"""Staff certificates expired or expiring within 30 days (P2.6); decisions citing a law that the
执法依据 list holds only as repealed or superseded (P8)."""

from datetime import date, timedelta

import pytest

from generator.compliance.references import certificates, citation_conflicts, law_status, repealed_citations
from records import DEMO_AS_OF, dataset, record

STAFF = dataset("staff", key=("执法证件编号",), date_field="发证日期")
SPEC = {"dataset": "staff", "column": "证件有效期至", "warn_days": 30, "basis": "P2.6"}


@pytest.mark.parametrize("offset, codes", [
    (-1, ["W-CERT-EXPIRED"]),    # expired yesterday
    (0, ["W-CERT-EXPIRING"]),    # today is the last valid day
    (30, ["W-CERT-EXPIRING"]),   # the 30th day ahead
    (31, []),                    # beyond the horizon
])
def test_certificates(offset, codes):
    r = record(STAFF, 3, 执法证件编号="宁64010020210010", 证件有效期至=DEMO_AS_OF + timedelta(days=offset))
    assert [d.code for d in certificates(SPEC, STAFF, [r], DEMO_AS_OF)] == codes


def test_withdrawn_staff_is_not_reported():
    r = record(STAFF, 3, status="撤下", 执法证件编号="宁1", 证件有效期至=date(2026, 1, 1))
    assert list(certificates(SPEC, STAFF, [r], DEMO_AS_OF)) == []


LAWS = dataset("legal_bases", key=("名称", "文号"))
REPEALED = {"dataset": "legal_bases", "title": "名称", "status": "时效性", "current": ("现行有效",),
            "cited_in": {"penalties": "处罚依据"}, "basis": "P8"}
LIST = [record(LAWS, 2, 名称="《劳动力市场管理规定》", 文号="劳动和社会保障部令第10号", 时效性="已废止"),
        record(LAWS, 3, 名称="《工伤认定办法》", 文号="劳动和社会保障部令第17号", 时效性="已废止"),
        record(LAWS, 4, 名称="《工伤认定办法》", 文号="人力资源社会保障部令第8号", 时效性="现行有效"),
        record(LAWS, 5, 名称="《劳动保障监察条例》", 文号="国务院令第423号", 时效性="现行有效")]
PENALTIES = dataset()


@pytest.mark.parametrize("basis, titles", [
    ("《劳动保障监察条例》第二十五条", []),
    ("《人力资源市场暂行条例》第四十五条；《劳动力市场管理规定》第三十二条", ["《劳动力市场管理规定》"]),
    ("《工伤认定办法》第五条", []),          # the title has a current text (a newer 部令): not reported
    ("《某地方未收录的办法》第一条", []),     # not in the list: nothing to compare with
])
def test_repealed_citations(basis, titles):
    r = record(PENALTIES, 41, 文号="中宁人社监罚[2026]4号", 决定日期=date(2026, 5, 7), 处罚依据=basis)
    found = list(repealed_citations(REPEALED, law_status(REPEALED, LIST), PENALTIES, "处罚依据", [r]))
    assert [dict(d.params)["title"] for d in found] == titles
    assert all(d.code == "W-REPEALED-BASIS" and "已废止" in d.message and "2026-05-07" in d.message for d in found)


def test_a_repealed_law_is_found_under_its_full_title_too():
    laws = [record(LAWS, 2, 名称="《中华人民共和国某某法》", 文号="主席令第1号", 时效性="已废止")]
    r = record(PENALTIES, 9, 文号="宁人社监罚〔2026〕1号", 决定日期=date(2026, 5, 7), 处罚依据="《某某法》第三条")
    assert len(list(repealed_citations(REPEALED, law_status(REPEALED, laws), PENALTIES, "处罚依据", [r]))) == 1


def test_a_provision_cited_two_ways_across_datasets():
    """I4: 社会保险法第七十九条第（一）项 under 第二款 in the powers list and 第一款 in a sealing."""
    powers, sealing = dataset("powers", key=("事项编码",)), dataset("coercions", key=("查封决定书文号",))
    tables = {
        "powers": (powers, None, [record(powers, 12, 事项编码="330217001000",
                                         设定依据="《中华人民共和国社会保险法》第七十七条、第七十九条第二款第（一）项")]),
        "coercions": (sealing, None, [
            record(sealing, 3, 查封决定书文号="银人社基监封〔2025〕1号",
                   查封依据="《中华人民共和国社会保险法》第七十九条第一款第（一）项；《社会保险基金行政监督办法》第十七条"),
            record(sealing, 4, 查封决定书文号="银人社基监封〔2025〕2号",
                   查封依据="《中华人民共和国社会保险法》第七十九条第二款第（一）项"),
            record(sealing, 5, 查封决定书文号="银人社基监封〔2025〕3号", 查封依据="《社会保险法》第七十九条")])}
    found = list(citation_conflicts({"powers": "设定依据", "coercions": "查封依据"}, tables))
    assert [(d.code, d.row, dict(d.params)["cited"]) for d in found] == [
        ("W-CITATION-MISMATCH", 3, "《中华人民共和国社会保险法》第七十九条第一款第（一）项"),
        ("W-CITATION-MISMATCH", 5, "《社会保险法》第七十九条")]
    assert "data/powers.csv:12（设定依据）" in found[0].message and found[0].spec.rule == "I4"
