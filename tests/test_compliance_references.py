"""Staff certificates expired or expiring within 30 days (P2.6); decisions citing a law that the
执法依据 list holds only as repealed or superseded (P8)."""

from datetime import date, timedelta

import pytest

from generator.compliance.references import certificates, law_status, repealed_citations
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
