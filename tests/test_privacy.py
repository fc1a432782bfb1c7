"""P3.3: the personal-data scanner (generator/privacy.py) finds what people type, and lets pass
what public enforcement text is made of; what a message quotes of it is masked (P3.5).  The
build-level tests are in test_privacy_scan.py."""

import json
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import privacy
from generator.privacy import (cell_scanner, find_personal_data, may_hold_personal_data, mask, scan_normalised,
                               yaml_strings)

CORPUS = Path(__file__).parent / "fixtures" / "privacy_corpus"
ID, MOBILE, CARD, PASSPORT = "身份证号码", "手机号码", "银行卡号", "护照或通行证号码"


@pytest.mark.parametrize("text, kind", [
    ("当事人身份证号11010519491231002X，拒不支付工资", ID),
    ("联系人手机13912345678", MOBILE),
    ("联系人手机 139-1234-5678", MOBILE),
    ("卡号 4111111111111111", CARD),
    ("全角 １３９１２３４５６７８", MOBILE),
    # the forms issue 10 found missed
    ("110101-19900307-1233", ID),
    ("110101 19900307 1233", ID),
    ("1101011990\n03071233", ID),
    ("身份证号110101900307123", ID),            # 15 digits, first generation, after a keyword
    ("1381 234 5678", MOBILE),
    ("138.1234.5678", MOBILE),
    ("138－1234－5678", MOBILE),                # full-width hyphen
    ("138\n12345678", MOBILE),
    ("6222 0202 0001 2345 670", CARD),          # Luhn-valid, in groups
    # more of what people type
    ("+86 138 1234 5678", MOBILE),
    ("0086-13812345678", MOBILE),
    ("（+86）13812345678", MOBILE),
    ("138\u30001234\u30005678", MOBILE),        # ideographic spaces
    ("138\u200b1234\u200b5678", MOBILE),        # zero-width spaces: invisible, still published
    ("110101\u201319900307\u20131233", ID),     # en dashes
    ("11010519491231002×", ID),                 # the check digit X typed as ×
    ("１１０１０５１９４９１２３１００２Ｘ", ID),
    ("6 4 0 1 0 2 1 9 6 1 0 1 0 1 7 7 7 X", None),  # spaced, but an invalid check digit: see below
    ("护照号码：E1234 5678", PASSPORT),
    ("往来港澳通行证C12345678", PASSPORT),
    ("台胞证号码 12345670", PASSPORT),
    ("身份证号110101199003071234", ID),         # wrong check digit, but after 身份证号
    ("电话0951-5099342 13812345678", MOBILE),   # a landline, then a mobile
    ("宁人社监罚〔2024〕110101199003071233号", ID),  # in a document number
    ("⑴13812345678", MOBILE),
])
def test_hits(text, kind):
    hit = find_personal_data(text)
    assert (hit and hit[0]) == kind or (kind is None and hit is None), hit


def test_spaced_digits_of_a_form():
    body = "64010219610101777"
    from generator.identifiers import ID_CHECK, ID_WEIGHTS
    number = body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS)) % 11]
    assert find_personal_data("公民身份号码 " + " ".join(number))[0] == ID


@pytest.mark.parametrize("text", [
    "拖欠 23 名劳动者工资共计 186000 元",
    "宁人社监罚〔2026〕12号",
    "依据《劳动保障监察条例》第二十六条",
    "110105194912310021",                       # 18 digits, wrong check digit, no keyword
    "统一社会信用代码 91640100MA76XXXX1",
    "咨询电话 12333，0951-5099342",
    "工资打入6222020200012345678（Luhn 不通过）",
    # I1: credit codes, some all digits; a valid one is never a card number
    "统一社会信用代码：91640105MA7J49CT7B",
    "916401002276930500",
    "126400004537512346",
    # 工商注册号 (15 digits, like a first-generation ID) without an ID keyword
    "工商注册号：640104600123456",
    "640104600123456",
    # dates, ranges, amounts
    "2024.01.01-2024.03.31", "20240101-20241231", "2024-03-05 2025-03-04", "2019.01.01—2019.12.31",
    "罚款1381234567.89元", "追发工资 13812345.67 元", "1,381,234,567 元", "应补缴 13 812 345 678 元",
    # office landlines, hotlines, postcodes
    "0951-5099342", "（0951）6888126", "0951－5099342转8001", "+86-951-5099342", "400-820-8820", "邮编750002",
    # record numbers of things
    "准考证号：19640100123", "准考证号 6401020123456782", "许可编号640100202500006", "宁64000020220017",
    "640000-XZXK-0003", "11640000MB1518266J3000117001000",
    # masked on purpose (P3.5)
    "1101**********1233", "138****5678",
    # lists of small numbers
    "198 218 27 165 214 362 35 185",
    "通行证有效期至20300101",
])
def test_no_false_alarm(text):
    assert find_personal_data(text) is None


