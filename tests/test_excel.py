"""Excel round trip (issue 11): ``gongshi excel`` writes a workbook an editor can fill in,
``gongshi import`` validates it with the build's rules and writes the canonical CSV; the Excel
hints (what Excel does to data) on the import and the CSV build paths; optional columns may be
absent from a CSV's header."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import from_excel

from conftest import GOLDEN_AS_OF, REPO, run
from generator.cli import main
from generator.diagnostics import Report
from generator.excel.canonical import canonical_bytes, write_csv
from generator.excel.hints import unmojibake
from generator.excel.importer import import_workbook
from generator.excel.source import load_site_config, load_target
from generator.excel.workbook import write_workbook
from generator.load import load
from generator.schema import load_schema

DEMO_AS_OF = date(2026, 11, 29)
DEMO_DATASETS = sorted(p.stem for p in (REPO / "data").glob("*.csv"))
PEN = "data/penalties.csv"
SHEET = "行政处罚结果"


@pytest.fixture
def demo(tmp_path) -> Path:
    """A private copy of the demo site's inputs (configuration, schemas, departments, data)."""
    dest = tmp_path / "demo"
    dest.mkdir()
    shutil.copy(REPO / "site_config.yaml", dest)
    shutil.copytree(REPO / "data", dest / "data")
    return dest


