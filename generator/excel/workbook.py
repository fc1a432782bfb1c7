"""``gongshi excel``: a dataset as the Excel workbook an editor fills in.

The data sheet has two frozen, protected header rows — row 1 says 必填 or 选填 and marks the
private columns 不公开 (shaded grey: never published, P3.1), row 2 holds the column names exactly
as the CSV has them — then the rows from row 3.  Every column carries its format (codes and
identifiers as 文本 so that Excel keeps every digit, dates as dates), an input prompt with the
field's description from the schema, and for enumerations and departments a drop-down list.
Sheet 2 (填写说明) explains every column; a hidden sheet (选项) holds the lists.  The workbook
names its dataset in its properties, so that ``gongshi import`` knows where it goes.

Written with openpyxl's write-only mode: rows stream from the CSV, 100,000 of them in a few
hundred MB at most.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..cells import check_header
from ..diagnostics import Diagnostic, diag, excel_column
from ..schema import FieldSpec
from ..stages.read import read_table
from .canonical import canonical_header, install
from .source import Target, load_agencies
from .values import CODE, DATE, INTEGER, NUMBER, PROSE, column_kind, to_excel

LABEL_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
LAST_ROW = 1048576                 # Excel's last row: prompts and lists cover rows added later
WORKBOOK_ID = "gongshi:"           # + the dataset's name, as the workbook's identifier property
LISTS_SHEET, HELP_SHEET = "选项", "填写说明"
PRIVATE = "不公开"
REQUIRED, OPTIONAL = "必填", "选填"
FORMATS = {DATE: "yyyy-mm-dd", NUMBER: "General", INTEGER: "0", CODE: "@", PROSE: "General"}
KIND_NAMES = {DATE: "日期", NUMBER: "数字", INTEGER: "整数", CODE: "文本", PROSE: "长文本"}
DATE_HELP = "写成 2024-03-05，也可写 2024/3/5 或 2024年3月5日"
PROMPT_MAX, PROMPT_TITLE_MAX, ERROR_MAX = 255, 32, 255  # Excel's limits for data-validation texts
NUMBER_LIMIT = 10 ** 15 - 1        # the largest number Excel holds to the unit

_RED, _GREY, _LIGHT_GREY, _BLUE = "C00000", "D9D9D9", "F2F2F2", "DDEBF7"
_UNLOCKED, _LOCKED = Protection(locked=False), Protection(locked=True)


class WorkbookError(Exception):
    """The CSV cannot be turned into a workbook without losing data: its problems, positioned."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


def sheet_title(title: str) -> str:
    """A dataset's title as a sheet name (at most 31 characters, none of []:*?/\\)."""
    return "".join("_" if c in "[]:*?/\\" else c for c in title)[:31] or "数据"


def write_workbook(root: Path, target: Target, out: Path, empty: bool = False) -> int:
    """Write the workbook of ``target`` to ``out``; returns the number of rows written.  Raises
    WorkbookError, leaving ``out`` as it was, when the CSV's header or rows cannot be mapped to
    the columns (unknown or repeated columns, rows of the wrong length, an unreadable file)."""
    problems: list[Diagnostic] = []
    table = read_table(root, target.file, problems) if (root / target.file).is_file() else None
    if table is None and problems:
        raise WorkbookError(problems)
    count = 0
    if table is not None:
        check_header(table, target.schema, header_problems := [])
        if blocking := [d for d in header_problems if d.code != "E-COLUMN-MISSING"]:
            raise WorkbookError(blocking)
        if not empty:  # a first pass finds what would stop the workbook half-written, and counts the rows
            count = _check_rows(read_table(root, target.file, problems), problems)
        if problems:
            raise WorkbookError(problems)
    names = target.schema.names
    order = canonical_header(names, table.header if table else None, set(names), set())
    columns = [target.schema.field(n) for n in order]
    agencies = [a.name for a in load_agencies(root, target.config, [])]

    wb = Workbook(write_only=True)
    wb.properties.identifier = WORKBOOK_ID + target.name
    wb.properties.title = target.title
    wb.properties.creator = "gongshi"
    wb.properties.description = f"gongshi import 导回 {target.file}"
    ws = wb.create_sheet(sheet_title(target.title))
    help_ws = wb.create_sheet(HELP_SHEET)
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    choices = _write_lists(lists, columns, agencies)
    # openpyxl's write-only sheets carry no <dimension>; a reader in read-only mode (openpyxl's,
    # so gongshi import's) would then read the whole sheet once more only to find its size
    ws.calculate_dimension = lambda: f"A1:{excel_column(len(columns))}{HEADER_ROW + count}"
    styles = _prepare_data_sheet(ws, columns, choices)
    _write_help(help_ws, target, columns, agencies)
    if count:
        _write_rows(ws, table, columns, styles)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{excel_column(len(columns))}{HEADER_ROW + max(count, 1)}"
    _save(wb, out)
    return count


