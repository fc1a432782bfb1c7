"""Private values are masked in diagnostics (P3.1, P3.5; issue 10 point 10), whatever the code."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from generator.conceal import conceal, forms, mask_value, row_concealer
from generator.diagnostics import diag


@pytest.mark.parametrize("value, shown", [
    ("13900000001", "1390***0001"),                  # as the personal-data error shows a mobile number
    ("640102199003071230", "6401**********1230"),
    ("2024-03-05", "********"),                      # shorter, or not an identifier: nothing kept
    ("银川市兴庆区解放西街1号", "********"),
    ("男", "*"),
])
def test_mask_value(value, shown):
    assert mask_value(value) == shown


def test_forms_of_a_cell():
    assert forms(" 2024/3/5 ", date(2024, 3, 5)) >= {"2024/3/5", "2024-03-05"}
    assert forms("20,000", Decimal("20000")) >= {"20,000", "20000"}
    assert forms("甲、乙乙", ("甲", "乙乙")) == {"甲、乙乙", "乙乙"}  # one character is too short to quote


def test_a_problem_about_a_private_cell_masks_every_value_parameter():
    d = diag("E-ENUM", "data/x.csv", 2, 3, column="法制审核结论", value="原则同意", allowed="同意 / 不同意")
    shown = dict(conceal(d, {"法制审核结论"}, set()).params)
    assert shown == {"column": "法制审核结论", "value": "****", "allowed": "同意 / 不同意"}


def test_a_private_value_quoted_in_another_problem_is_masked_there():
    d = diag("E-DATE-ORDER", "data/x.csv", 2, 29, column="公示日期", later="公示日期", later_value="2024-03-08",
             earlier="保密审查日期", earlier_value="2024-03-09")
    shown = dict(conceal(d, {"保密审查日期"}, {"2024-03-09"}).params)
    assert shown["earlier_value"] == "********" and shown["later_value"] == "2024-03-08"
    detail = diag("E-LEGAL-REVIEW", "data/x.csv", 2, 25, column="法制审核日期",
                  detail="的法制审核日期（2024-03-09）晚于决定日期（2024-03-05）")
    assert dict(conceal(detail, set(), {"2024-03-09"}).params)["detail"] == "的法制审核日期（********）晚于决定日期（2024-03-05）"


def test_a_problem_without_private_values_is_the_same_object():
    d = diag("E-DATE", "data/x.csv", 2, 19, column="处罚决定日期", value="2024-02-30")
    assert conceal(d, {"证件号码"}, {"640102199003071230"}) is d


def spec(name, public):
    return SimpleNamespace(name=name, public=public)


def test_row_concealer_masks_by_the_row_and_spares_what_is_public_anyway():
    specs = [spec("公示日期", True), spec("保密审查日期", False), spec("证件号码", False)]
    conceal_row = row_concealer(specs, [0, 1, 2])
    cells = ("2024-03-08", "2024/3/8", "640102199003071230")
    values = (date(2024, 3, 8), date(2024, 3, 8), "640102199003071230")
    late = diag("W-LATE", "data/x.csv", 2, 1, published="2024-03-08", deadline="2024-03-01", basis="b", days=5)
    bad_id = diag("E-RESIDENT-ID", "data/x.csv", 2, 3, column="证件号码", value="640102199003071230")
    late_shown, id_shown = conceal_row([late, bad_id], cells, values)
    assert dict(late_shown.params)["published"] == "2024-03-08"  # the same date is in a public cell
    assert dict(id_shown.params)["value"] == "6401**********1230"