def excel(site: Path, dataset: str, out: Path, *flags) -> int:
    return main(["excel", dataset, "--site", str(site), "--out", str(out), *flags])


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def set_cell(path: Path, index: int, column: str, value: str) -> int:
    """Set the cell of record ``index`` (1-based) in ``column``; returns the record's line."""
    rows = csv_rows(path)
    rows[index][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    reader = csv.reader(io.StringIO(buf.getvalue()))
    line = 1
    for n, _ in enumerate(reader):
        if n == index:
            return line
        line = reader.line_num + 1
    raise IndexError(index)


def build_errors(site: Path, as_of: date = DEMO_AS_OF):
    """The errors of the build's read and validate stages on ``site`` (what `gongshi build` reports)."""
    report = Report()
    load(site, as_of, report)
    return report.errors


def workbook_for(site: Path, dataset: str, tmp: Path) -> Path:
    out = tmp / f"{dataset}.xlsx"
    assert excel(site, dataset, out) == 0
    return out


def edit_workbook(path: Path, edits: dict, sheet: str | None = None) -> None:
    """Set cells ({"E5": value}) of the data sheet, as an editor would in Excel."""
    wb = load_workbook(path)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    for ref, value in edits.items():
        ws[ref].value = value
    wb.save(path)


def column_letter(path: Path, name: str, sheet: str | None = None) -> str:
    wb = load_workbook(path, read_only=True)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    header = next(ws.iter_rows(min_row=2, max_row=2, values_only=True))
    wb.close()
    from openpyxl.utils import get_column_letter

    return get_column_letter(header.index(name) + 1)


# ---------------------------------------------------------------- the workbook

def test_workbook_header_rows_frozen_protected_required_marked(demo, tmp_path):
    out = workbook_for(demo, "penalties", tmp_path)
    wb = load_workbook(out)
    assert wb.sheetnames == [SHEET, "填写说明", "选项"]
    assert wb["选项"].sheet_state == "hidden"
    assert wb.properties.identifier == "gongshi:penalties"
    ws = wb[SHEET]
    assert ws.freeze_panes == "A3"
    assert ws.protection.sheet is True
    assert ws.protection.insertRows is False and ws.protection.deleteRows is False  # rows may be added
    schema = load_schema(demo, "data/penalties.schema.json")
    header = [c.value for c in ws[2]]
    # the CSV's own column order, so that the imported CSV keeps every line
    assert header == csv_rows(demo / PEN)[0]
    for cell, label in zip(ws[2], ws[1]):
        spec = schema.field(cell.value)
        assert cell.protection.locked and label.protection.locked
        assert label.value.startswith("必填" if spec.required else "选填")
        assert cell.font.b
        if spec.required:
            assert label.font.color.rgb.endswith("C00000") and label.font.b
    for cell in ws[3]:  # the data cells are not locked
        if cell.value is not None:
            assert cell.protection.locked is False
    for letter, dim in ws.column_dimensions.items():
        assert dim.protection.locked is False  # nor are the empty cells below them


def test_private_columns_shaded_and_labelled(demo, tmp_path):
    out = workbook_for(demo, "penalties", tmp_path)
    ws = load_workbook(out)[SHEET]
    schema = load_schema(demo, "data/penalties.schema.json")
    private = {"证件号码", "联系电话", "住址", "内部意见", "承办人"}
    for label, name, data in zip(ws[1], ws[2], ws[3]):
        spec = schema.field(name.value)
        assert ("不公开" in label.value) is (not spec.public)
        shaded = name.fill.fgColor.rgb.endswith("D9D9D9")
        assert shaded is (not spec.public)
        if not spec.public:
            assert ws.column_dimensions[name.column_letter].fill.fgColor.rgb.endswith("F2F2F2")
            if data.value is not None:
                assert data.fill.fgColor.rgb.endswith("F2F2F2")
    assert private <= {n.value for n, l in zip(ws[2], ws[1]) if "不公开" in l.value}


def test_codes_are_text_dates_are_dates_numbers_are_numbers(demo, tmp_path):
    out = workbook_for(demo, "penalties", tmp_path)
    ws = load_workbook(out)[SHEET]
    cols = {c.value: c.column_letter for c in ws[2]}
    rows = csv_rows(demo / PEN)
    first = dict(zip(rows[0], rows[1]))
    for name in ("统一社会信用代码", "证件号码", "联系电话", "行政处罚决定书文号", "工商注册号"):
        assert ws.column_dimensions[cols[name]].number_format == "@", name
    id_cell = ws[f"{cols['证件号码']}3"]
    assert id_cell.value == first["证件号码"] and id_cell.data_type == "s" and id_cell.number_format == "@"
    day = ws[f"{cols['处罚决定日期']}3"]
    assert day.value == datetime.fromisoformat(first["处罚决定日期"]) and day.number_format == "yyyy-mm-dd"
    assert ws.column_dimensions[cols["公示日期"]].number_format == "yyyy-mm-dd"
    fine = ws[f"{cols['罚款金额（元）']}3"]
    assert fine.value == int(first["罚款金额（元）"]) and fine.data_type == "n"


def test_dropdowns_for_enumerations_and_departments(demo, tmp_path):
    out = workbook_for(demo, "penalties", tmp_path)
    wb = load_workbook(out)
    ws, lists = wb[SHEET], wb["选项"]
    cols = {c.value: c.column_letter for c in ws[2]}
    by_column = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv for dv in ws.data_validations.dataValidation}

    def listed(dv):
        ref = dv.formula1.split("!")[1].replace("$", "")
        return [c.value for row in lists[ref] for c in row]

    kind = by_column[cols["行政相对人类别"]]
    assert kind.type == "list" and kind.errorStyle == "stop"
    assert listed(kind) == ["法人及非法人组织", "自然人", "个体工商户"]
    agency = by_column[cols["处罚机关"]]
    import yaml

    names = [a["名称"] for a in yaml.safe_load((demo / "data/agencies.yaml").read_text(encoding="utf-8"))["agencies"]]
    assert agency.type == "list" and listed(agency) == names
    several = by_column[cols["处罚类别"]]  # several values allowed: a combination only informs
    assert several.type == "list" and several.errorStyle == "information" and "罚款" in listed(several)
    assert by_column[cols["处罚决定日期"]].type == "date"
    assert str(by_column[cols["行政处罚决定书文号"]].sqref) == f"{cols['行政处罚决定书文号']}3:{cols['行政处罚决定书文号']}1048576"


