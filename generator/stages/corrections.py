"""Validate, the corrections log (P5.1): its rows in, each correction tied to the record it
corrects out — or positioned problems.  A row names its record by number (the dataset key's last
column, matched as keys are, I3) or by the record's id."""

from __future__ import annotations

from dataclasses import dataclass

from ..cells import CellError, cell_parser, check_header, key_part
from ..conceal import mask_value, row_concealer
from ..diagnostics import Diagnostic, diag
from ..model import Correction, RawTable
from ..privacy import cell_scanner
from ..schema import FieldSpec, TableSchema


@dataclass(frozen=True)
class PendingCorrection:
    """A row of the corrections log before its record is found."""

    dataset: str
    ref: str             # what the editor wrote: the record's id, or its number (the key's last column)
    on: object           # date
    shown: tuple
    line: int
    ref_col: int
    ref_shown: str = ""  # the reference as a report may quote it: masked when 记录 is private


def validate_corrections(table: RawTable, schema: TableSchema, datasets: set[str],
                         problems: list[Diagnostic]) -> list[PendingCorrection]:
    cols = check_header(table, schema, problems)
    if cols is None:
        return []
    parsers = [cell_parser(spec) for spec in schema.fields]
    index = {spec.name: i for i, spec in enumerate(schema.fields)}
    public = [(i, s) for i, s in enumerate(schema.fields) if s.public]
    scan = cell_scanner([(c, s.name) for c, s in zip(cols, schema.fields) if c >= 0 and s.scanned_for_personal_data])
    width, out = len(table.header), []
    conceal_row = row_concealer(schema.fields, cols, key_part)
    for line, cells in table.rows:
        if len(cells) != width:
            problems.append(diag("E-ROW-LENGTH", table.path, line, got=len(cells), expected=width))
            continue
        values, bad, found = [], False, []
        hidden = set()  # cells holding personal data (P3.3): reported as such, and only as such
        for c, column, kind, masked in scan(cells):
            found.append(diag("E-PERSONAL-DATA", table.path, line, c + 1, column=column, kind=kind, masked=masked))
            hidden.add(column)
            bad = True
        for spec, parse, c in zip(schema.fields, parsers, cols):
            try:
                values.append(parse(cells[c]) if c >= 0 else None)
            except CellError as err:
                if spec.name not in hidden:
                    found.append(diag(err.code, table.path, line, c + 1, column=spec.name, **err.params))
                values.append(None)
                bad = True
        dataset, ref, on = (values[index[n]] for n in ("数据集", "记录", "更正日期"))
        for name, value in (("数据集", dataset), ("记录", ref), ("更正日期", on)):
            if value is None and not bad:
                found.append(diag("E-REQUIRED", table.path, line, cols[index[name]] + 1, column=name))
                bad = True
        if dataset is not None and dataset not in datasets:
            found.append(diag("E-CORRECTION-REF", table.path, line, cols[index["数据集"]] + 1,
                              detail=f"数据集“{dataset}”不在 site_config.yaml 中"))
            bad = True
        problems.extend(conceal_row(found, cells, values))  # private values never reach a log (P3.1)
        if not bad:
            shown = tuple((s.name, _shown(values[i])) for i, s in public)
            ref = str(ref).strip()
            out.append(PendingCorrection(dataset, ref, on, shown, line, cols[index["记录"]] + 1,
                                         ref if schema.field("记录").public else mask_value(ref)))
    return out


def resolve_corrections(pending: list[PendingCorrection], path: str, numbers: dict,
                        number_spec: FieldSpec | None, problems: list[Diagnostic]) -> dict:
    """Corrections by record id, oldest first.  ``numbers``: the key's last column → ids, over
    every row of the dataset (see ``validate_table``); a number is matched as keys are (I3)."""
    found: dict[str, list] = {}
    ids = {i for found_ids in numbers.values() for i in found_ids}
    for c in pending:
        if c.ref in ids:
            matches = [c.ref]
        else:
            matches = numbers.get(key_part(number_spec, c.ref), [])
        if len(matches) != 1:
            problems.append(diag("E-CORRECTION-REF", path, c.line, c.ref_col, detail=(
                f"“{c.ref_shown or c.ref}”在数据集 {c.dataset} 中{'对应多条记录，请改填记录标识（网址中的 16 位编号）' if matches else '找不到对应的记录'}")))
            continue
        found.setdefault(matches[0], []).append(Correction(c.dataset, matches[0], c.on, c.shown, path, c.line))
    return {k: tuple(sorted(v, key=lambda c: (c.on, c.line))) for k, v in found.items()}


def _shown(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return "、".join(value) if isinstance(value, tuple) else str(value)
