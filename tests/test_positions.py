"""Excel positions of file lines (issue 11): a record with line breaks in its cells is one row,
blank lines are rows, the header is row 1."""

from generator.diagnostics import diag
from generator.positions import ExcelPlace, locate

CSV = (
    "文号,摘要,公示日期\n"            # line 1, Excel row 1
    "A1,\"第一行\n第二行\",2024-01-02\n"  # lines 2-3, row 2
    "\n"                              # line 4, row 3: Excel shows the blank line as an empty row
    ",,\n"                            # line 5, row 4: commas only, an empty row too
    "A2,\"一\n二\n三\",2024-13-01\n"     # lines 6-8, row 5
    "A3,正常,2024-01-05\n"             # line 9, row 6
)


def write(tmp_path, text, encoding="utf-8"):
    (tmp_path / "data").mkdir()
    (tmp_path / "data/t.csv").write_bytes(text.encode(encoding))
    return tmp_path


def test_rows_as_excel_shows_them(tmp_path):
    root = write(tmp_path, CSV)
    ds = [diag("E-DATE", "data/t.csv", line, 3, column="公示日期", value="x") for line in (2, 6, 9)]
    positions = locate(root, ds)
    assert [positions.row("data/t.csv", line) for line in (2, 6, 9)] == [2, 5, 6]
    assert positions.of(ds[1]) == ExcelPlace(5, "C", "公示日期")
    assert positions.of(ds[1]).describe() == "Excel 第5行 C列“公示日期”"


def test_the_header_and_a_whole_row(tmp_path):
    root = write(tmp_path, CSV)
    ds = [diag("E-COLUMN-UNKNOWN", "data/t.csv", 1, 2, column="摘要"), diag("E-ROW-LENGTH", "data/t.csv", 9, got=2, expected=3)]
    positions = locate(root, ds)
    assert positions.of(ds[0]).describe() == "Excel 第1行 B列“摘要”"
    assert positions.of(ds[1]).describe() == "Excel 第6行"


def test_the_row_a_duplicate_refers_to_is_located_too(tmp_path):
    root = write(tmp_path, CSV)
    d = diag("E-DUPLICATE", "data/t.csv", 9, 1, column="文号", value="A3", other_row=6)
    assert locate(root, [d]).row("data/t.csv", 6) == 5


def test_gb18030_files_as_excel_saves_them(tmp_path):
    root = write(tmp_path, CSV.replace("\n", "\r\n").replace("\"第一行\r\n第二行\"", "\"第一行\n第二行\""), "gb18030")
    d = diag("E-DATE", "data/t.csv", 6, 3, column="公示日期", value="x")
    assert locate(root, [d]).of(d) == ExcelPlace(5, "C", "公示日期")


def test_not_a_table_or_not_there(tmp_path):
    ds = [diag("E-YAML", "data/agencies.yaml", 3, detail="x"), diag("E-DATE", "data/none.csv", 2, 1, value="x")]
    positions = locate(tmp_path, ds)
    assert positions.of(ds[0]) is None and positions.of(ds[1]) is None
    assert locate(None, ds).of(ds[1]) is None


def test_a_broken_quote_is_located_at_its_record(tmp_path):
    root = write(tmp_path, "a,b\n1,2\n\n3,\"x\n")
    d = diag("E-CSV", "data/t.csv", 4, detail="unexpected end of data")
    assert locate(root, [d]).row("data/t.csv", 4) == 4