def test_every_column_has_input_help_from_its_description(demo, tmp_path):
    out = workbook_for(demo, "penalties", tmp_path)
    ws = load_workbook(out)[SHEET]
    schema = load_schema(demo, "data/penalties.schema.json")
    dvs = {str(dv.sqref).split(":")[0][:-1]: dv for dv in ws.data_validations.dataValidation}
    for cell in ws[2]:
        spec, dv = schema.field(cell.value), dvs[cell.column_letter]
        assert dv.showInputMessage and dv.promptTitle == spec.name[:32]
        assert dv.prompt.startswith("必填" if spec.required else "选填")
        assert spec.description[:40] in dv.prompt and len(dv.prompt) <= 255
    help_rows = list(load_workbook(out)["填写说明"].iter_rows(values_only=True))
    assert any(r[1] == "证件号码" and r[3] == "不公开" and r[2] == "否" for r in help_rows)


def test_empty_template_and_a_dataset_without_a_csv(demo, tmp_path):
    out = tmp_path / "template.xlsx"
    assert excel(demo, "penalties", out, "--empty") == 0
    ws = load_workbook(out)[SHEET]
    assert ws.max_row == 2
    (demo / PEN).unlink()  # a new site: no CSV yet; the schema's own order
    assert excel(demo, "penalties", out, "--empty") == 0
    ws = load_workbook(out)[SHEET]
    assert [c.value for c in ws[2]] == list(load_schema(demo, "data/penalties.schema.json").names)


def test_workbook_refuses_a_csv_whose_columns_it_cannot_map(demo, tmp_path, capsys):
    rows = csv_rows(demo / PEN)
    rows[0][1] = "案件名"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (demo / PEN).write_text(buf.getvalue(), encoding="utf-8")
    out = tmp_path / "x.xlsx"
    assert excel(demo, "penalties", out) == 1
    err = capsys.readouterr().err
    assert "data/penalties.csv:1:2: E-COLUMN-UNKNOWN" in err and "Traceback" not in err
    assert not out.exists()


def test_usage_errors(demo, tmp_path, capsys):
    assert excel(demo, "penaltys", tmp_path / "x.xlsx") == 2
    assert "penalties" in capsys.readouterr().err  # the known names are listed
    assert excel(demo, "penalties", demo / "data" / "penalties.xlsx") == 2  # data/ holds CSVs only
    assert not (demo / "data" / "penalties.xlsx").exists()
    assert main(["import", str(tmp_path / "missing.xlsx"), "--site", str(demo)]) == 2
    out = workbook_for(demo, "penalties", tmp_path)
    assert main(["import", str(out), "--site", str(demo), "--dataset", "nope"]) == 2


def test_not_a_workbook(demo, tmp_path, capsys):
    fake = tmp_path / "penalties.xlsx"
    fake.write_bytes((demo / PEN).read_bytes())  # a CSV renamed
    before = (demo / PEN).read_bytes()
    assert main(["import", str(fake), "--site", str(demo)]) == 1
    err = capsys.readouterr().err
    assert "E-XLSX" in err and "Traceback" not in err
    assert (demo / PEN).read_bytes() == before


# ---------------------------------------------------------------- round trip

@pytest.mark.parametrize("dataset", DEMO_DATASETS)
def test_round_trip_of_every_demo_dataset_is_byte_identical(demo, tmp_path, dataset):
    original = demo / "data" / f"{dataset}.csv"
    expected = canonical_bytes(original)
    out = workbook_for(demo, dataset, tmp_path)
    result = import_workbook(demo, out)
    assert [p.format() for p in result.errors] == []
    assert result.written and result.dataset == dataset
    assert original.read_bytes() == expected
    again = import_workbook(demo, out)  # and once more: nothing changes
    assert again.written and not again.changed and original.read_bytes() == expected


def test_canonical_form_bom_lf_minimal_quoting(tmp_path):
    path = tmp_path / "x.csv"
    write_csv(path, ("名称", "说明"), [["a,b", '他说"好"'], ["第一行\r\n第二行", " 前后空格 "]])
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    assert data.decode("utf-8-sig") == '名称,说明\n"a,b","他说""好"""\n"第一行\n第二行", 前后空格 \n'
    # the build reads it back cell for cell
    assert csv_rows(path)[1:] == [["a,b", '他说"好"'], ["第一行\n第二行", " 前后空格 "]]


