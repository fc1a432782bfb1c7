"""``gongshi import``: a workbook in, the dataset's CSV out in the canonical form — only when the
sheet passes the build's own checks.

The rows are validated by the validate stage itself (``validate_table``, or ``validate_corrections``
for the corrections log) with the site's schema, departments and calendar, and cross-checked with
the corrections log as the build does.  While they stream through, they are spooled to a
temporary file; once the whole sheet is known to be valid, the spool is written in the canonical
form (``canonical.py``).  Problems are positioned as Excel shows them: sheet, row, column letter
and column name.
"""

from __future__ import annotations

import csv
import hashlib
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from ..diagnostics import Diagnostic, Report, Severity, diag, excel_column
from ..model import RawTable
from ..load import read_corrections
from ..schema import load_schema
from ..stages.corrections import resolve_corrections, validate_corrections
from ..stages.read import read_table
from ..stages.validate import validate_table
from .canonical import canonical_header, write_csv
from .sheet import SheetError, data_sheet, dataset_of, open_workbook, read_sheet
from .source import (CORRECTIONS, CORRECTIONS_TITLE, SourceError, Target, load_context, load_site_config,
                     load_target, target_names)


@dataclass(frozen=True)
class Problem:
    """A problem of the import: where Excel shows it (sheet, row, letter, column name) when it is in
    the workbook, else the build's own position (another file: agencies.yaml, the corrections log)."""

    diagnostic: Diagnostic
    sheet: str = ""
    row: int = 0
    letter: str = ""
    column: str = ""

    @property
    def code(self) -> str:
        return self.diagnostic.code

    @property
    def severity(self) -> Severity:
        return self.diagnostic.severity

    def format(self) -> str:
        d = self.diagnostic
        if not self.sheet:
            return d.format()
        where = f"{d.path} 工作表“{self.sheet}”"
        if self.row:
            where += f" 第{self.row}行"
        if self.letter:
            where += f" {self.letter}列" + (f"“{self.column}”" if self.column else "")
        return replace(d, path=where, row=0, column=0).format()


@dataclass
class ImportResult:
    dataset: str = ""
    file: str = ""               # the CSV, relative to the site root
    sheet: str = ""
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: bool = False
    changed: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]


def import_workbook(root: Path, xlsx: Path, dataset: str | None = None, today: date | None = None) -> ImportResult:
    """Validate the workbook ``xlsx`` and, when it has no errors, write its dataset's CSV.
    Raises UnknownDataset for a ``dataset`` the site does not have (a usage error).  ``today``:
    the real date, after which no event date can be, as in the build (None: not checked)."""
    result = ImportResult()
    shown = xlsx.name
    try:
        config = load_site_config(root)
        wb = open_workbook(xlsx, shown)
    except SourceError as exc:
        result.problems = [Problem(d) for d in exc.diagnostics]
        return result
    except SheetError as exc:
        result.problems = [Problem(exc.diagnostic, sheet="?")]
        return result
    try:
        return _import(root, config, wb, xlsx, shown, dataset, result, today)
    finally:
        wb.close()


def _import(root, config, wb, xlsx, shown, dataset, result, today=None) -> ImportResult:
    titles = {name: _title(config, name) for name in target_names(config)}
    name = dataset or dataset_of(wb, xlsx, titles)
    if name is None:
        result.problems = [Problem(diag("E-XLSX-DATASET", shown, detail=f"可用的数据集：{'、'.join(titles)}"),
                                   sheet=wb.sheetnames[0])]
        return result
    try:
        target = load_target(root, config, name)
        ctx = replace(load_context(root, config), today=today)
    except SourceError as exc:
        result.problems = [Problem(d) for d in exc.diagnostics]
        return result
    result.dataset, result.file = target.name, target.file
    ws = data_sheet(wb, target)
    result.sheet = ws.title
    read_problems: list[Diagnostic] = []
    try:
        sheet = read_sheet(wb, ws, target, shown, read_problems)
    except SheetError as exc:
        result.problems = [Problem(exc.diagnostic, sheet=ws.title)]
        return result
    checked: list[Diagnostic] = []   # the validate stage's, columns counted in the table
    elsewhere: list[Diagnostic] = []  # positioned in other files
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
        writer = csv.writer(spool, lineterminator="\n")
        filled: set[int] = set()
        count = [0]

        def spooled():
            for row_no, cells in sheet.rows:
                writer.writerow(cells)
                filled.update(i for i, c in enumerate(cells) if c)
                count[0] += 1
                yield row_no, cells

        table = RawTable(shown, sheet.header, spooled())
        _validate(root, config, target, ctx, table, checked, elsewhere)
        for _ in table.rows:  # a header problem stops the validator: the reader still reports every cell
            pass
        result.rows = count[0]
        result.problems = _positioned(sheet, shown, read_problems, checked, elsewhere)
        if result.errors:
            return result
        spool.seek(0)
        result.changed = _write(root, target, sheet.header, {sheet.header[i] for i in filled}, csv.reader(spool))
        result.written = True
    return result


