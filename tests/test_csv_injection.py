"""Spreadsheet-safe CSV exports (CWE-1236): text that a spreadsheet would run as a formula is
neutralised in every CSV the build writes; numbers stay numbers for machine consumers."""

import csv
import io
import re

import pytest
from hypothesis import given, strategies as st

from conftest import GOLDEN_AS_OF, edit_row, run
from generator.csv_injection import formula_safe, neutralise, neutralise_row


@pytest.mark.parametrize("cell, safe", [
    ('=HYPERLINK("http://x","点此")', '\'=HYPERLINK("http://x","点此")'),
    ("+86 951 5099342", "'+86 951 5099342"), ("-2+3", "'-2+3"), ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("-", "'-"),
    ("-1500", "-1500"), ("-0.15", "-0.15"), ("+20", "+20"), ("1E+5", "1E+5"), ("-1E+5", "-1E+5"),
    ("宁夏某公司", "宁夏某公司"), ("", ""), ("a=b", "a=b"), ("2024-03-05", "2024-03-05"),
])
def test_neutralise(cell, safe):
    assert neutralise(cell) == safe


def test_row_without_alarm_is_returned_as_is():
    row = ["甲", "乙\n第二行", "15"]
    assert neutralise_row(row) is row


def test_cell_after_a_line_break_inside_another_cell_is_judged_alone():
    assert neutralise_row(["甲\n=1", "=2"]) == ["甲\n=1", "'=2"]


@given(st.lists(st.text(), max_size=6))
def test_no_cell_of_a_written_row_reads_as_a_formula(row):
    buf = io.StringIO()
    formula_safe(csv.writer(buf)).writerow(row)
    [back] = csv.reader(io.StringIO(buf.getvalue()))
    for original, cell in zip(row, back):
        assert cell in (original, "'" + original)
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r") or re.fullmatch(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?", cell)


def test_exports_carry_no_formula_and_keep_numbers(site):
    """The reproduction of issue 10 on the golden site: a party named =HYPERLINK(...)."""
    path = site / "data/penalties.csv"
    edit_row(path, {"行政处罚决定书文号": "宁人社监罚〔2023〕8号"}, 行政相对人名称='=HYPERLINK("http://evil.example","点此")')
    result, report = run(site, GOLDEN_AS_OF)
    assert result is not None, [d.format() for d in report.errors]
    text = (site / "public/opendata/penalties.csv").read_text(encoding="utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert '\'=HYPERLINK("http://evil.example","点此")' in cells
    assert not [c for c in cells if c[:1] in "=+@\t\r" and c] and not [c for c in cells if c.startswith("-")]
    # the JSON export is no spreadsheet: the value is as typed there
    assert '=HYPERLINK(\\"http://evil.example\\"' in (site / "public/opendata/penalties.json").read_text(encoding="utf-8")


def test_every_csv_of_the_demo_is_neutralised(tmp_path):
    """The demo has the 信用中国 files too (S1, S2): a formula in a name reaches none as a formula."""
    import shutil
    from datetime import date

    from conftest import REPO, read_rows, write_rows

    site = tmp_path / "demo"
    site.mkdir()
    for part in ("site_config.yaml", "data", "content"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copyfile)(REPO / part, site / part)
    for name in ("penalties", "licences"):
        header, rows = read_rows(site / f"data/{name}.csv")
        rows[0]["行政相对人名称"] = "@SUM(1+1)*cmd|' /C calc'!A0"
        write_rows(site / f"data/{name}.csv", header, rows)
    result, report = run(site, date(2026, 11, 29))
    assert result is not None, [d.format() for d in report.errors]
    exports = sorted((site / "public/opendata").glob("*.csv"))
    assert {"penalties-creditchina.csv", "licences-creditchina.csv"} <= {p.name for p in exports}
    found = 0
    for path in exports:
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), (path.name, cell)
                assert not cell.startswith("-") or re.fullmatch(r"-\d+(\.\d+)?", cell), (path.name, cell)
                found += cell == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert found >= 4  # each name in its dataset's export and in its 信用中国 file