def test_one_changed_cell_changes_one_line(demo, tmp_path):
    original = demo / PEN
    write_csv(original, tuple(csv_rows(original)[0]), csv_rows(original)[1:])  # canonical to begin with
    before = original.read_bytes().decode("utf-8-sig").split("\n")
    out = workbook_for(demo, "penalties", tmp_path)
    letter = column_letter(out, "案件名称")
    edit_workbook(out, {f"{letter}6": "改过的案件名称"})
    assert import_workbook(demo, out).changed
    after = original.read_bytes().decode("utf-8-sig").split("\n")
    assert len(after) == len(before)
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert len(changed) == 1 and after[changed[0]].split(",")[1] == "改过的案件名称"


# ---------------------------------------------------------------- import: positions, forms of values

def test_errors_name_sheet_excel_row_column_letter_and_name(demo, tmp_path, capsys):
    out = workbook_for(demo, "penalties", tmp_path)
    letter = column_letter(out, "统一社会信用代码")
    edit_workbook(out, {f"{letter}5": "91640105MA7U7TCHX0"})
    before = (demo / PEN).read_bytes()
    result = import_workbook(demo, out)
    assert not result.written
    [problem] = result.errors
    assert (problem.code, problem.sheet, problem.row, problem.letter, problem.column) == \
        ("E-USCC", SHEET, 5, letter, "统一社会信用代码")
    assert main(["import", str(out), "--site", str(demo)]) == 1
    err = capsys.readouterr().err
    assert f"penalties.xlsx 工作表“{SHEET}” 第5行 {letter}列“统一社会信用代码”: E-USCC" in err
    assert f"导入失败：共 1 个错误" in err
    assert (demo / PEN).read_bytes() == before  # nothing written


def test_errors_come_before_warnings(demo, tmp_path):
    out = workbook_for(demo, "penalties", tmp_path)
    edit_workbook(out, {f"{column_letter(out, '处罚决定日期')}60": "2026-02-30"})
    result = import_workbook(demo, out)
    assert result.warnings and result.errors
    assert result.problems[0].code == "E-DATE" and result.problems[0].row == 60


def test_dates_typed_as_dates_text_and_serial_numbers(demo, tmp_path):
    out = workbook_for(demo, "penalties", tmp_path)
    col = column_letter(out, "公示日期")
    edit_workbook(out, {f"{col}3": datetime(2026, 11, 4), f"{col}4": "2026/10/22", f"{col}5": "2026年9月10日",
                        f"{col}6": 46230, f"{col}7": 46230.5})  # 46230: 2026-07-27 as a serial number
    assert from_excel(46230).date() == date(2026, 7, 27)  # as openpyxl (and Excel) count
    result = import_workbook(demo, out)
    assert result.errors == [] and result.written
    rows = csv_rows(demo / PEN)
    i = rows[0].index("公示日期")
    assert [r[i] for r in rows[1:6]] == ["2026-11-04", "2026/10/22", "2026年9月10日", "2026-07-27", "2026-07-27"]


def test_numbers_typed_as_numbers_or_stored_as_text(demo, tmp_path):
    out = workbook_for(demo, "penalties", tmp_path)
    col = column_letter(out, "罚款金额（元）")
    edit_workbook(out, {f"{col}3": "80000", f"{col}4": "18,600", f"{col}5": 40000.5, f"{col}6": 2400.0})
    result = import_workbook(demo, out)
    assert result.errors == [] and result.written
    rows = csv_rows(demo / PEN)
    i = rows[0].index("罚款金额（元）")
    assert [r[i] for r in rows[1:5]] == ["80000", "18,600", "40000.5", "2400"]


def test_a_bureau_workbook_title_row_other_order_and_no_optional_columns(demo, tmp_path):
    """An export from another system: a title row, its own column order, only some columns;
    the CSV keeps the repository's column order and the columns it had."""
    rows = csv_rows(demo / PEN)
    left_out = {"证件号码", "联系电话", "住址", "承办人", "内部意见"}
    keep = [n for n in reversed(rows[0]) if n not in left_out]
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["2026年行政处罚案件台账"])
    ws.append(keep)
    for r in rows[1:]:
        record = dict(zip(rows[0], r))
        ws.append([record[n] for n in keep])
    xlsx = tmp_path / "penalties.xlsx"  # the file's name names the dataset
    wb.save(xlsx)
    result = import_workbook(demo, xlsx)
    assert [p.format() for p in result.errors] == [] and result.rows == len(rows) - 1
    after = csv_rows(demo / PEN)
    assert after[0] == rows[0]  # same columns, same order: the other columns read as empty
    i = rows[0].index("证件号码")
    assert all(r[i] == "" for r in after[1:])
    assert [r[0] for r in after] == [r[0] for r in rows]


