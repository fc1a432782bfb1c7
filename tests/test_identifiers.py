"""Rules I1 (credit codes), I2 (resident ID numbers), I3 (document numbers)."""

import pytest

import json
from pathlib import Path

from generator.identifiers import (QUERY_KINDS, USCC_PLACEHOLDER, doc_number_valid, lookup_key,
                                   normalise_doc_number, query_kind, resident_id_valid, uscc_check_char,
                                   uscc_problem)


def test_uscc_example_from_rules_is_valid():
    assert uscc_problem("91350100M000100Y43") is None


@pytest.mark.parametrize("code, why", [
    ("91350100M000100Y44", "校验位应为 3"),
    ("91350100M000100Y4", "应为 18 位"),
    ("91350100I000100Y43", "不允许的字符“I”"),
])
def test_uscc_problems(code, why):
    assert why in uscc_problem(code)


def test_uscc_placeholder_fails_checksum_so_it_needs_its_own_rule():
    assert uscc_problem(USCC_PLACEHOLDER) is not None


def test_uscc_check_char_weights():
    assert uscc_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize("number, ok", [
    ("11010519491231002X", True), ("11010519491231002x", True),
    ("110105194912310021", False), ("1101051949123100", False), ("A1010519491231002X", False),
])
def test_resident_id(number, ok):
    assert resident_id_valid(number) is ok


@pytest.mark.parametrize("typed", [
    "宁人社监罚〔2024〕12号", "宁人社监罚[2024]12号", "宁人社监罚(2024)12号", "宁人社监罚（2024）12号",
    "宁人社监罚【2024】12号", "宁人社监罚〔２０２４〕１２号", "宁人社监罚 〔2024〕 012号", "宁人社监罚［2024］12号",
])
def test_doc_numbers_typed_differently_are_the_same(typed):
    assert normalise_doc_number(typed) == "宁人社监罚〔2024〕12号"
    assert doc_number_valid(typed)


def test_doc_numbers_that_differ_stay_different():
    assert normalise_doc_number("宁人社监罚〔2024〕12号") != normalise_doc_number("宁人社监罚〔2024〕120号")
    assert normalise_doc_number("宁人社监罚〔2024〕12号") != normalise_doc_number("银人社监罚〔2024〕12号")


def test_doc_number_without_year_is_invalid():
    assert not doc_number_valid("宁人社监罚12号")


LOOKUP_VECTORS = json.loads((Path(__file__).parent / "fixtures/lookup_keys.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("typed, key", LOOKUP_VECTORS)
def test_lookup_key_vectors(typed, key):
    """The vectors that generator/theme/static/lookup.js must pass too (tests/test_browser.py)."""
    assert lookup_key(typed) == key


QUERY_VECTORS = json.loads((Path(__file__).parent / "fixtures/query_kinds.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("typed, kind", QUERY_VECTORS)
def test_query_kind_vectors(typed, kind):
    """What the search page says when nothing matches depends on this (issue 14.1): a credit code
    with a wrong check character (I1) is told apart from a resident ID number (I2) and the
    placeholder.  generator/theme/static/lookup.js passes the same vectors (tests/test_browser.py)."""
    assert query_kind(typed) == kind


def test_query_kind_vectors_cover_every_kind():
    assert {kind for _, kind in QUERY_VECTORS} == set(QUERY_KINDS)


def test_one_wrong_character_in_a_credit_code_is_a_check_mismatch():
    """Every single-character change of a valid code is caught by its check character (GB 32100)."""
    code = "91640106MA77NBYU32"
    assert query_kind(code) == "uscc"
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for i in range(18):
        for c in alphabet:
            if c != code[i]:
                wrong = code[:i] + c + code[i + 1:]
                assert query_kind(wrong) == "uscc-check", wrong
