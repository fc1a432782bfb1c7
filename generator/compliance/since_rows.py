"""REV's records for ``check --since`` without loading REV's whole site: only the rows the change
touched are read from git and validated.

Loading REV like the working tree (every row validated again) doubled the check's time at 100,000
records (issue 12 asks ≤ 30 s).  The editors' daily change touches dataset CSVs and the
corrections log only.  Then a row whose cells are the same at REV as in the working tree,
validated against the same configuration, schema, departments and calendar, is the same record,
shown the same way on the same as-of date: REV's state reuses the working tree's record for it,
and only REV's rows that differ are validated.  Any other change (the configuration, a schema,
the departments, a calendar, a dataset that another one's rows are checked against) returns None:
REV is then loaded whole.

One difference from a whole load, on purpose: REV's rows that differ are checked for duplicate
keys among themselves only, not against the rows they share with the working tree; REV's own
errors are not this change's (since.py).
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..config import CONFIG_FILE
from ..diagnostics import Report
from ..gitrev import changed_files, file_at
from ..load import Loaded, hearings_held, read_corrections
from ..model import RawTable
from ..stages.read import input_files, read_table
from ..stages.validate import Context, validate_table


@dataclass(frozen=True)
class Delta:
    """What REV held that the working tree does not, dataset by dataset."""

    same: dict           # dataset → lines of the working tree's records whose row is unchanged at REV
    records: dict        # dataset → REV's records validated from its rows that differ
    absent: frozenset    # datasets whose CSV did not exist at REV
    corrections: dict | None  # REV's corrections log by dataset; None: the log did not change


def changed_rows_only(root: Path, rev: str, config) -> set[str] | None:
    """The inputs that differ between REV and the working tree, when they are only datasets' CSVs
    and the corrections log; None when REV must be loaded whole."""
    top = Path(root).resolve()
    inputs = [CONFIG_FILE]
    for name in input_files(config):
        path = (top / name).resolve()
        if path.is_relative_to(top):  # the calendars shipped with the tool are the same tool's
            inputs.append(path.relative_to(top).as_posix())
    changed = changed_files(root, rev, inputs)
    free = set(_row_files(config))
    if config.corrections:
        free.add(config.corrections.file)
    return changed if changed <= free else None


def _row_files(config) -> dict:
    """CSV → dataset, of the datasets whose rows no other dataset's rows are checked against
    (the hearings are: L2)."""
    read_by_others = {ds.major.hearing.dataset for ds in config.datasets if ds.major and ds.major.hearing}
    return {ds.file: ds for ds in config.datasets if ds.name not in read_by_others}


def delta(root: Path, rev: str, keep: Loaded) -> Delta | None:
    """REV's rows that differ from the working tree's, validated; None when the change touches
    more than the datasets' CSVs and the corrections log (then REV must be loaded whole)."""
    config = keep.config
    if config is None:
        return None
    changed = changed_rows_only(root, rev, config)
    if changed is None:
        return None
    if not changed:
        return Delta({}, {}, frozenset(), None)
    by_file = _row_files(config)
    log = config.corrections.file if config.corrections else None
    ctx = Context(frozenset(a.name for a in keep.agencies), keep.calendar, {a.name: a.level for a in keep.agencies},
                  hearings_held(root, config), None)  # as a whole load of REV: today unchecked
    same, records, absent = {}, {}, set()
    with tempfile.TemporaryDirectory(prefix="gongshi-since-") as tmp:
        for path in sorted(changed):
            ds = by_file.get(path)
            if ds is None or ds.internal or ds.name not in keep.tables:
                continue
            old = _checkout(root, rev, path, Path(tmp))
            if old is None:
                absent.add(ds.name)
                continue
            same[ds.name], todo = _unchanged(root, path, old, keep.tables[ds.name].records)
            table = keep.tables[ds.name]
            records[ds.name] = tuple(validate_table(RawTable(path, old.header, iter(todo)), ds, table.schema, ctx, []))
        corrections = None
        if log in changed:
            _checkout(root, rev, log, Path(tmp))
            schema = Path(tmp) / config.corrections.schema
            schema.parent.mkdir(parents=True, exist_ok=True)
            schema.write_bytes((Path(root) / config.corrections.schema).read_bytes())
            corrections = read_corrections(Path(tmp), config, Report(1))
    return Delta(same, records, frozenset(absent), corrections)


def _checkout(root: Path, rev: str, path: str, tmp: Path) -> RawTable | None:
    """REV's version of the CSV ``path``, written under ``tmp`` and opened; None if absent then."""
    data = file_at(root, rev, path)
    if data is None:
        return None
    target = tmp / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return read_table(tmp, path, [])


def _unchanged(root: Path, path: str, old: RawTable, records) -> tuple[frozenset, list]:
    """(lines of the working tree's valid records whose cells REV holds unchanged, REV's other
    rows).  Rows are matched by their cells, whatever their line: a row deleted above moves the
    rest up; the same cells twice are paired one to one."""
    now = read_table(root, path, [])
    if now is None or now.header != old.header:
        return frozenset(), list(old.rows)
    by_cells: dict = {}
    for line, cells in now.rows:
        by_cells.setdefault(_digest(cells), []).append(line)
    valid = {r.line for r in records}
    same, todo = set(), []
    for line, cells in old.rows:
        lines = by_cells.get(_digest(cells))
        if lines and lines[-1] in valid:
            same.add(lines.pop())
        else:
            todo.append((line, cells))
    return frozenset(same), todo


def _digest(cells: tuple) -> bytes:
    """A row's cells, as 16 bytes: 100,000 rows are not held twice as Python strings."""
    return hashlib.blake2b("\x1f".join(cells).encode("utf-8", "surrogatepass"), digest_size=16).digest()