@pytest.mark.parametrize("value, column", [
    ("19640100123", "准考证号"),            # 11 digits like a mobile, in a 准考证号 column
    ("6401020123456782", "准考证号"),       # 16 digits that pass Luhn
    ("6401002024000000", "许可编号"),
    ("916401002276930500", "统一社会信用代码"),
])
def test_the_column_name_is_context(value, column):
    assert find_personal_data(value, column) is None
    assert find_personal_data(value) is not None or column == "统一社会信用代码"


def test_an_id_is_an_id_in_any_column():
    assert find_personal_data("110101199003071233", "准考证号")[0] == ID


def test_a_passport_column_is_read_with_its_name():
    assert find_personal_data("E12345678", "护照号码")[0] == PASSPORT
    assert find_personal_data("E12345678") is None


def test_mask_keeps_ends_only():
    assert mask("11010519491231002X") == "1101**********002X"
    assert mask("13812345678") == "1381***5678"
    assert mask("E12345678") == "E1*****78"        # short values keep 2 and 2 (P3.5)
    assert find_personal_data("138 1234 5678") == (MOBILE, "1381***5678")  # the digits, not the spaces
    assert find_personal_data("+86 138 1234 5678") == (MOBILE, "1381***5678")


# ---------------------------------------------------------------- corpus (issue 10: ≥ 200 + 200)

def _corpus(name):
    return [json.loads(line) for line in (CORPUS / name).open(encoding="utf-8")]


def test_corpus_recall_and_false_positives():
    positives, negatives = _corpus("positives.jsonl"), _corpus("negatives.jsonl")
    assert len(positives) >= 200 and len(negatives) >= 200
    found = [find_personal_data(p["text"], p.get("column", "")) for p in positives]
    recall = sum(1 for p, hit in zip(positives, found) if hit and hit[0] == p["kind"]) / len(positives)
    assert recall >= 0.99, [p["text"] for p, hit in zip(positives, found) if not hit]
    false = [n["text"] for n in negatives if find_personal_data(n["text"], n.get("column", ""))]
    assert false == []


def test_corpus_is_what_its_script_makes(tmp_path):
    """The committed corpus is the generator's output (no hand edits that the script would undo)."""
    import subprocess
    copy = tmp_path / "corpus"
    copy.mkdir()
    (copy / "make_corpus.py").write_text((CORPUS / "make_corpus.py").read_text(encoding="utf-8"), encoding="utf-8")
    src = (copy / "make_corpus.py").read_text(encoding="utf-8").replace(
        "sys.path.insert(0, str(HERE.parents[2]))", f"sys.path.insert(0, {str(Path(__file__).parents[1])!r})")
    (copy / "make_corpus.py").write_text(src, encoding="utf-8")
    subprocess.run([sys.executable, str(copy / "make_corpus.py")], check=True, capture_output=True)
    for name in ("positives.jsonl", "negatives.jsonl"):
        assert (copy / name).read_bytes() == (CORPUS / name).read_bytes(), name


# ---------------------------------------------------------------- the quick test is never wrong

