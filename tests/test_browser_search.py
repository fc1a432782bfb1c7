"""What a citizen meets on /search/ of the demo, in Chromium (issue 14, points 1 and 2): a query
that matches nothing says so plainly — with the reason when the query cannot be a credit code
(I1) or is a resident ID number (I2, P3.1) — and full-text results are related content, set
apart, never matches; every declared name and identifier is found, the staff's names and the
工商注册号 of a 个体工商户 with the placeholder code included.  The site, browser and helpers are
test_browser.py's (skipped with it where no Chromium is installed)."""

import json
import threading

import pytest

from conftest import GOLDEN_AS_OF, GOLDEN_SITE, REPO, run
from generator import hosting
from test_browser import base_url, browser, penalties, phone, rerun, search, wait_done  # noqa: F401 (fixtures)
from test_lookup import with_decoys

NOT_A_COMPANY = "不存在的公司名称"
WITHDRAWN = "银人社监罚〔2026〕11号"
USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def path_of(record):
    return "/" + record["url"].split("/", 3)[3]


def exact_links(page):
    return page.eval_on_selector_all("#search-exact-list .hit a", "els => els.map(e => e.getAttribute('href'))")


def related_titles(page):
    return page.eval_on_selector_all("#search-full-list .hit-title a", "els => els.map(e => e.textContent)")


def test_a_name_nothing_matches_says_so_and_shows_related_content_apart(phone, base_url):
    """Issue 14.1: "不存在的公司名称" gave 16 full-text results shown as results."""
    assert search(phone, base_url, NOT_A_COMPANY)
    status = phone.inner_text("#search-status")
    assert status.startswith(f"没有找到与“{NOT_A_COMPANY}”相符的记录。"), status
    assert "不是查询结果" in status and "找到 " not in status, status
    assert not phone.is_visible("#search-exact") and exact_links(phone) == []
    assert phone.is_visible("#search-none")
    assert f"没有名称含有“{NOT_A_COMPANY}”" in phone.inner_text("#search-none")
    # the related content: its own section, headed and explained as such, below the answer
    assert phone.inner_text("#search-full-h") == "其他相关内容"
    assert "不是与查询相符的记录" in phone.inner_text("#search-full-note")
    related = related_titles(phone)
    assert related and not any(NOT_A_COMPANY in t for t in related)
    none_box = phone.locator("#search-none").bounding_box()
    full_box = phone.locator("#search-full").bounding_box()
    assert full_box["y"] >= none_box["y"] + none_box["height"]
    assert phone.evaluate("getComputedStyle(document.getElementById('search-full')).borderTopStyle") == "dashed"
    assert phone.problems == []


def one_wrong(code, at):
    """The credit code with the character at ``at`` replaced by the next one of its alphabet."""
    return code[:at] + USCC[(USCC.index(code[at]) + 1) % len(USCC)] + code[at + 1:]


def test_a_credit_code_with_one_wrong_character_is_flagged_and_nothing_is_shown_as_matching(phone, base_url):
    """Issue 14.1: a code with one wrong character gave 17 results, its check digit not pointed out."""
    codes = [r["统一社会信用代码"] for r in penalties(phone, base_url)["records"]
             if r["统一社会信用代码"] != "00000000000000000X"]
    for code, at in ((codes[0], 9), (codes[1], 17), (codes[2], 0)):
        wrong = one_wrong(code, at)
        assert search(phone, base_url, wrong) == [], wrong
        status = phone.inner_text("#search-status")
        assert status == f"没有找到与“{wrong}”相符的记录：统一社会信用代码校验位不符，请核对。", status
        assert "校验位" in phone.inner_text("#search-none")
    # a letter the code never uses (O for 0) and a character too few are named too
    typo = codes[0][:2] + "O" + codes[0][3:] if codes[0][2] == "0" else codes[0].replace("0", "O", 1)
    assert search(phone, base_url, typo) == []
    assert "统一社会信用代码中没有字母 O，请核对" in phone.inner_text("#search-status")
    assert search(phone, base_url, codes[0][:-1]) == []
    assert "统一社会信用代码应为 18 位，这里是 17 位" in phone.inner_text("#search-status")
    # no word pieces of a wrong code are offered unasked; on request, only as related content
    assert not any("/pagefind/" in url for url in phone.requests)
    rerun(phone, lambda: phone.click("#search-fulltext"))
    assert exact_links(phone) == [] and phone.is_visible("#search-none")
    assert phone.inner_text("#search-status").startswith("没有找到")
    assert phone.problems == []


