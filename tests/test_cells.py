"""Cells: every text a CSV cell can hold parses to a value or to a positioned problem, never to a
traceback; numbers and dates are range-checked at parsing, control characters refused (P5.1)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from generator.cells import MAX_DECIMALS, MAX_DIGITS, CellError, cell_parser
from generator.dates import EARLIEST, LATEST, period_last_day
from generator.schema import FieldSpec


def spec(type="string", **kw) -> FieldSpec:
    base = dict(name="列", type=type, title="列", description="", public=True, required=False, enum=None,
                minimum=None, maximum=None, max_length=None, pattern=None, unique=False, identifier=None,
                separators="", references=None, optional_column=False)
    return FieldSpec(**{**base, **kw})


def code_of(parse, text):
    try:
        parse(text)
    except CellError as err:
        return err.code
    return None


@pytest.mark.parametrize("text, value", [
    ("0", Decimal(0)), ("20000", Decimal(20000)), ("20,000.50", Decimal("20000.50")),
    ("-1500", Decimal(-1500)), ("123456789012345", Decimal(123456789012345)),
    ("0.000001", Decimal("0.000001")), ("1E+5", Decimal(100000)), ("100.000000000", Decimal(100)),
])
def test_numbers_within_range_are_read(text, value):
    assert cell_parser(spec("number"))(text) == value


@pytest.mark.parametrize("text, code", [
    ("1e5000", "E-NUMBER-RANGE"),             # a finite Decimal with 5,001 digits: crashed the JSON export
    ("1234567890123456", "E-NUMBER-RANGE"),   # 16 digits: not exact in a JSON consumer's float
    ("0.0000001", "E-NUMBER-RANGE"),
    ("1e-999999", "E-NUMBER-RANGE"),          # would print a million zeros in the 万元 export
    ("9" * 100, "E-NUMBER-RANGE"),            # not even parsed
    ("NaN", "E-NUMBER"), ("Infinity", "E-NUMBER"), ("-inf", "E-NUMBER"), ("sNaN", "E-NUMBER"),
    ("20000元", "E-NUMBER"),
])
def test_numbers_out_of_range_or_not_finite_are_refused(text, code):
    assert code_of(cell_parser(spec("number")), text) == code


def test_number_limits_are_the_documented_ones():
    assert (MAX_DIGITS, MAX_DECIMALS) == (15, 6)


def test_integer_column_refuses_a_fraction():
    assert code_of(cell_parser(spec("integer")), "1.5") == "E-NUMBER"
    assert cell_parser(spec("integer"))("1.000") == 1


@pytest.mark.parametrize("text, code", [
    ("1900-01-01", None), ("2199-12-31", None), ("1899-12-31", "E-DATE-RANGE"), ("2200-01-01", "E-DATE-RANGE"),
    ("9999-06-30", "E-DATE-RANGE"), ("9999年6月30日", "E-DATE-RANGE"), ("0001/1/1", "E-DATE-RANGE"),
    ("2023-02-29", "E-DATE"),
])
def test_dates_are_range_checked(text, code):
    assert code_of(cell_parser(spec("date")), text) == code


@given(st.dates(min_value=EARLIEST, max_value=LATEST), st.integers(0, 100), st.integers(0, 11))
def test_no_period_from_a_date_in_range_leaves_the_calendar(start, years, months):
    assert period_last_day(start, years, months) >= start


@pytest.mark.parametrize("text", ["坏\x00名称", "a\x1bb", "\x7f", "名称\x85", "\x1c名称", "名称\x0b", "\x9f"])
@pytest.mark.parametrize("kind", [{}, {"type": "date"}, {"type": "number"}, {"enum": ("a",)}, {"identifier": "uscc"}])
def test_control_characters_are_refused_in_every_kind_of_column(text, kind):
    """Before strip(), which would silently drop \\x1c and \\x0b, and before the column's own check."""
    assert code_of(cell_parser(spec(**kind)), text) == "E-CONTROL-CHAR"


@pytest.mark.parametrize("text", ["第一行\n第二行", "甲\t乙", "Windows 换行\r\n第二行", "全角　空格", "emoji 😀"])
def test_tabs_line_breaks_and_printable_unicode_pass(text):
    assert cell_parser(spec())(text) == text.strip()


def test_control_character_message_names_the_character():
    with pytest.raises(CellError) as err:
        cell_parser(spec(name="案件名称"))("坏\x00名称")
    assert err.value.params == {"what": "“案件名称”", "char": "U+0000（NUL）"}


SPECS = [spec(), spec("date"), spec("number", minimum=0, maximum=100000), spec("integer"),
         spec(pattern=r"[0-9]{6}"), spec(enum=("罚款", "警告"), separators="；;"), spec(identifier="uscc"),
         spec(identifier="resident-id"), spec(identifier="doc-number"), spec(identifier="mobile"),
         spec(max_length=5, required=True)]


@settings(max_examples=300)
@given(st.sampled_from(SPECS), st.one_of(st.text(), st.from_regex(r"[-+0-9.,eE年月日/ ]{0,30}", fullmatch=True)))
def test_any_text_parses_or_is_a_cell_error(field, text):
    """The property behind the fuzz test, at the cell: no text makes a parser raise anything else."""
    try:
        cell_parser(field)(text)
    except CellError:
        pass