def test_filled_optional_column_is_added_and_empty_one_stays_out(demo, tmp_path):
    rows = csv_rows(demo / PEN)
    drop = rows[0].index("备注")  # a file without 备注
    write_csv(demo / PEN, tuple(c for i, c in enumerate(rows[0]) if i != drop),
              [[c for i, c in enumerate(r) if i != drop] for r in rows[1:]])
    before = (demo / PEN).read_bytes()
    out = workbook_for(demo, "penalties", tmp_path)
    assert column_letter(out, "备注")  # the workbook offers every column
    assert not import_workbook(demo, out).changed
    assert (demo / PEN).read_bytes() == before
    edit_workbook(out, {f"{column_letter(out, '备注')}3": "已履行"})
    assert import_workbook(demo, out).changed
    after = csv_rows(demo / PEN)
    assert after[0] == [c for i, c in enumerate(rows[0]) if i != drop] + ["备注"]  # appended: no other line moves
    assert after[1][-1] == "已履行"


def test_unknown_unnamed_and_formula_error_cells(demo, tmp_path):
    out = workbook_for(demo, "penalties", tmp_path)
    wb = load_workbook(out)
    ws = wb[SHEET]
    ws.protection.sheet = False
    width = ws.max_column
    ws.cell(2, width + 1).value = "身份证复印件"
    ws.cell(4, width + 3).value = "备忘"  # no name above it
    ws[f"{column_letter(out, '违法事实')}5"].value = "#N/A"
    wb.save(out)
    result = import_workbook(demo, out)
    found = {(p.code, p.row, p.letter) for p in result.errors}
    from openpyxl.utils import get_column_letter as L

    assert ("E-COLUMN-UNKNOWN", 2, L(width + 1)) in found
    assert ("E-XLSX-UNNAMED-COLUMN", 4, L(width + 3)) in found
    assert ("E-XLSX-FORMULA-ERROR", 5, column_letter(out, "违法事实")) in found
    assert not result.written


def test_missing_required_column_in_a_workbook(demo, tmp_path):
    wb = Workbook()
    rows = csv_rows(demo / PEN)
    i = rows[0].index("处罚依据")
    wb.active.append([c for j, c in enumerate(rows[0]) if j != i])
    xlsx = tmp_path / "x.xlsx"
    wb.save(xlsx)
    result = import_workbook(demo, xlsx, "penalties")
    assert [(p.code, p.row) for p in result.errors] == [("E-COLUMN-MISSING", 1)]
    assert "处罚依据" in result.errors[0].format()


def test_a_changed_number_that_the_corrections_log_names_is_refused(demo, tmp_path):
    """The build resolves the corrections log against the dataset: so does the import."""
    log = csv_rows(demo / "data/corrections.csv")
    ref = next(dict(zip(log[0], r))["记录"] for r in log[1:] if r[0] == "penalties")
    config = load_site_config(demo)
    ds = load_target(demo, config, "penalties").dataset
    out = workbook_for(demo, "penalties", tmp_path)
    wb = load_workbook(out)
    ws = wb[SHEET]
    key = column_letter(out, ds.key[-1])
    from generator.identifiers import normalise_doc_number

    cell = next(c for c in ws[key][2:] if c.value and normalise_doc_number(c.value) == normalise_doc_number(ref))
    cell.value = cell.value.replace("号", "0号")
    wb.save(out)
    result = import_workbook(demo, out)
    assert [(p.code, p.diagnostic.path) for p in result.errors] == [("E-CORRECTION-REF", "data/corrections.csv")]
    assert not result.written