def _check_rows(table, problems: list[Diagnostic]) -> int:
    """The number of rows; rows of the wrong length and cells Excel cannot hold go to ``problems``."""
    width, count = len(table.header), 0
    for line, cells in table.rows:
        count += 1
        if len(cells) != width:
            problems.append(diag("E-ROW-LENGTH", table.path, line, got=len(cells), expected=width))
        elif ILLEGAL_CHARACTERS_RE.search("\n".join(cells)):
            col = next(i for i, c in enumerate(cells) if ILLEGAL_CHARACTERS_RE.search(c))
            problems.append(diag("E-XLSX-CHARACTER", table.path, line, col + 1, column=table.header[col]))
    return count


def _styled_cells(row, row_idx):
    """openpyxl's WriteOnlyWorksheet._values_to_row for rows of styled cells: it tries to assign
    each cell as a value, catches the ValueError and makes a spare cell after every styled one;
    this places them, a quarter less time for 100,000 rows."""
    for col_idx, cell in enumerate(row, 1):
        if cell is not None:
            cell.column, cell.row = col_idx, row_idx
            yield cell


def _write_rows(ws, table, columns: list[FieldSpec], styles) -> None:
    """The rows, every cell with its column's style (rows were checked by ``_check_rows``)."""
    ws._values_to_row = _styled_cells  # every row from here on holds cells (the header rows are written)
    where = {name: i for i, name in enumerate(table.header)}
    source = [where.get(spec.name, -1) for spec in columns]
    kinds = [column_kind(spec) for spec in columns]
    for _, cells in table.rows:
        row = []
        for i, kind, style in zip(source, kinds, styles):
            value = to_excel(kind, cells[i]) if i >= 0 else None
            if value is None:
                row.append(None)
                continue
            cell = WriteOnlyCell(ws, value)
            if cell.data_type == "f":  # text that begins with "=" is text, not a formula
                cell.data_type = "s"
            cell._style = style  # the column's style, shared (openpyxl copies nothing per cell)
            row.append(cell)
        ws.append(row)


def _prepare_data_sheet(ws, columns: list[FieldSpec], choices: dict) -> list:
    """Column formats, widths, protection, prompts and lists, and the two header rows; returns
    the style of each column's data cells."""
    styles, labels, names = [], [], []
    for n, spec in enumerate(columns, 1):
        letter, kind = excel_column(n), column_kind(spec)
        fill = None if spec.public else PatternFill("solid", fgColor=_LIGHT_GREY)
        dim = ws.column_dimensions[letter]
        dim.width = _width(spec, kind)
        dim.number_format, dim.protection = FORMATS[kind], _UNLOCKED
        if fill:
            dim.fill = fill
        template = WriteOnlyCell(ws)
        template.number_format, template.protection = FORMATS[kind], _UNLOCKED
        if fill:
            template.fill = fill
        if kind == PROSE:
            template.alignment = Alignment(wrap_text=True, vertical="top")
        styles.append(template._style)
        ws.data_validations.append(_validation(spec, kind, f"{letter}{FIRST_ROW}:{letter}{LAST_ROW}",
                                               choices.get(spec.name)))
        label = WriteOnlyCell(ws, (REQUIRED if spec.required else OPTIONAL) + ("" if spec.public else f" · {PRIVATE}"))
        label.font = Font(bold=spec.required, color=_RED if spec.required else None)
        label.alignment, label.protection = Alignment(horizontal="center"), _LOCKED
        label.fill = PatternFill("solid", fgColor=_BLUE if spec.public else _GREY)
        name = WriteOnlyCell(ws, spec.name)
        name.font = Font(bold=True, color=_RED if spec.required else None)
        name.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        name.fill, name.protection = PatternFill("solid", fgColor=_BLUE if spec.public else _GREY), _LOCKED
        labels.append(label)
        names.append(name)
    ws.freeze_panes = f"A{FIRST_ROW}"
    # the header rows are locked; the data cells and every empty cell below are not.  Editors
    # may add, delete, sort and filter rows and widen columns, not rename or move the columns.
    p = ws.protection
    p.sheet = True
    p.insertRows = p.deleteRows = p.sort = p.autoFilter = p.formatColumns = p.formatRows = False
    ws.append(labels)
    ws.append(names)
    return styles