def test_character_classes_cover_every_code_point():
    """Every code point whose NFKC form holds a digit, is a separator or holds a keyword character
    is in the quick test's classes (or outside the basic plane, which the quick test always reads)."""
    digit, sep, rare = set(privacy._RAW_DIGIT), set(privacy._RAW_SEP), set(privacy._RAW_RARE)
    missing = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        norm = unicodedata.normalize("NFKC", ch)
        digits = sum(c in "0123456789" for c in norm)
        wanted = (digit if digits == 1 else rare if digits else
                  sep if norm and all(map(privacy.is_separator, norm)) else None)
        keyword = norm != ch and not privacy._KEYWORD_CHARS.isdisjoint(norm)
        if cp > 0xFFFF:
            if (wanted or keyword or privacy.is_separator(ch)) and not privacy._PRE_RARE.match(ch):
                missing.append(hex(cp))
            if privacy.is_separator(ch) and ch not in privacy._SEP_SET:
                missing.append(hex(cp))
            continue
        if wanted is not None and ch not in wanted and not (wanted is sep and ch in rare):
            missing.append(hex(cp))
        if keyword and ch not in rare:
            missing.append(hex(cp))
        if privacy.is_separator(ch) and ch not in privacy._SEP_SET:
            missing.append(hex(cp))
    assert missing == []


def test_every_keyword_passes_the_quick_test():
    for word in privacy._ID_KEYWORDS + privacy._PASSPORT_KEYWORDS:
        assert may_hold_personal_data(word), word


_SEPARATORS = [" ", "-", ".", "\n", "\r\n", "\u3000", "－", "\u2013", "\u00a0", "\u200b", "·", "—", "\u2009", "．",
               "\u2028", "\ufe63", "\U000e0020"]
_DIGIT_FORMS = [str.maketrans("0123456789", forms) for forms in ("0123456789", "０１２３４５６７８９", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗")]
_NUMBERS = ["11010519491231002X", "110101199003071233", "110101900307123", "13812345678", "+8613912345678",
            "6222020200012345670", "4111111111111111", "E12345678", "0951-5099342", "640104600123456",
            "2024.01.01-2024.03.31"]
_FILLER = ["身份证号", "护照", "通行证", "准考证号", "编号", "电话", "罚款", "元", "，", "：", "⑪", "①", "⾝份证", "X", "×",
           "〔2024〕12号", "1", "86", "0086", ""]


@st.composite
def typed_numbers(draw):
    """Text with real numbers typed the ways people (and PDF extraction) split and widen them."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        number = draw(st.sampled_from(_NUMBERS)).translate(draw(st.sampled_from(_DIGIT_FORMS)))
        cuts = sorted(draw(st.sets(st.integers(1, len(number) - 1), max_size=5)))
        pieces = [number[a:b] for a, b in zip([0, *cuts], [*cuts, len(number)])]
        parts += [draw(st.sampled_from(_FILLER)),
                  "".join(p + draw(st.sampled_from(_SEPARATORS)) for p in pieces[:-1]) + pieces[-1]]
    return "".join(parts)


@settings(max_examples=1000, deadline=None)
@given(typed_numbers())
def test_quick_test_never_misses(text):
    """Whatever the full scan finds after NFKC, the quick test on the raw text lets through."""
    if scan_normalised(text) is not None:
        assert may_hold_personal_data(text)
    if may_hold_personal_data(text):
        assert find_personal_data(text) == scan_normalised(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["13812345678", "110101199003071233", "6222020200012345670", "0951-5099342",
                                 "罚款20000元", "宁人社监罚〔2024〕12号", "", "身份证号", "拖欠工资"]),
                min_size=1, max_size=6))
def test_row_scan_finds_what_the_cell_scan_finds(cells):
    columns = [(i, f"列{i}") for i in range(len(cells))]
    by_cell = [(i, name, *hit) for i, name in columns if (hit := find_personal_data(cells[i], name))]
    assert cell_scanner(columns)(cells) == by_cell


# ---------------------------------------------------------------- YAML positions

def test_yaml_strings_positions_and_aliases():
    text = "site:\n  title: 平台\n  phones: [0951-5099342, &m 13812345678]\nagain: *m\n"
    found = list(yaml_strings(yaml.compose(text, Loader=yaml.SafeLoader)))
    assert ("site.title", "平台", 2, 10) in found
    assert ("site.phones[1]", "13812345678", 3, 26) in found
    assert sum(1 for _, v, _, _ in found if v == "13812345678") == 1  # an alias is read once


def test_yaml_strings_do_not_expand_an_alias_bomb():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 30)]
    found = list(yaml_strings(yaml.compose("\n".join(lines), Loader=yaml.SafeLoader)))
    assert len(found) == 10  # each node once, not 10 · 5²⁹