def _validate(root, config, target: Target, ctx, table: RawTable, checked: list, elsewhere: list) -> None:
    """The build's checks of the table; cross-checks with the corrections log as the build makes them."""
    if target.dataset is None:  # the corrections log: its rows must name records that exist
        published = {ds.name for ds in config.datasets if not ds.internal}
        pending: dict = {}
        for c in validate_corrections(table, target.schema, published, checked):
            pending.setdefault(c.dataset, []).append(c)
        for ds_name, corrections in pending.items():
            ds = config.dataset(ds_name)
            numbers = _numbers(root, ds, ctx)
            if numbers is not None:
                resolve_corrections(corrections, table.path, numbers, _key_spec(root, ds), checked)
        return
    ds = target.dataset
    report = Report()
    pending = read_corrections(root, config, report).get(ds.name) if config.corrections else None
    numbers = {} if pending else None
    for _ in validate_table(table, ds, target.schema, ctx, checked, numbers):
        pass
    if pending and not any(d.severity is Severity.ERROR for d in checked):
        # a changed 文号 would leave the log's corrections of it pointing nowhere: the build fails then
        resolve_corrections(pending, config.corrections.file, numbers, target.schema.field(ds.key[-1]), elsewhere)


def _numbers(root, ds, ctx) -> dict | None:
    """The key's last column → record ids of a dataset's CSV, as the build finds them."""
    scratch: list[Diagnostic] = []
    try:
        schema = load_schema(root, ds.schema)
    except Exception:  # noqa: BLE001 — the build reports a broken schema; here it only means: cannot check
        return None
    table = read_table(root, ds.file, scratch)
    if table is None:
        return None
    numbers: dict = {}
    for _ in validate_table(table, ds, schema, ctx, scratch, numbers):
        pass
    return numbers


def _key_spec(root, ds):
    try:
        return load_schema(root, ds.schema).field(ds.key[-1])
    except Exception:  # noqa: BLE001
        return None


def _positioned(sheet, shown: str, read: list, checked: list, elsewhere: list) -> list[Problem]:
    """Every problem where Excel shows it; one problem per cell (the reader's first); errors first."""
    out, seen = [], set()
    for d in read:  # columns counted as Excel counts them
        seen.add((d.row, d.column))
        column = dict(d.params).get("column", "")
        out.append(Problem(d, sheet.title, d.row, excel_column(d.column) if d.column else "", column))
    for d in checked:  # columns counted in the table (the named columns)
        excel_col = sheet.columns[d.column - 1] if 0 < d.column <= len(sheet.columns) else 0
        if d.path == shown and (d.row, excel_col) in seen:
            continue
        if d.path != shown:
            out.append(Problem(d))
            continue
        column = dict(d.params).get("column") or (sheet.header[d.column - 1] if excel_col else "")
        row = sheet.header_row if d.row == 1 else d.row  # the header checks say row 1: the sheet's may be lower
        out.append(Problem(d, sheet.title, row, sheet.letter(d.column), column))
    out += [Problem(d) for d in elsewhere]
    return sorted(set(out), key=lambda p: (p.severity is not Severity.ERROR, p.sheet == "", p.row,
                                           p.letter.rjust(3), p.code, p.format()))


def _write(root: Path, target: Target, sheet_header: tuple[str, ...], filled: set[str], rows) -> bool:
    """Write the spooled rows in the canonical form; whether the file changed."""
    path = root / target.file
    before = _digest(path)
    existing = None
    if before is not None:
        scratch: list = []
        table = read_table(root, target.file, scratch)
        existing = table.header if table is not None else None
    required = {s.name for s in target.schema.fields if s.required}
    header = canonical_header(target.schema.names, existing, filled, required)
    where = {name: i for i, name in enumerate(sheet_header)}
    picks = [where.get(name, -1) for name in header]
    write_csv(path, header, ([cells[i] if i >= 0 else "" for i in picks] for cells in rows))
    return _digest(path) != before


def _digest(path: Path) -> str | None:
    if not path.is_file():
        return None
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _title(config, name: str) -> str:
    return CORRECTIONS_TITLE if name == CORRECTIONS else config.dataset(name).title