def test_the_corrections_log_imports_and_its_references_are_checked(demo, tmp_path):
    out = workbook_for(demo, "corrections", tmp_path)
    assert import_workbook(demo, out).written
    edit_workbook(out, {f"{column_letter(out, '记录')}3": "银人社监罚〔1999〕1号"})
    result = import_workbook(demo, out)
    assert [(p.code, p.row, p.column) for p in result.errors] == [("E-CORRECTION-REF", 3, "记录")]


# ---------------------------------------------------------------- Excel hints, on both paths

HINTS = [  # (dataset, column, record, what the editor's Excel left in the cell, code)
    ("penalties", "证件号码", 1, "6.40302E+17", "E-EXCEL-SCIENTIFIC"),
    ("staff", "身份证号码", 1, "640522196604024000", "E-EXCEL-SCIENTIFIC"),
    ("complaint_channels", "邮政编码", 1, "50002", "E-EXCEL-LEADING-ZEROS"),
    ("penalties", "处罚决定日期", 2, "46310", "E-EXCEL-SERIAL-DATE"),
    ("penalties", "统一社会信用代码", 2, "91640104MA7F\u3000A7EN43", "E-EXCEL-FULLWIDTH-SPACE"),
    ("penalties", "统一社会信用代码", 3, "91640105 MA7U7TCHXF", "E-EXCEL-SPACES"),
    ("penalties", "统一社会信用代码", 3, "\u200b91640105MA7U7TCHXF", "E-EXCEL-SPACES"),
    ("penalties", "行政相对人类别", 1, "法人及非法人组织".encode("utf-8").decode("gb18030", "replace"),
     "E-EXCEL-ENCODING"),
]


@pytest.mark.parametrize("dataset,column,record,value,code", HINTS)
def test_excel_hint_on_the_csv_build_path(demo, dataset, column, record, value, code):
    path = demo / "data" / f"{dataset}.csv"
    line = set_cell(path, record, column, value)
    errors = build_errors(demo)
    col = csv_rows(path)[0].index(column) + 1
    assert [(d.code, d.path, d.row, d.column) for d in errors] == [(code, f"data/{dataset}.csv", line, col)]
    text = errors[0].format()
    assert "gongshi excel" in text or "Ctrl+H" in text or "GitHub Desktop" in text  # how to fix it in Excel


@pytest.mark.parametrize("dataset,column,record,value,code", HINTS)
def test_excel_hint_on_import(demo, tmp_path, dataset, column, record, value, code):
    out = workbook_for(demo, dataset, tmp_path)
    letter = column_letter(out, column)
    edit_workbook(out, {f"{letter}{record + 2}": value})
    result = import_workbook(demo, out)
    assert [(p.code, p.row, p.letter, p.column) for p in result.errors] == [(code, record + 2, letter, column)]


def test_numbers_excel_made_of_codes_get_their_hints_on_import(demo, tmp_path):
    """What Excel stores when a code is typed into a 常规 cell: a number."""
    out = workbook_for(demo, "penalties", tmp_path)
    letter = column_letter(out, "证件号码")
    edit_workbook(out, {f"{letter}3": 640302196903305960})  # Excel keeps 6.40302196903305E+17
    result = import_workbook(demo, out)
    [problem] = result.errors
    assert problem.code == "E-EXCEL-SCIENTIFIC"
    assert "640302196903305" not in problem.format()  # a private column: the value is masked (P3.1)
    out = workbook_for(demo, "complaint_channels", tmp_path)
    letter = column_letter(out, "邮政编码")
    edit_workbook(out, {f"{letter}3": 50002})
    [problem] = import_workbook(demo, out).errors
    assert problem.code == "E-EXCEL-LEADING-ZEROS" and "050002" in problem.format()


def test_serial_date_hint_names_the_day(demo):
    set_cell(demo / PEN, 2, "处罚决定日期", "45291")
    [error] = build_errors(demo)
    assert error.code == "E-EXCEL-SERIAL-DATE" and "2023-12-31" in error.format()


