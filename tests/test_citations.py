"""Legal citations (I4): read however they are written, and the same provision cited the same way
in every dataset of the demo."""

import csv
import re

import pytest

from conftest import REPO
from generator.citations import Citation, chinese, citations, conflicts, law_name, number


@pytest.mark.parametrize("text, n", [("七十九", 79), ("十", 10), ("十二", 12), ("二十", 20), ("一百零三", 103),
                                     ("一百一十", 110), ("79", 79), ("７９", 79), ("两", 2), ("七x", None)])
def test_numbers(text, n):
    assert number(text) == n


def test_chinese_numerals_round_trip():
    assert [chinese(n) for n in (1, 10, 11, 20, 79, 100, 103, 110, 215)] == \
        ["一", "十", "十一", "二十", "七十九", "一百", "一百零三", "一百一十", "二百一十五"]
    assert all(number(chinese(n)) == n for n in range(1, 400))


def test_a_citation_with_paragraph_and_item():
    [c] = citations("《中华人民共和国社会保险法》第七十九条第二款第（一）项")
    assert (c.law, c.article, c.paragraph, c.item) == ("社会保险法", 79, 2, 1)
    assert c.canonical() == "《中华人民共和国社会保险法》第七十九条第二款第（一）项"


def test_several_articles_of_one_law_and_a_second_law():
    cs = citations("《劳动保障监察条例》第十条、第十一条；《社会保险基金行政监督办法》第十七条")
    assert [(c.law, c.article) for c in cs] == [("劳动保障监察条例", 10), ("劳动保障监察条例", 11),
                                               ("社会保险基金行政监督办法", 17)]


def test_forms_editors_type_read_the_same():
    a = citations("《社会保险法》第79条第2款第(1)项")[0]
    b = citations("《中华人民共和国社会保险法》第七十九条第二款第（一）项")[0]
    assert a.provision == b.provision and a.canonical() != b.canonical()


def test_a_whole_law_a_chapter_and_a_bare_article():
    assert [(c.law, c.article) for c in citations("《网络招聘服务管理规定》")] == [("网络招聘服务管理规定", None)]
    assert [(c.law, c.article) for c in citations("《保障农民工工资支付条例》第五章")] == [("保障农民工工资支付条例", None)]
    assert citations("依据本办法第十七条处理。") == []
    assert [c.law for c in citations("《关于实施〈劳动保障监察条例〉若干规定》")] == ["关于实施〈劳动保障监察条例〉若干规定"]
    assert law_name("《中华人民共和国行政复议法》（2017年修正）") == "行政复议法"


def test_conflicting_paragraphs_and_titles_are_found():
    cited = [("a:2", c) for c in citations("《中华人民共和国社会保险法》第七十九条第二款第（一）项")]
    cited += [("b:5", c) for c in citations("《中华人民共和国社会保险法》第七十九条第一款第（一）项")]
    cited += [("c:3", c) for c in citations("《社会保险法》第八十六条")]
    cited += [("d:4", c) for c in citations("《中华人民共和国社会保险法》第七十九条第（一）项")]  # less precise: fine
    found = [(where, c.paragraph, other.paragraph, there) for where, c, other, there in conflicts(cited)]
    assert found == [("b:5", 1, 2, "a:2"), ("c:3", None, 2, "a:2")]


def test_the_demo_cites_each_provision_one_way_across_datasets():
    """I4: the same law under one title, the same item of an article under one paragraph, in
    every column of every dataset (e.g. sealing: 社会保险法第七十九条第二款第（一）项, not 第一款)."""
    cited = []
    for path in sorted((REPO / "data").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row, cells in enumerate(csv.DictReader(fh), 2):
                for column, text in cells.items():
                    cited += [(f"{path.name}:{row}:{column}", c) for c in citations(text or "")]
    assert len(cited) > 500
    assert [(w, c.text, o.text, t) for w, c, o, t in conflicts(cited)] == []


def test_sealing_amounts_agree_with_the_published_grounds():
    """The private 涉案金额 that decides whether a sealing is major (L3) is the amount its public
    查封事由 states (约 x 万元)."""
    with (REPO / "data/coercions.csv").open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            [stated] = re.findall(r"涉案金额约([\d.]+)万元", row["查封事由"])
            assert round(float(row["涉案金额（元）"]) / 1000) == round(float(stated) * 10), row["查封决定书文号"]
