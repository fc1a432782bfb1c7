"""Personal data in public text (P3.1, P3.3): resident ID numbers (18 digits with a valid check
digit and birth date; 15-digit first-generation numbers after a keyword such as 身份证号), mobile
numbers (also with +86 / 0086), bank card numbers (16–19 digits, Luhn) and passport-style numbers
after their keywords (护照, 通行证 …).  A hit stops the publication (P3.3); what is reported is
masked (P3.5).

Numbers are found the way people type them: the text is normalised (NFKC: full-width digits and
hyphens, ideographic spaces) and a number may be split into groups by separators — spaces of every
kind, hyphens and dashes of every width, dots, line breaks, invisible format characters — as in
``110101 19900307 1233`` or ``138－1234－5678``.  Each run of digit groups is tried group-span by
group-span, so that an ID followed by a mobile number (``…1234 13812345678``) yields both.

False positives are kept out by checksums (ID check digit, Luhn), plausibility (province, birth
date, mobile prefix, card issuer) and context: a 15-digit number is an ID only after an ID keyword
(a 15-digit 工商注册号 is not), and a number right after a word naming a non-personal identifier
(准考证号, 许可编号, 注册号 …; the column's name counts as such a word) is not a mobile or card
number.  A valid credit code (I1) is never a card number.

Speed: almost every public string of 100,000 records holds nothing of the kind.
``may_hold_personal_data`` decides that in C, on the raw text, and is correct *after*
normalisation: its character classes hold every code point whose NFKC form is a digit, a
separator or a keyword character (tests/test_privacy.py checks them against every code point).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

from .diagnostics import Diagnostic, diag
from .identifiers import luhn, resident_id_valid, uscc_problem

# ---------------------------------------------------------------- character classes

_DASHES = frozenset("-\u058a\u05be\u1400\u1806\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212"
                    "\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead")
# not 〜 〰 ～: they mark ranges (1月〜3月), not groups of one number
_DOTS = frozenset(".\u00b7\u2022\u2027\u2219\u22c5\u30fb\uff0e\uff65")
_ID_KEYWORDS = ("身份证", "身份證", "身份号", "身份號", "证件号", "證件號", "公民身份", "社会保障号", "社保卡号")
_PASSPORT_KEYWORDS = ("护照", "護照", "通行证", "通行證", "台胞证", "台胞證", "臺胞證", "回乡证", "回鄉證",
                      "旅行证", "旅行證", "居留证", "居留證", "居留身份证")
# a number right after one of these names a thing, not a person: not a mobile or card number
_NOT_PERSONAL = ("准考证", "考号", "座位号", "注册号", "许可证", "许可编号", "编号", "编码", "代码", "文号",
                 "案号", "单号", "订单", "流水号", "批号", "登记号", "证书号")


def is_separator(ch: str) -> bool:
    """A character people put inside a number (after NFKC)."""
    return ch.isspace() or ch in _DASHES or ch in _DOTS or unicodedata.category(ch) == "Cf"


# Every code point whose NFKC form holds an ASCII digit, a separator or a keyword character lies
# in these ranges (tests/test_privacy.py checks it over all of Unicode); scanning only them keeps
# the import fast.
_RANGES = ((0, 0x33FF), (0xF900, 0xFFFF), (0x110BD, 0x110CD), (0x13430, 0x1345F), (0x1BCA0, 0x1BCA3),
           (0x1D173, 0x1D17A), (0x1D400, 0x1D7FF), (0x1F100, 0x1F10F), (0x1FBF0, 0x1FBF9),
           (0x10EAD, 0x10EAD), (0x2F800, 0x2FA1F), (0xE0000, 0xE007F))
_KEYWORD_CHARS = frozenset("".join(_ID_KEYWORDS + _PASSPORT_KEYWORDS))


def _classes() -> tuple[str, str, str, str]:
    """Characters (of the basic multilingual plane) that matter before and after NFKC:
    (separators after NFKC; raw separators; raw characters that become one digit; raw characters
    that become several digits or a keyword character though they are not one)."""
    sep, raw_sep, one, rare = [], [], [], []
    for low, high in _RANGES:
        for cp in range(low, min(high, 0xFFFF) + 1):
            ch = chr(cp)
            if is_separator(ch):
                sep.append(ch)
            norm = unicodedata.normalize("NFKC", ch)
            digits = sum(c in "0123456789" for c in norm)
            if digits == 1:
                one.append(ch)
            elif digits or (norm != ch and not _KEYWORD_CHARS.isdisjoint(norm)):
                rare.append(ch)
            elif norm and all(map(is_separator, norm)):
                raw_sep.append(ch)
    return "".join(sep), "".join(raw_sep), "".join(one), "".join(rare)


def _cls(chars: str) -> str:
    return "[" + "".join("\\" + c if c in "\\]^-[" else c for c in chars) + "]"


_SEP, _RAW_SEP, _RAW_DIGIT, _RAW_RARE = _classes()
_SEP += "".join(chr(cp) for low, high in _RANGES if high > 0xFFFF  # format characters (tags …)
                for cp in range(max(low, 0x10000), high + 1) if is_separator(chr(cp)))
_SEP_SET = frozenset(_SEP)
_MAX_GAP = 6  # separators between two groups of one number: " - ", "\r\n    " (a wrapped, indented line)

# Three searches, each simple enough for the regex engine to be quick (one alternation of them
# all is ten times slower):
# - 11 characters that are digits after NFKC, separators allowed between them (the shortest
#   number reported is a mobile's 11 digits; a 15-digit ID or a passport needs a keyword);
_PRE_RUN = re.compile(f"{_cls(_RAW_DIGIT)}(?:{_cls(_RAW_SEP)}{{0,{_MAX_GAP}}}+{_cls(_RAW_DIGIT)}){{10}}")
# - a character that NFKC turns into several digits (⑪) or into a keyword's character (⾝), or any
#   character outside the basic plane (𝟏, tags): rare, decided after NFKC;
_PRE_RARE = re.compile(_cls(_RAW_RARE)[:-1] + "\U00010000-\U0010FFFF]")
# - a keyword, shortened to parts that begin with rarer characters (社会保障号 → 保障号): the
#   test may say yes too often, never too seldom, and the engine skips quickly to those characters.
_PRE_KEYWORD = re.compile("身份|件号|件號|保障号|保卡|护照|護照|行证|行證|胞证|胞證|乡证|鄉證|居留")


def may_hold_personal_data(text: str) -> bool:
    """False when ``text`` certainly holds nothing that ``find_personal_data`` reports: decided
    in C on the raw text, and true of its NFKC form too."""
    return bool(_PRE_RUN.search(text) or _PRE_KEYWORD.search(text) or _PRE_RARE.search(text))


# ---------------------------------------------------------------- after normalisation

# a group of digits; an ID's check digit X ends one, or stands alone after a spaced digit (… 8 X)
_GROUP = re.compile(r"[0-9]+(?:[Xx](?![A-Za-z0-9]))?|(?<=[0-9] )[Xx](?![A-Za-z0-9])")
_WINDOW = 12      # characters before a number in which a keyword counts
_ID_KW = re.compile("|".join(_ID_KEYWORDS))
_PASSPORT_KW = re.compile("|".join(_PASSPORT_KEYWORDS))
_NOT_PERSONAL_KW = re.compile("|".join(_NOT_PERSONAL))
_MOBILE = re.compile(r"(?:0086|86)?(1[3-9][0-9]{9})")
# E12345678, EA1234567, C12345678 (港澳), H1234567801 (回乡证), 12345678 (台胞证), USA110070523901
_PASSPORT = re.compile(r"[^A-Za-z0-9]{0,8}?((?<![A-Za-z0-9])"
                       r"(?:[A-Za-z]{1,2}[0-9]{7,10}|[A-Za-z]{3}[0-9]{12}|[0-9]{8,10}))(?![A-Za-z0-9])")
_ALNUM_GAP = re.compile(f"(?<=[A-Za-z0-9]){_cls(_SEP)}{{1,{_MAX_GAP}}}(?=[A-Za-z0-9])")
# provinces of GB/T 2260 (first two digits of an ID); 83: residence permits of Taiwan residents
_PROVINCES = frozenset("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
                       "61 62 63 64 65 71 81 82 83".split())

ID = "身份证号码"
MOBILE = "手机号码"
CARD = "银行卡号"
PASSPORT = "护照或通行证号码"


def _birth_date(year: int, month: int, day: int) -> bool:
    if not 1900 <= year <= 2099:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _id_layout(number: str) -> bool:
    """17 digits and a digit or X, a province (also the new foreigners' permanent residence ID:
    9 + province …) and a birth date (GB 11643, I2)."""
    if not (number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        return False
    if number[:2] not in _PROVINCES and not (number[0] == "9" and number[1:3] in _PROVINCES):
        return False
    return _birth_date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def resident_id_plausible(number: str) -> bool:
    """An 18-character ID with a valid check digit and the layout of one."""
    return resident_id_valid(number) and _id_layout(number)


def _first_generation_id(number: str) -> bool:
    """A 15-digit ID (before 1999): province and birth date 19YYMMDD; it has no check digit."""
    return number[:2] in _PROVINCES and _birth_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))


def _card(digits: str) -> bool:
    # issuers: 62 UnionPay, 4 Visa, 5 Mastercard, 3 JCB, 9 older domestic cards; not 1/2, which is
    # how years (2024…), 准考证号 and most serial numbers begin
    return (16 <= len(digits) <= 19 and digits[0] in "34569" and luhn(digits)
            and not (len(digits) == 18 and uscc_problem(digits) is None))


def mask(value: str) -> str:
    """Keep the first 4 and last 4 characters (P3.5), so that an editor can find the value; of a
    value shorter than 11 characters, 2 and 2."""
    keep = 4 if len(value) >= 11 else 2
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:] if len(value) > 2 * keep else "*" * len(value)


_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")
# how people group the digits of a mobile number (after +86), and of a card number
_MOBILE_SHAPES = frozenset({(11,), (3, 4, 4), (4, 3, 4), (3, 8), (7, 4), (4, 4, 3)})


def _card_shape(shape: tuple[int, ...]) -> bool:
    return (len(shape) == 1 or (len(shape) == 2 and shape[0] == 6)
            or (all(n == 4 for n in shape[:-1]) and 2 <= shape[-1] <= 4))


def _runs(text: str):
    """Lists of (digits, start, wrapped) of digit groups that separators join into one number;
    ``wrapped``: the group follows a line break, which may split a number anywhere."""
    run, end = [], -1
    for m in _GROUP.finditer(text):
        gap = text[end:m.start()]
        joined = (run and 0 < len(gap) <= _MAX_GAP and run[-1][0][-1] not in "Xx"
                  and all(c in _SEP_SET for c in gap)
                  and not (gap == "." and len(m.group()) <= 2))  # 1234567890.50: a decimal point
        if not joined and run:
            yield run
            run = []
        run.append((m.group(), m.start(), bool(run) and not _LINE_BREAKS.isdisjoint(gap)))
        end = m.end()
    if run:
        yield run


def _classify(digits: str, shape: tuple[int, ...], text: str, start: int) -> tuple[str, str] | None:
    """The kind of personal datum ``digits`` is, typed in groups of ``shape``, at ``text[start]``."""
    n = len(digits)
    if n == 18 and resident_id_plausible(digits.upper()):
        return ID, mask(digits.upper())
    before = text[max(0, start - _WINDOW):start]
    if n == 18 and _ID_KW.search(before) and _id_layout(digits.upper()):
        return ID, mask(digits.upper())  # after 身份证号: an ID even with a mistyped check digit
    if not digits.isdigit():
        return None
    if n == 15 and _first_generation_id(digits) and _ID_KW.search(before):
        return ID, mask(digits)
    if _NOT_PERSONAL_KW.search(before):
        return None
    if n in (11, 13, 15) and (m := _MOBILE.fullmatch(digits)):
        code = n - 11  # +86 or 0086, a group of its own or glued to the first
        national = (shape[0] - code,) + shape[1:] if shape[0] > code else shape[1:]
        if national in _MOBILE_SHAPES:
            return MOBILE, mask(m.group(1))
    if _card(digits) and _card_shape(shape):
        return CARD, mask(digits)
    return None


def _numbers(text: str) -> tuple[str, str] | None:
    for run in _runs(text):
        if len(run) >= 11 and all(len(g) == 1 or g[1:] in ("X", "x") for g, _, _ in run):
            # one digit a box: a form's number as text comes out of a PDF (6 4 0 1 0 4 …)
            if hit := _classify("".join(g for g, _, _ in run), (len(run),), text, run[0][1]):
                return hit
            continue
        for i in range(len(run)):
            digits, shape = "", []
            for group, _, wrapped in run[i:]:
                if digits[-1:] in ("X", "x"):
                    break
                if wrapped and digits:  # a wrapped line: no typing convention to check
                    shape[-1] += len(group)
                    last = False
                else:
                    # Groups of 3 or more (138 1234 5678, 6-8-4, 4-4-4-4-3), a country code first
                    # (86 138…), a last group of 2 (an ID or card in fours); "198 218 27 165 …"
                    # is a list of small numbers.
                    last = len(group) == 2 and bool(digits)
                    if len(group) < 3 and not last and not (group == "86" and not digits):
                        break
                    shape.append(len(group))
                digits += group
                if len(digits) > 19:
                    break
                if len(digits) >= 11 and (hit := _classify(digits, tuple(shape), text, run[i][1])):
                    return hit
                if last:
                    break
    return None


def _passports(text: str) -> tuple[str, str] | None:
    for m in _PASSPORT_KW.finditer(text):
        after = _ALNUM_GAP.sub("", text[m.end():m.end() + 40])
        if (p := _PASSPORT.match(after)) is None:
            continue
        number = p.group(1).upper()
        if number.isdigit() and len(number) == 8 and _birth_date(int(number[:4]), int(number[4:6]), int(number[6:])):
            continue  # 有效期至 20300101: a date, not a 台胞证 number
        return PASSPORT, mask(number)
    return None


def find_personal_data(text: str, context: str = "") -> tuple[str, str] | None:
    """(kind, masked value) of the first personal datum in ``text``, or None.  ``context``: what
    precedes the text, e.g. the name of its column (准考证号, 护照号码 …), read as if it were
    written before it."""
    if context:
        text = context + "：" + text
    if not may_hold_personal_data(text):
        return None  # the common case, decided in C
    return scan_normalised(text)


def scan_normalised(text: str) -> tuple[str, str] | None:
    """``find_personal_data`` without the quick test (the tests check that the quick test never
    says no where this says yes)."""
    text = unicodedata.normalize("NFKC", text).replace("×", "X")  # 11010519491231002× (a typed check digit X)
    return _numbers(text) or _passports(text)


def cell_scanner(columns):
    """A function from a row's cells to (cell index, column, kind, masked) of every cell holding
    personal data, among ``columns``: (cell index, column name) pairs, each cell read with its
    column's name as context.  The whole row is tested once first ("\\0" joins no number and no
    keyword, so a row that fails has no cell that passes), except the cells of a column whose name
    is itself a keyword (护照号码 …), always read."""
    always = [(i, name) for i, name in columns if may_hold_personal_data(name)]
    rest = [(i, name) for i, name in columns if not may_hold_personal_data(name)]

    def scan(cells) -> list[tuple[int, str, str, str]]:
        todo = always
        if rest and may_hold_personal_data("\0".join([cells[i] for i, _ in rest])):
            todo = columns
        return [(i, name, *hit) for i, name in todo if (hit := find_personal_data(cells[i], name))]
    return scan


# ---------------------------------------------------------------- YAML texts

def yaml_problems(relpath: str, strings) -> list[Diagnostic]:
    """E-PERSONAL-DATA at ``relpath:line:column`` for each (key path, text, line, column) of
    ``strings`` (from ``yaml_strings``) that holds personal data; the key path is its context."""
    return [diag("E-PERSONAL-DATA", relpath, line, col, column=where, kind=hit[0], masked=hit[1])
            for where, text, line, col in strings if (hit := find_personal_data(text, where))]


def yaml_text_problems(root: Path, relpath: str) -> list[Diagnostic]:
    """E-PERSONAL-DATA for every text of a YAML file whose texts reach pages: ``site_config.yaml``
    (titles, publisher, correction and remedy texts, bases …, whether a template shows them today
    or not) and the site's calendar files (a notice's basis is shown on the platform page).  A
    file that cannot be read is left to its own loader to report."""
    from .yamlfile import YamlError, read_yaml  # it imports this module

    try:
        return yaml_problems(relpath, read_yaml(root / relpath, relpath).texts)
    except YamlError:
        return []


def yaml_strings(node, path: str = "", first_line: int = 1):
    """(key path, text, line, column) of every scalar value under a composed YAML node (1-based
    positions; ``first_line``: the file line of the node text's first line), each node once
    however often aliases repeat it."""
    seen, stack = set(), [(node, path)]
    while stack:
        node, where = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        value = node.value
        if isinstance(value, str):
            yield where, value, node.start_mark.line + first_line, node.start_mark.column + 1
        elif value and isinstance(value[0], tuple):  # a mapping: (key node, value node) pairs
            stack += [(v, f"{where}.{k.value}" if where else str(k.value)) for k, v in reversed(value)]
        else:
            stack += [(v, f"{where}[{i}]") for i, v in reversed(list(enumerate(value)))]
