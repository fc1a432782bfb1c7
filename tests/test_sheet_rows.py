"""outputs/sheet_rows.py: the records' rows of a workbook sheet written directly — byte for byte
what openpyxl's write-only writer writes for the same values (text with spaces, markup
characters, line breaks, characters outside the basic plane; numbers; dates; gaps), generated
values included (Hypothesis); what it cannot write is refused, and the workbook is then written
by openpyxl, with the same content (P2.4).  The zip's bytes differ from openpyxl's: the records'
sheet is deflated in parts (outputs/zip_parts.py, tests/test_reuse_sheets.py)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import GOLDEN_AS_OF, GOLDEN_SITE, REPO
from generator.diagnostics import Report, excel_column
from generator.load import load
from generator.outputs import reuse_sheets, sheet_rows, workbooks
from generator.outputs.sheet_rows import Unsupported, rows_xml


def _openpyxl_rows(rows: list[list]) -> tuple[bytes, int | None]:
    """The <row> elements openpyxl writes for ``rows`` (from row 1), and the date style id."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    for values in rows:
        row = []
        for v in values:
            if v.__class__ is str and v[:1] == "=":  # as workbooks.py writes it: text, not a formula
                v = WriteOnlyCell(ws, v)
                v.data_type = "s"
            row.append(v)
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    xml = zipfile.ZipFile(buf).read("xl/worksheets/sheet1.xml")
    styled = re.search(rb' s="(\d+)"', xml)
    body = xml[xml.index(b"<sheetData>") + len(b"<sheetData>"):xml.index(b"</sheetData>")]
    return body, int(styled.group(1)) if styled else None


def _ours(rows: list[list], date_style: int | None) -> bytes:
    width = max((len(r) for r in rows), default=0)
    return b"".join(rows_xml(rows, 1, [excel_column(n) for n in range(1, width + 1)], date_style))


TRICKY = [
    ["plain", "  leading", "trailing  ", " both ", "a & b < c > d", "line\nbreak", "crlf\r\nend", "tab\there"],
    ["中文，全角（括号）", "😀 outside the plane", "", "=SUM(A1:A3)", "=", "'quoted\"", "x" * 40],
    [0, 1, -5, 10 ** 14, Decimal("20000.50"), Decimal("0.000001"), Decimal("123456789012345"), Decimal("-3.25")],
    [date(2026, 11, 29), None, "长期", date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), None, 7],
    [None, None, None, None, None, None, None, "only the last"],
]


def test_tricky_values_are_written_as_openpyxl_writes_them():
    theirs, style = _openpyxl_rows(TRICKY)
    assert style is not None and b"xml:space" in theirs and b"&#13;" in theirs  # the cases are there
    assert _ours(TRICKY, style) == theirs


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07"
                              "\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"
                              "\ufffe\uffff"), max_size=30)
_VALUE = st.one_of(st.none(), _TEXT, st.integers(-10 ** 14, 10 ** 14),
                   st.decimals(min_value=-10 ** 9, max_value=10 ** 9, places=4, allow_nan=False, allow_infinity=False),
                   st.dates(date(1900, 1, 1), date(2099, 12, 31)))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_VALUE, min_size=1, max_size=6), min_size=1, max_size=6))
def test_any_row_of_text_numbers_and_dates_is_written_as_openpyxl_writes_it(rows):
    theirs, style = _openpyxl_rows(rows)
    assert _ours(rows, style) == theirs


@pytest.mark.parametrize("value", ["bell\x07", "esc\x1b", "\ufffe", 1.5, True, (1, 2)])
def test_what_it_cannot_write_as_openpyxl_would_is_refused(value):
    with pytest.raises(Unsupported):
        _ours([["ok", value]], None)


def _workbooks(site_dir, as_of) -> dict[str, dict[str, bytes]]:
    """Each dataset's workbook: its members' names and bytes, in the zip's order."""
    site = load(site_dir, as_of, Report()).site
    found = {}
    for name, view in site.datasets.items():
        if not view.config.internal:
            with zipfile.ZipFile(io.BytesIO(b"".join(workbooks.export_xlsx(site, view)))) as z:
                assert z.testzip() is None
                found[name] = {m: z.read(m) for m in z.namelist()}
    return found


@pytest.mark.parametrize("site_dir, as_of, datasets", [(GOLDEN_SITE, GOLDEN_AS_OF, 4), (REPO, date(2026, 11, 29), 17)],
                         ids=["golden", "demo"])
def test_every_workbook_holds_what_openpyxl_alone_writes(site_dir, as_of, datasets, monkeypatch):
    """The golden site, and the demo's datasets of every item of attachment 2."""
    ours = _workbooks(site_dir, as_of)
    monkeypatch.setattr(workbooks, "row_parts", lambda *args: None)  # every row through openpyxl
    theirs = _workbooks(site_dir, as_of)
    assert len(ours) >= datasets
    assert ours == theirs


def test_a_value_refused_leaves_the_workbook_to_openpyxl(monkeypatch):
    expected = _workbooks(GOLDEN_SITE, GOLDEN_AS_OF)

    def refuse(*args, **kwargs):
        raise Unsupported("a value of type float")
        yield
    monkeypatch.setattr(reuse_sheets, "rows_xml", refuse)
    assert _workbooks(GOLDEN_SITE, GOLDEN_AS_OF) == expected


def test_no_temporary_file_is_left(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    _workbooks(GOLDEN_SITE, GOLDEN_AS_OF)
    assert list(tmp_path.iterdir()) == []


def test_serial_days_count_as_openpyxl_counts_them():
    from openpyxl.utils.datetime import to_excel

    for day in (date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(1970, 1, 1), date(2026, 11, 29)):
        assert sheet_rows.serial(day) == "%.16g" % to_excel(day)
