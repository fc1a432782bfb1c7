"""The ledger: the repository's memory of every record that was ever published (P5.2, P6).

The build sees only today's files.  A published record whose row is deleted (the natural Excel
move, instead of setting 状态 to 撤下) would vanish without a tombstone, and a consumer that
synced it would keep it forever.  ``ledger.csv`` at the site's root lists every record the site
has shown — its dataset, id, number (the key's last column, when public), the day it was first
shown, its 公示截止期, and, once it has left by withdrawal or deletion, the day and the reason.
It is an input like the datasets (so the build stays a pure function of its inputs and the as-of
date), it is kept in git with them, and only ``gongshi ledger`` writes it (run by the CI workflow
on every push to main and every day before the rebuild, which commits it).

What the build does with it (``apply``):
- a ledger record missing from the data is **deleted**: the build puts it back as a withdrawn
  record with the reason "删除（未按规定撤下）" — a tombstone in its feed, 410 Gone with a notice
  at its URL, listed among the withdrawn ones in the JSON export and ``index.json`` — dated the
  day the ledger recorded the deletion (the as-of date until it is recorded);
- a record that the ledger knows as withdrawn or deleted is **never resurrected**: if its row
  says it is shown again, it stays withdrawn with the ledger's reason and day (a warning).
Expiry is not recorded: it follows from the data and the as-of date.

The ledger holds no private value: ids, public numbers, dates and reasons — but the numbers of
expired records, which must leave every output (P2.3), so it is never published itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .cells import key_part
from .config import STATUS_DELETED, STATUS_WITHDRAWN
from .dates import parse_date
from .diagnostics import Diagnostic, diag
from .model import Layout, Lifecycle, Record
from .stages.read import read_table
from .visibility import Visibility, visibility

LEDGER_FILE = "ledger.csv"
COLUMNS = ("数据集", "记录标识", "编号", "公示日期", "公示截止期", "离开日期", "离开原因")
DELETED = STATUS_DELETED                  # the reason of a record whose row was deleted
GONE_REASONS = STATUS_WITHDRAWN
DELETED_NOTE = "该记录已从公示数据中删除，未办理撤下手续；本网站依据公示台账将其撤下。"
SHOWN = (Visibility.LISTED, Visibility.WITHDRAWN, Visibility.REPAIRED, Visibility.EXPIRED)  # has been on the site


@dataclass(frozen=True, slots=True)
class Entry:
    dataset: str
    id: str
    number: str
    published_on: date
    last_day: date | None      # 公示截止期; None: 长期
    gone_on: date | None = None
    gone: str = ""             # one of GONE_REASONS when gone_on is set
    line: int = 0              # in ledger.csv (0: not written yet)

    def row(self) -> tuple[str, ...]:
        return (self.dataset, self.id, self.number, self.published_on.isoformat(),
                self.last_day.isoformat() if self.last_day else "长期",
                self.gone_on.isoformat() if self.gone_on else "", self.gone)

    def cut_short(self) -> bool:
        """Whether the record left before its display period ended (else it had expired already)."""
        return self.gone_on is not None and (self.last_day is None or self.gone_on <= self.last_day)


Ledger = dict  # dataset → {record id → Entry}


# ---------------------------------------------------------------- reading and writing

def read_ledger(root: Path, problems: list[Diagnostic]) -> Ledger:
    """The ledger at ``root`` ({} when there is none yet); each bad row is an E-LEDGER problem."""
    if not (root / LEDGER_FILE).is_file():
        return {}
    table = read_table(root, LEDGER_FILE, problems)
    if table is None:
        return {}
    if tuple(table.header) != COLUMNS:
        problems.append(diag("E-LEDGER", LEDGER_FILE, 1, detail=f"表头应为 {','.join(COLUMNS)}"))
        return {}
    ledger: Ledger = {}
    for line, cells in table.rows:
        entry = _entry(cells, line)
        if isinstance(entry, str):
            problems.append(diag("E-LEDGER", LEDGER_FILE, line, detail=entry))
            continue
        mine = ledger.setdefault(entry.dataset, {})
        if entry.id in mine:
            problems.append(diag("E-LEDGER", LEDGER_FILE, line, detail=f"记录 {entry.id} 出现了两次"))
            continue
        mine[entry.id] = entry
    return ledger


def _entry(cells: tuple, line: int) -> Entry | str:
    if len(cells) != len(COLUMNS):
        return f"本行有 {len(cells)} 个单元格，应有 {len(COLUMNS)} 个"
    dataset, rid, number, published, last, gone_on, gone = cells
    if not dataset or len(rid) != 16:
        return "数据集和 16 位记录标识不能为空"
    published_on, gone_day = parse_date(published), parse_date(gone_on) if gone_on else None
    last_day = None if last == "长期" else parse_date(last)
    if published_on is None or (last != "长期" and last_day is None) or (gone_on and gone_day is None):
        return "日期应写成 YYYY-MM-DD（公示截止期可为“长期”）"
    if bool(gone_day) != bool(gone) or (gone and gone not in GONE_REASONS):
        return f"离开日期和离开原因须同时填写，原因为 {' / '.join(GONE_REASONS)} 之一"
    return Entry(dataset, rid, number, published_on, last_day, gone_day, gone, line)


def write_ledger(root: Path, ledger: Ledger) -> None:
    """The canonical CSV (UTF-8 with BOM, LF), one line a record, by dataset and first day shown."""
    from .excel.canonical import write_csv  # the repository's one CSV writer

    entries = sorted((e for mine in ledger.values() for e in mine.values()),
                     key=lambda e: (e.dataset, e.published_on, e.number, e.id))
    write_csv(root / LEDGER_FILE, COLUMNS, (e.row() for e in entries))


# ---------------------------------------------------------------- updating (gongshi ledger)

def update(ledger: Ledger, tables: dict, as_of: date) -> Ledger:
    """The ledger after ``as_of``: every record shown by then added, withdrawals recorded, and the
    records of the ledger no longer in their dataset recorded as deleted on ``as_of``.  ``tables``:
    every dataset's full validated records (a load without errors: a row with an error would
    read as deleted)."""
    out: Ledger = {name: dict(mine) for name, mine in ledger.items()}
    for name, (ds, schema, records) in tables.items():
        if ds.internal:
            continue
        mine = out.setdefault(name, {})
        number_field = ds.key[-1]
        public_number = schema.field(number_field) is not None and schema.field(number_field).public
        seen = set()
        for r in records:
            seen.add(r.id)
            life = r.life
            entry = mine.get(r.id)
            if entry is None:
                if visibility(life, as_of) not in SHOWN:
                    continue
                number = key_part(schema.field(number_field), r.get(number_field)) if public_number else ""
                entry = Entry(name, r.id, number, life.published_on, life.last_day)
            elif entry.last_day != life.last_day and entry.gone_on is None:
                entry = dataclasses.replace(entry, last_day=life.last_day)
            if _withdrawn(life, as_of) and (entry.gone_on is None or entry.gone == DELETED):
                entry = dataclasses.replace(entry, gone=life.status, gone_on=life.status_on)  # handled
            mine[r.id] = entry
        for rid, entry in mine.items():
            if rid not in seen and entry.gone_on is None:
                mine[rid] = dataclasses.replace(entry, gone=DELETED, gone_on=as_of)
    return {name: mine for name, mine in out.items() if mine}


def _withdrawn(life: Lifecycle, as_of: date) -> bool:
    return life.status in STATUS_WITHDRAWN and life.status_on is not None and life.status_on <= as_of


# ---------------------------------------------------------------- the build

def apply(records: Iterable[Record], entries: dict, ds, schema, as_of: date,
          problems: list[Diagnostic], numbers: dict | None = None) -> Iterator[Record]:
    """A dataset's validated records as the ledger lets them be shown: none resurrected, and the
    deleted ones back as withdrawn records holding their number and nothing else.  ``numbers``
    (number → ids, for the corrections log) learns the deleted records' numbers, so that a
    correction of a record whose row is gone still finds it instead of stopping the build."""
    seen = set()
    status_col = ds.role("status")
    for r in records:
        seen.add(r.id)
        entry = entries.get(r.id)
        if entry is not None and entry.gone_on is not None and entry.gone_on <= as_of \
                and not _withdrawn(r.life, as_of):
            problems.append(diag("W-RECORD-RESURRECTED", r.path, r.line, dataset=ds.name, record=entry.number or r.id,
                                 gone=entry.gone, gone_on=entry.gone_on.isoformat(), column=status_col))
            r = dataclasses.replace(r, life=dataclasses.replace(r.life, status=entry.gone, status_on=entry.gone_on))
        yield r
    layout = Layout(schema.names)
    for rid, entry in entries.items():
        if rid in seen or entry.published_on > as_of:
            continue
        gone_on = entry.gone_on or as_of
        if numbers is not None and entry.number and rid not in (same := numbers.setdefault(entry.number, [])):
            same.append(rid)
        if unhandled(entry):
            problems.append(diag("W-RECORD-DELETED", LEDGER_FILE, entry.line, dataset=ds.name,
                                 record=entry.number or rid, gone_on=gone_on.isoformat()))
        yield deleted_record(ds, layout, entry, DELETED if entry.gone_on is None else entry.gone, gone_on)


def unhandled(entry: Entry) -> bool:
    """A record missing from its dataset that left by deletion while it was still due to be shown
    (not one withdrawn properly, or expired, before its row was removed)."""
    return entry.gone_on is None or (entry.gone == DELETED and entry.cut_short())


def deleted_record(ds, layout: Layout, entry: Entry, reason: str, gone_on: date) -> Record:
    """A record whose row is gone, as the ledger remembers it: its number, and why and when it left."""
    values = [None] * len(layout.names)
    note = DELETED_NOTE if reason == DELETED else ""
    for name, value in ((ds.key[-1], entry.number or None), (ds.role("status"), reason),
                        (ds.role("status_on"), gone_on), (ds.role("published_on"), entry.published_on),
                        (ds.role("status_note"), note)):
        if name in layout.index:
            values[layout.index[name]] = value
    life = Lifecycle(published_on=entry.published_on, reviewed_on=entry.published_on, status=reason,
                     status_on=gone_on, period_start=None, last_day=entry.last_day, period_label="",
                     period_basis="", deadline=None, deadline_provisional=False)
    return Record(ds.name, entry.id, LEDGER_FILE, entry.line, layout, tuple(values), life)


# ---------------------------------------------------------------- the check

def findings(ledger: Ledger, tables: dict, as_of: date, broken: set = frozenset()) -> list[Diagnostic]:
    """E-RECORD-DELETED for each published record whose row is missing (until the row is back,
    withdrawn), E-RECORD-RESURRECTED for each record shown again after it left, and
    W-LEDGER-STALE for the records shown before today that the ledger does not know yet.
    ``broken``: the files with errors, whose rejected rows are not missing."""
    out = []
    for name, (ds, _schema, records) in tables.items():
        if ds.internal or ds.file in broken:
            continue
        entries = ledger.get(name, {})
        seen, stale = set(), 0
        for r in records:
            seen.add(r.id)
            entry = entries.get(r.id)
            if entry is None:
                if visibility(r.life, as_of) in SHOWN and r.life.published_on < as_of:
                    stale += 1
            elif entry.gone_on is not None and entry.gone_on <= as_of and not _withdrawn(r.life, as_of):
                out.append(diag("E-RECORD-RESURRECTED", r.path, r.line, dataset=name, record=entry.number or r.id,
                                gone=entry.gone, gone_on=entry.gone_on.isoformat(), column=ds.role("status")))
        for rid, entry in entries.items():
            if rid not in seen and entry.published_on <= as_of and unhandled(entry):
                out.append(diag("E-RECORD-DELETED", LEDGER_FILE, entry.line, dataset=name, record=entry.number or rid,
                                gone_on=(entry.gone_on or as_of).isoformat()))
        if stale:
            out.append(diag("W-LEDGER-STALE", LEDGER_FILE, dataset=name, count=stale))
    return out


# ---------------------------------------------------------------- gongshi ledger

def run(root: Path, as_of: date) -> tuple[object, dict | None]:
    """Update ``ledger.csv`` at ``root`` for ``as_of``: (the load's report, counts of what changed),
    or (report, None) when the inputs have errors and nothing was written."""
    from .diagnostics import Report
    from .load import load

    report = Report()
    keep = load(root, as_of, report, full_records=True)
    old = read_ledger(root, [])  # read by the load already: its problems are in the report
    if report.errors or keep.config is None:
        return report, None
    new = update(old, keep.tables, as_of)
    counts = {"added": 0, "withdrawn": 0, "deleted": 0}
    for name, mine in new.items():
        for rid, entry in mine.items():
            before = old.get(name, {}).get(rid)
            if before is None:
                counts["added"] += 1
            if entry.gone and (before is None or before.gone != entry.gone):
                counts["deleted" if entry.gone == DELETED else "withdrawn"] += 1
    if new != old or not (root / LEDGER_FILE).is_file():
        write_ledger(root, new)
    return report, counts
