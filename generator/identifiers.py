"""Identifiers of rules I1–I3: credit codes, resident ID numbers, document numbers; and the
formats of the other personal numbers a schema may declare (bank cards, passports: P3.1)."""

from __future__ import annotations

import re
import unicodedata

# I1 — 统一社会信用代码 (GB 32100-2015)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
USCC_PLACEHOLDER = "00000000000000000X"  # a 个体工商户 without a code (I1)
_USCC_INDEX = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_CHARS = frozenset(USCC_ALPHABET)


def uscc_check_char(first17: str) -> str:
    total = sum(map(int.__mul__, map(_USCC_INDEX.__getitem__, first17), USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """None when ``code`` is a valid credit code, else a short Chinese reason."""
    if len(code) != 18:
        return f"：应为 18 位，实为 {len(code)} 位"
    if not _USCC_CHARS.issuperset(code):
        return f"：含有不允许的字符“{next(c for c in code if c not in _USCC_INDEX)}”"
    if uscc_check_char(code[:17]) != code[17]:
        return f"：校验位应为 {uscc_check_char(code[:17])}"
    return None


# I2 — 居民身份证号码 (GB 11643-1999)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def resident_id_valid(number: str) -> bool:
    if len(number) != 18 or not number[:17].isdigit():
        return False
    check = ID_CHECK[sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS)) % 11]
    return number[17].upper() == check


# Personal numbers other than the resident ID: private by construction (schema.PERSONAL_IDENTIFIERS);
# their format is checked loosely, so that an editor's real value is never refused.
_NUMBER_SEPARATORS = re.compile(r"[\s\-]")
_BANK_CARD = re.compile(r"[0-9]{12,19}")        # 借记卡/信用卡 16–19 digits; older passbooks fewer
_PASSPORT = re.compile(r"[A-Z0-9]{5,17}")       # E12345678, H1234567801 (回乡证), 8-digit 台胞证, foreign


def luhn(digits: str) -> bool:
    """The check of bank card numbers (ISO/IEC 7812)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def bank_card_valid(value: str) -> bool:
    return bool(_BANK_CARD.fullmatch(_NUMBER_SEPARATORS.sub("", unicodedata.normalize("NFKC", value))))


def passport_valid(value: str) -> bool:
    return bool(_PASSPORT.fullmatch(_NUMBER_SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper()))


# I3 — 文书文号: 宁人社监罚〔2024〕12号, however the brackets and digits are typed
_BRACKETS = str.maketrans({c: "〔" for c in "[(（【［〖{｛"} | {c: "〕" for c in "])）】］〗}｝"})
_DOC_NUMBER = re.compile(r"^(?P<prefix>[^〔〕]*)〔(?P<year>\d{4})〕(?P<rest>.*)$")
_SPACES = re.compile(r"\s+")
_LEADING_ZEROS = re.compile(r"(?<!\d)0+(?=\d)")


def normalise_doc_number(value: str) -> str:
    """The canonical form of a document number: NFKC (full-width digits → ASCII), 〔〕 brackets,
    no spaces, no leading zeros in the serial number.  Two numbers are the same document when
    their canonical forms are equal (I3)."""
    text = _SPACES.sub("", unicodedata.normalize("NFKC", value).translate(_BRACKETS))
    m = _DOC_NUMBER.match(text)
    if not m:
        return text
    rest = _LEADING_ZEROS.sub("", m["rest"])
    return f"{m['prefix']}〔{m['year']}〕{rest}"


def doc_number_valid(value: str) -> bool:
    return bool(_DOC_NUMBER.match(normalise_doc_number(value)))


def lookup_key(value: str) -> str:
    """How the search lookup compares names, credit codes and document numbers: I3-normalised
    (brackets, full-width digits, spaces, leading zeros) and upper case, so that a code typed in
    lower case or a number copied with other brackets still matches.  The browser applies the
    same function (generator/theme/static/lookup.js); tests/fixtures/lookup_keys.json holds the shared
    test vectors."""
    return normalise_doc_number(value).upper()


# What a search query looks like, so that the search page can say why nothing matched: a credit
# code with a wrong check character (I1), the placeholder code, a resident ID number (never
# searchable: I2, P3.1), a document number (I3), another number, or text.
QUERY_KINDS = ("uscc", "uscc-check", "uscc-letters", "uscc-length", "placeholder", "resident-id", "doc-number",
               "number", "text")
_EIGHTEEN = re.compile(r"[0-9A-Z]{18}")
_ONE_OFF = re.compile(r"(?=.*[A-Z])[0-9A-Z]{17}|(?=.*[A-Z])[0-9A-Z]{19}")  # a credit code a character short or long
NUMBER_DIGITS = 6  # a query with this many digits is some number (工商注册号, 许可编号, 执法证件编号)


def query_kind(value: str) -> str:
    """One of ``QUERY_KINDS`` for a query as typed.  The browser has the same function
    (generator/theme/static/lookup.js ``queryKind``); tests/fixtures/query_kinds.json holds the
    shared test vectors."""
    key = lookup_key(value)
    if key == USCC_PLACEHOLDER:
        return "placeholder"
    if _EIGHTEEN.fullmatch(key):
        if uscc_problem(key) is None:
            return "uscc"
        if resident_id_valid(key):
            return "resident-id"
        return "uscc-check" if _USCC_CHARS.issuperset(key) else "uscc-letters"
    if _ONE_OFF.fullmatch(key):
        return "uscc-length"
    if _DOC_NUMBER.match(key):
        return "doc-number"
    return "number" if sum(c in "0123456789" for c in key) >= NUMBER_DIGITS else "text"
