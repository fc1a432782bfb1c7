"""Personal data inside public free text (P3.3): resident ID numbers with a valid check digit,
mobile numbers and bank card numbers.  A hit stops the publication of the record."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from .identifiers import resident_id_valid

# digits not glued to other digits; NFKC first so that full-width digits are caught too
_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])")
_CARD = re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9]){15,18}(?![0-9])")


def _plausible_birth(number: str) -> bool:
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return 1900 <= int(number[6:10]) <= 2100


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def mask(value: str) -> str:
    """Keep the first 4 and last 4 characters (P3.5), so an editor can find the value."""
    return value[:4] + "*" * max(len(value) - 8, 0) + value[-4:] if len(value) > 8 else "*" * len(value)


# every pattern above needs at least 11 digits in a run (separators allowed): a cheap first test
_CANDIDATE = re.compile(r"[0-9０-９](?:[\s\-]?[0-9０-９]){10}")


def find_personal_data(text: str) -> tuple[str, str] | None:
    """(kind, masked value) of the first personal datum in ``text``, or None."""
    if not _CANDIDATE.search(text):
        return None  # the common case, decided in C
    text = unicodedata.normalize("NFKC", text)
    for m in _ID.finditer(text):
        if resident_id_valid(m.group()) and _plausible_birth(m.group()):
            return "身份证号码", mask(m.group())
    for m in _MOBILE.finditer(text):
        return "手机号码", mask(re.sub(r"\D", "", m.group()))
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 16 <= len(digits) <= 19 and _luhn(digits):
            return "银行卡号", mask(digits)
    return None