def _validation(spec: FieldSpec, kind: str, cells: str, source: str | None) -> DataValidation:
    need = REQUIRED if spec.required else OPTIONAL
    prompt = f"{need}{'，不公开' if not spec.public else ''}。{spec.description}"
    dv = DataValidation(sqref=cells, allow_blank=True, showInputMessage=True, showErrorMessage=True,
                        promptTitle=_cut(spec.name, PROMPT_TITLE_MAX), prompt=_cut(prompt, PROMPT_MAX),
                        errorTitle=_cut(spec.name, PROMPT_TITLE_MAX))
    if source is not None:
        dv.type, dv.formula1 = "list", source
        if spec.separators:  # several values: the list offers each one, a combination is allowed
            dv.errorStyle = "information"
            dv.error = _cut(f"可填写多个，用“{spec.separators[0]}”分隔；每一项须为下拉列表中的值。", ERROR_MAX)
        else:
            dv.errorStyle = "stop"
            dv.error = _cut("请从下拉列表中选择" + ("（执法主体须已在 data/agencies.yaml 中登记）"
                                                   if spec.references == "agencies" else ""), ERROR_MAX)
    elif kind == DATE:
        dv.type, dv.operator, dv.errorStyle = "date", "between", "warning"
        dv.formula1, dv.formula2 = "DATE(1990,1,1)", "DATE(2099,12,31)"
        dv.error = f"请输入日期，{DATE_HELP}。"
    elif kind in (NUMBER, INTEGER):
        dv.type, dv.errorStyle = ("whole" if kind == INTEGER else "decimal"), "warning"
        dv.operator, dv.formula1, dv.formula2 = "between", str(spec.minimum if spec.minimum is not None
                                                                else -NUMBER_LIMIT), str(NUMBER_LIMIT)
        dv.error = "请输入数字（不带“元”等单位）" + (f"，不小于 {spec.minimum}" if spec.minimum is not None else "") + "。"
    elif spec.max_length:
        dv.type, dv.operator, dv.formula1, dv.errorStyle = "textLength", "lessThanOrEqual", str(spec.max_length), "stop"
        dv.error = f"最多 {spec.max_length} 个字。"
    else:
        dv.showErrorMessage = False
    return dv


def _write_lists(ws, columns: list[FieldSpec], agencies: list[str]) -> dict[str, str]:
    """One column per drop-down list on the hidden sheet; column name → the list's range."""
    lists = {}
    for spec in columns:
        values = list(spec.enum or ()) or (agencies if spec.references == "agencies" else [])
        if values:
            lists[spec.name] = values
    found = {}
    sheet = quote_sheetname(LISTS_SHEET)
    for n, (name, values) in enumerate(lists.items(), 1):
        letter = excel_column(n)
        found[name] = f"{sheet}!${letter}$2:${letter}${len(values) + 1}"
    ws.append(list(lists))
    for i in range(max((len(v) for v in lists.values()), default=0)):
        ws.append([v[i] if i < len(v) else None for v in lists.values()])
    ws.protection.sheet = True
    return found


def _write_help(ws, target: Target, columns: list[FieldSpec], agencies: list[str]) -> None:
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 24
    for letter in "CDE":
        ws.column_dimensions[letter].width = 8
    ws.column_dimensions["F"].width = 40
    ws.column_dimensions["G"].width = 80
    title = WriteOnlyCell(ws, f"{target.title}（{target.file}）填写说明")
    title.font = Font(bold=True, size=14)
    ws.append([title])
    for line in (
        f"填好后运行 gongshi import 本文件.xlsx，校验通过才会写回 {target.file}；有错误时按提示的工作表、行号和列修改后再导入。",
        "第 1 行标明必填（红色）或选填；灰色的列“不公开”，只供内部核对，永远不会发布到网站上（规则 P3.1）。",
        "不要修改第 2 行的列名，也不要增删列；行可以插入、删除、排序和筛选。号码和代码列已设为“文本”，请照原样输入。",
        f"日期{DATE_HELP}；金额只填数字，不带“元”。已公示的记录不要删除：撤下或撤销请填写状态、状态日期和状态说明。",
    ):
        ws.append([line])
    ws.append([])
    header = []
    for text in ("列", "列名", "必填", "公开", "类型", "格式或可选值", "说明"):
        cell = WriteOnlyCell(ws, text)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for n, spec in enumerate(columns, 1):
        kind = column_kind(spec)
        ws.append([excel_column(n), spec.name, "是" if spec.required else "否",
                   "公开" if spec.public else PRIVATE, KIND_NAMES[kind], _format_help(spec, kind, agencies),
                   spec.description])


def _format_help(spec: FieldSpec, kind: str, agencies: list[str]) -> str:
    if kind == DATE:
        return DATE_HELP
    if spec.enum:
        joined = "、".join(spec.enum)
        return f"{joined}（可填多个，用“{spec.separators[0]}”分隔）" if spec.separators else joined
    if spec.references == "agencies":
        return f"执法主体全称（data/agencies.yaml，共 {len(agencies)} 个）"
    parts = []
    if kind in (NUMBER, INTEGER):
        parts.append("整数" if kind == INTEGER else "数字，不带单位")
        if spec.minimum is not None:
            parts.append(f"不小于 {spec.minimum}")
    if spec.pattern:
        parts.append(f"格式 {spec.pattern}")
    if spec.max_length:
        parts.append(f"最多 {spec.max_length} 字")
    return "，".join(parts)


def _width(spec: FieldSpec, kind: str) -> float:
    if kind == DATE:
        return 12
    if kind == PROSE:
        return 40
    return min(max(len(spec.name) * 2 + 2, (spec.max_length or 10) + 2, 10), 40)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _save(wb, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        install(Path(tmp), out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
