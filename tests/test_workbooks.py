"""outputs/workbooks.py: the .xlsx download of each dataset — the CSV's rows with codes as text
(a 15-digit 工商注册号 is not 6.40123E+14), dates as dates and amounts as numbers, a note on
the licence and the as-of date above the header; listed wherever the downloads are; the same
bytes whatever the clock says."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from frictionless import Package

from conftest import GOLDEN_AS_OF, GOLDEN_EXPECTED, GOLDEN_SITE, all_output_bytes, edit_row, run
from generator.diagnostics import Report
from generator.excel.values import number_text
from generator.load import load
from generator.outputs import workbooks

BASE = "https://gongshi.hrss.nx.example"
DATASETS = ("penalties", "random-checks", "staff", "powers")


def sheet(path):
    return openpyxl.load_workbook(path).worksheets[0]


def as_csv_text(cell) -> str:
    """A cell as the CSV writes the same value."""
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, (int, float)):
        return number_text(v)
    return v


@pytest.mark.parametrize("path", DATASETS)
def test_the_workbook_holds_the_csvs_rows_typed(path):
    ws = sheet(GOLDEN_EXPECTED / f"opendata/{path}.xlsx")
    with open(GOLDEN_EXPECTED / f"opendata/{path}.csv", encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    assert [c.value for c in ws[2]] == header
    got = [[as_csv_text(c) for c in row] for row in ws.iter_rows(min_row=3)]
    assert got == rows and rows
    for row in ws.iter_rows(min_row=3):
        for name, cell in zip(header, row):
            if isinstance(cell.value, datetime):  # a date, shown as one
                assert cell.number_format == "yyyy-mm-dd", name
            elif cell.value is not None and name in ("记录标识", "统一社会信用代码", "工商注册号", "执法证件编号", "事项编码"):
                assert cell.data_type == "s", name  # a code is text, whatever its digits
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref.startswith("A2:")


def test_a_long_code_is_text_and_dates_and_amounts_are_typed():
    ws = sheet(GOLDEN_EXPECTED / "opendata/penalties.xlsx")
    header = [c.value for c in ws[2]]
    col = {name: i for i, name in enumerate(header)}
    rows = list(ws.iter_rows(min_row=3))
    codes = [r[col["工商注册号"]] for r in rows if r[col["工商注册号"]].value]
    assert codes and all(c.data_type == "s" and c.value.isdigit() and len(c.value) == 15 for c in codes)
    assert all(isinstance(r[col["处罚决定日期"]].value, datetime) for r in rows)
    fines = [r[col["罚款金额（元）"]].value for r in rows if r[col["罚款金额（元）"]].value is not None]
    assert fines and all(isinstance(v, (int, float)) for v in fines)
    ends = {r[col["公示截止期"]].value.__class__ for r in rows}
    assert ends <= {datetime, str}


def test_the_note_names_the_data_the_as_of_date_the_licence_and_the_source():
    wb = openpyxl.load_workbook(GOLDEN_EXPECTED / "opendata/penalties.xlsx")
    ws = wb.worksheets[0]
    note = ws["A1"].value
    assert "行政处罚结果" in note and "宁夏回族自治区人力资源和社会保障厅" in note
    assert "数据截至 2025年1月15日" in note and "公示中的 7 条记录" in note
    assert "知识共享署名 4.0 国际许可协议（CC BY 4.0）" in note
    assert "https://creativecommons.org/licenses/by/4.0/legalcode.zh-hans" in note
    assert f"{BASE}/penalties/" in note
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:AF1"]  # the note reads across the columns
    help_ws = wb["说明"]
    described = {r[1]: r[3] for r in help_ws.iter_rows(min_row=4, values_only=True)}
    assert described["公示截止期"].startswith("公示截止期") and "工商注册号" in described
    assert wb.properties.created == wb.properties.modified == datetime(2025, 1, 15)


def test_text_beginning_with_an_equals_sign_is_text_not_a_formula(site, tmp_path):
    formula = '=HYPERLINK("https://evil.example/","点此查看")'
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": "银人社监罚〔2024〕41号"}, 备注=formula)
    result, report = run(site, GOLDEN_AS_OF, out=tmp_path / "o")
    assert result, [d.format() for d in report.errors]
    data = (tmp_path / "o/opendata/penalties.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml
    ws = sheet(io.BytesIO(data))
    [cell] = [c for row in ws.iter_rows(min_row=3) for c in row if c.value == formula]
    assert cell.data_type == "s"


def test_the_same_bytes_whatever_the_clock(monkeypatch):
    site = load(GOLDEN_SITE, GOLDEN_AS_OF, Report()).site
    view = site.datasets["penalties"]
    outputs = []
    for clock in (1.6e9, 1.9e9):  # 2020 and 2030
        monkeypatch.setattr(time, "time", lambda clock=clock: clock)
        outputs.append(b"".join(workbooks.export_xlsx(site, view)))
    assert outputs[0] == outputs[1] == (GOLDEN_EXPECTED / "opendata/penalties.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(outputs[0])) as z:
        assert {i.date_time for i in z.infolist()} == {(2025, 1, 15, 0, 0, 0)}


def test_listed_on_the_downloads_page_in_index_json_and_in_the_data_package():
    page = (GOLDEN_EXPECTED / "opendata/index.html").read_text(encoding="utf-8")
    assert '<a href="/opendata/penalties.xlsx">Excel 工作簿（.xlsx，号码为文本、日期为日期）</a>' in page
    assert '/opendata/penalties.xlsx' in (GOLDEN_EXPECTED / "penalties/index.html").read_text(encoding="utf-8")
    index = json.loads((GOLDEN_EXPECTED / "opendata/index.json").read_text(encoding="utf-8"))
    data = (GOLDEN_EXPECTED / "opendata/penalties.xlsx").read_bytes()
    [entry] = [f for f in index["datasets"]["penalties"]["files"] if f["format"] == "xlsx"]
    assert entry["url"] == f"{BASE}/opendata/penalties.xlsx" and entry["sha256"] == hashlib.sha256(data).hexdigest()
    package = Package(str(GOLDEN_EXPECTED / "opendata/datapackage.json"))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    resource = package.get_resource("penalties-xlsx")
    assert resource.format == "xlsx" and resource.bytes == len(data)
    rows = resource.read_rows()  # below the note, by the header of row 2
    assert len(rows) == 7 and rows[0]["记录标识"] and isinstance(rows[0]["处罚决定日期"], date)


def test_the_privacy_scans_see_inside_the_workbook():
    """The canary tests search every output byte (conftest.all_output_bytes): a workbook is a
    zip, so they must read its members, or a private value in it would pass unseen."""
    [data] = [d for name, d in all_output_bytes(GOLDEN_EXPECTED) if name == "opendata/penalties.xlsx"]
    assert "银川市金凤区宏远物业管理有限公司".encode() in data
    assert b"640102198001011232" not in data  # 证件号码: private (P3.1)


def test_a_sheet_streamed_from_its_file_is_the_same_bytes_as_written_whole(tmp_path):
    """openpyxl hands the worksheet over as a file: it is streamed into the zip (a sheet of
    100,000 rows is ~100 MB of XML), with the same bytes as if it had been read and written whole."""
    data = b"".join(b'<row r="%d"><c t="inlineStr"><is><t>%d</t></is></c></row>' % (i, i * 7919 % 10007)
                    for i in range(200_000))  # several MB: many chunks of the copy
    (tmp_path / "sheet.xml").write_bytes(data)
    streamed, whole = io.BytesIO(), io.BytesIO()
    with workbooks._FixedZip(streamed, date(2026, 5, 6)) as z:
        z.write(tmp_path / "sheet.xml", "xl/worksheets/sheet1.xml")
    with workbooks._FixedZip(whole, date(2026, 5, 6)) as z:
        z.writestr("xl/worksheets/sheet1.xml", data)
    assert len(data) > 5 << 20 and streamed.getvalue() == whole.getvalue()
    with zipfile.ZipFile(streamed) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
        assert info.date_time == (2026, 5, 6, 0, 0, 0) and z.read(info) == data