def test_a_file_saved_in_the_wrong_encoding_is_one_error(demo):
    """A UTF-8 CSV double-clicked in Excel (read as GBK) and saved again (as GB18030)."""
    path = demo / PEN
    garbled = path.read_text(encoding="utf-8").encode("utf-8").decode("gb18030", "replace")
    path.write_bytes(garbled.encode("gb18030"))
    errors = build_errors(demo)
    assert [(d.code, d.path, d.row) for d in errors] == [("E-EXCEL-ENCODING", PEN, 1)]
    assert "原文应为“" in errors[0].format()


def test_mojibake_is_recognised_and_real_text_is_not():
    for text in ("行政处罚决定书文号", "银川市人力资源和社会保障局", "法人及非法人组织"):
        assert unmojibake(text) is None
        assert unmojibake(text.encode("utf-8").decode("gb18030", "replace"))
        assert unmojibake(text.encode("gb18030").decode("latin-1")) == text
    assert unmojibake("ASCII only") is None


def test_no_hint_where_excel_is_not_to_blame(demo):
    set_cell(demo / PEN, 1, "统一社会信用代码", "91640106MA77NBYU30")  # a wrong check digit
    assert [d.code for d in build_errors(demo)] == ["E-USCC"]


# ---------------------------------------------------------------- optional columns (check_header)

def test_optional_columns_may_be_absent_from_a_csv_header(site):
    path = site / PEN
    rows = csv_rows(path)
    schema = load_schema(site, "data/penalties.schema.json")
    left_out = {"没收金额（元）", "暂扣或吊销证照名称及编号", "备注", "证件号码", "联系电话", "住址", "承办人", "内部意见"}
    assert not any(schema.field(n).required for n in left_out)
    keep = [i for i, n in enumerate(rows[0]) if n not in left_out]
    write_csv(path, tuple(rows[0][i] for i in keep), [[r[i] for i in keep] for r in rows[1:]])
    result, report = run(site, GOLDEN_AS_OF)
    assert result is not None, [d.format() for d in report.errors]
    assert not any(d.code == "E-COLUMN-MISSING" for d in report.items)


def test_a_required_column_must_still_be_present(site):
    path = site / PEN
    rows = csv_rows(path)
    i = rows[0].index("处罚机关")
    write_csv(path, tuple(c for j, c in enumerate(rows[0]) if j != i), [[c for j, c in enumerate(r) if j != i] for r in rows[1:]])
    _, report = run(site, GOLDEN_AS_OF)
    assert [(d.code, dict(d.params)["column"]) for d in report.errors] == [("E-COLUMN-MISSING", "处罚机关")]


def test_the_fast_inline_string_reader_reads_what_openpyxl_reads(tmp_path):
    """sheet.py reads inline strings without openpyxl's rich-text objects: the same text."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    from generator.excel.sheet import _values

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    rich = CellRichText(["开头", TextBlock(InlineFont(b=True), "加粗"), "结尾"])
    ws.append(["纯文本", " 前后空格 ", "第一行\n第二行", WriteOnlyCell(ws, rich), 12, None, "=1+1", "#N/A"])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    for data_only in (True, False):
        book = load_workbook(path, read_only=True, data_only=data_only)
        ours = list(_values(book["s"]))
        theirs = list(book["s"].iter_rows(values_only=True))
        assert ours == theirs and ours[0][3] == "开头加粗结尾"
        book.close()


def test_a_control_character_cannot_go_into_a_workbook(demo, tmp_path, capsys):
    line = set_cell(demo / PEN, 2, "违法事实", "经查\x01该单位")
    out = tmp_path / "x.xlsx"
    assert excel(demo, "penalties", out) == 1
    err = capsys.readouterr().err
    assert f"data/penalties.csv:{line}:{csv_rows(demo / PEN)[0].index('违法事实') + 1}: E-XLSX-CHARACTER" in err
    assert not out.exists()


@pytest.mark.parametrize("dataset", DEMO_DATASETS)
def test_the_repository_csvs_are_in_the_canonical_form(dataset):
    """UTF-8 with BOM (a double-click opens it in Excel), LF, minimal quoting: what import writes."""
    path = REPO / "data" / f"{dataset}.csv"
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    assert data == canonical_bytes(path)