def test_a_withdrawn_document_number_finds_nothing_and_says_why(phone, base_url):
    """Issue 14.1: a withdrawn 文号 gave 3 results."""
    data = penalties(phone, base_url)
    assert WITHDRAWN in {r["行政处罚决定书文号"] for r in data["withdrawn"]}
    for typed in (WITHDRAWN, WITHDRAWN.replace("〔", "[").replace("〕", "]")):
        assert search(phone, base_url, typed) == [], typed
        assert phone.inner_text("#search-status") == f"没有找到与“{typed}”相符的记录。"
        assert "已被撤销、撤下或超过公示期限的决定不再公示" in phone.inner_text("#search-none")
    assert not any("/pagefind/" in url for url in phone.requests)


def test_a_resident_id_number_and_the_placeholder_code_are_never_looked_up(phone, base_url):
    """I2, P3.1: an ID number is not searched for (no key shard requested); the placeholder
    code of 个体工商户 (I1) identifies no one."""
    for query, said in (("11010519491231002X", "本平台不能用居民身份证号码查询。"),
                        ("00000000000000000x", "没有找到与“00000000000000000x”相符的记录：这是占位码，不能用来查询。")):
        phone.requests.clear()
        assert search(phone, base_url, query) == []
        assert phone.inner_text("#search-status") == said
        assert not any("/lookup/k/" in u or "/lookup/r/" in u or "/pagefind/" in u for u in phone.requests)
        assert not phone.is_visible("#search-fulltext")


def test_a_sole_trader_with_the_placeholder_code_is_found_by_its_registration_number(phone, base_url):
    """Issue 14.2: a 个体工商户 without a credit code, by its 工商注册号, however spaced."""
    sole = [r for r in penalties(phone, base_url)["records"] if r["统一社会信用代码"] == "00000000000000000X"]
    assert sole
    for r in sole:
        number = r["工商注册号"]
        assert search(phone, base_url, number) == [path_of(r)]
        assert search(phone, base_url, f"{number[:6]} {number[6:]}") == [path_of(r)]
        assert phone.inner_text("#search-status") == f"找到 1 条与“{number[:6]} {number[6:]}”相符的记录。"


def test_enforcement_staff_are_found_by_name_and_certificate_number(phone, base_url):
    """Issue 14.2: 10 of 12 staff names tried were not found, a newly added 执法人员 among them.
    The twelve most recently certified, by name and by certificate number; the result shows the
    staff list's own column names."""
    staff = json.loads(phone.request.get(f"{base_url}/opendata/staff.json").text())["records"]
    newest = sorted(staff, key=lambda r: r["发证日期"], reverse=True)[:12]
    assert len(newest) == 12
    for r in newest:
        search(phone, base_url, r["姓名"])
        assert path_of(r) in exact_links(phone), r["姓名"]
        assert search(phone, base_url, r["执法证件编号"]) == [path_of(r)]
    row = dict(phone.eval_on_selector_all("#search-exact-list .hit dl div",
                                          "els => els.map(e => [e.firstChild.textContent, e.lastChild.textContent])"))
    assert row["执法证件编号"] == newest[-1]["执法证件编号"] and row["工作单位"] == newest[-1]["工作单位"], row


@pytest.fixture(scope="module")
def decoyed(tmp_path_factory):
    """The golden site, its lookup made again with 25 names that hold the query's parts apart
    before the one name that holds the query (test_lookup.with_decoys), served: (url, its path)."""
    built = tmp_path_factory.mktemp("golden") / "out"
    result, report = run(GOLDEN_SITE, GOLDEN_AS_OF, out=built, search=True)
    assert result, [d.format() for d in report.errors]
    site, path = with_decoys(built, tmp_path_factory.mktemp("decoys") / "site")
    server = hosting.server(hosting.Hosting.load(site, REPO / "netlify.toml"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", path
    server.shutdown()


def test_names_holding_the_parts_apart_do_not_push_the_match_out(phone, decoyed):
    """lookup.js reads rows until 20 names hold the query: the 26th candidate, the only match, is
    listed (it was lost behind 25 names holding 甲乙 and 乙丙 apart)."""
    url, path = decoyed
    search(phone, url, "甲乙丙")
    assert exact_links(phone) == [path]
    search(phone, url, "乙丙")
    assert len(exact_links(phone)) == 20 and "较多" in phone.inner_text("#search-status")
