"""``gongshi check --since REV``: what a change does to what was already published.

The public state of every record at the git revision REV is compared with the working tree's,
for the same as-of date (the day of the change).  Consumers (信用中国 and others) read feeds
and their daily archives once; a change that rewrites what they have read without telling them
breaks their copy silently.  So, each with its own code and the record's key:

- a published record's row deleted (E-CHANGE-DELETED, P5.2: withdraw it instead), or hidden
  again (unreviewed, publication date moved ahead: E-CHANGE-UNPUBLISHED);
- a published record's key changed (E-CHANGE-KEY, I3: its id and URL are its key);
- a public value of a listed record changed without a new corrections-log entry for it
  (E-CHANGE-UNLOGGED, P5.1);
- the 公示日期 of a published record changed (E-CHANGE-PUBLISHED-DATE, P8);
- a record newly shown whose 公示日期 is before the day of the change (W-CHANGE-BACKDATED), a new
  correction dated before it (W-CHANGE-CORRECTION-BACKDATED): consumers have read that day.

Internal datasets, and rows that were not published at REV, change freely.  Only public fields
are compared and quoted (P3.1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..cells import key_part
from ..config import ConfigError, load_config
from ..diagnostics import Diagnostic, Report, diag
from ..gitrev import resolve, site_at
from ..load import Loaded, load, read_corrections
from ..meanwhile import Meanwhile, can_fork
from ..visibility import Visibility, visibility
from .common import finding, record_label
from .since_rows import Delta, changed_rows_only, delta

SHOWN = (Visibility.LISTED, Visibility.WITHDRAWN, Visibility.REPAIRED, Visibility.EXPIRED)  # has been on the site
QUOTE = 40  # characters of a changed value quoted in a message


@dataclass(frozen=True, slots=True)
class Shot:
    """A record's public state on the as-of date."""

    record: object           # the validated Record (its position, key and life cycle)
    shown: Visibility
    values: tuple            # public values that are not life-cycle columns, in ``fields`` order


@dataclass(frozen=True)
class State:
    """Every public dataset's records, and the corrections log's rows, at one revision."""

    datasets: dict           # name → (DatasetConfig, fields compared, {id: Shot})
    corrections: frozenset   # (dataset, record reference, date, shown) of every log row
    log: tuple               # (row, path, line) of each log row


def state(root: Path, as_of: date, keep: Loaded | None = None) -> State:
    """The public state of the site at ``root``; ``keep``: a load already made (the check's).
    At REV, the records that validated are the state: REV's own errors are not this change's."""
    if keep is None:
        keep = load(root, as_of, Report(1), full_records=True)
    if keep.config is None:
        return State({}, frozenset(), ())
    datasets = {}
    for name, (ds, schema, records) in keep.tables.items():
        if ds.internal:
            continue
        skip = {ds.role(r) for r in ("published_on", "reviewed_on", "status", "status_on", "status_note")}
        fields = tuple(f.name for f in schema.fields if f.public and f.name not in skip)
        datasets[name] = (ds, fields, _shots(records, fields, as_of))
    return State(datasets, *_log(read_corrections(root, keep.config, Report(1)), keep.config))


def _shots(records, fields: tuple, as_of: date) -> dict:
    return {r.id: Shot(r, visibility(r.life, as_of), tuple(r.get(f) for f in fields)) for r in records}


def _log(by_dataset: dict, config) -> tuple[frozenset, tuple]:
    rows, log = set(), []
    for dataset, pending in by_dataset.items():
        for c in pending:
            row = (dataset, c.ref, c.on, c.shown)
            rows.add(row)
            log.append((row, config.corrections.file, c.line))
    return frozenset(rows), tuple(log)


def state_before(now: State, change: Delta, as_of: date, config) -> State:
    """REV's public state from the working tree's and the rows the change touched (since_rows.py):
    a record whose row is unchanged is the working tree's."""
    datasets = {}
    for name, (ds, fields, shots) in now.datasets.items():
        if name in change.absent:
            continue
        if name not in change.same:
            datasets[name] = (ds, fields, shots)
            continue
        lines = change.same[name]
        old = {rid: s for rid, s in shots.items() if s.record.line in lines}
        for rid, s in _shots(change.records[name], fields, as_of).items():
            old.setdefault(rid, s)
        datasets[name] = (ds, fields, old)
    if change.corrections is None:
        return State(datasets, now.corrections, now.log)
    return State(datasets, *_log(change.corrections, config))


@dataclass(frozen=True, slots=True)
class Past:
    """What the comparison needs of a record at REV, light enough to come back from the process
    that loaded REV: its id, position, key and 公示日期."""

    id: str
    path: str
    line: int
    life: "PastLife"
    keys: tuple              # (column, value) of its key columns

    def get(self, name):
        return next((v for k, v in self.keys if k == name), None)


@dataclass(frozen=True, slots=True)
class PastLife:
    published_on: date | None


def _light(whole: State, keys: dict) -> State:
    """``keys``: dataset → the working tree's key columns, by which findings name REV's records
    (a key column may have changed too)."""
    datasets = {}
    for name, (ds, fields, shots) in whole.datasets.items():
        columns = tuple(dict.fromkeys((*keys.get(name, ()), *ds.key)))
        datasets[name] = (ds, fields, {rid: Shot(Past(r.id, r.path, r.line, PastLife(r.life.published_on),
                                                      tuple((k, r.get(k)) for k in columns)), s.shown, s.values)
                                       for rid, s in shots.items() for r in (s.record,)})
    return State(datasets, whole.corrections, whole.log)


def _whole_state(root: Path, rev: str, as_of: date, keys: dict) -> State:
    """REV loaded whole (its site folder from git), made light."""
    with site_at(root, rev) as old_root:
        return _light(state(old_root, as_of), keys)


class Pending(Meanwhile):
    """REV loaded whole in a forked process while the working tree loads (``prepare``)."""

    def __init__(self, root: Path, rev: str, as_of: date, keys: dict):
        super().__init__(_whole_state, root, rev, as_of, keys)


def prepare(root: Path, rev: str, as_of: date) -> Pending | None:
    """Called before the working tree is loaded.  When the change touches more than the datasets'
    rows (the configuration, a schema …), REV must be loaded whole: it is then loaded in a second
    process meanwhile, so that the two loads take the time of one on two cores (at 100,000
    records, 36 s one after the other).  None: nothing started (only rows changed, or no fork).
    Raises gitrev.RevisionError when ``rev`` cannot be read."""
    root = Path(root)
    resolve(root, rev)
    try:
        config = load_config(root)
    except ConfigError:
        return None  # the check reports it; the comparison then loads REV itself
    if changed_rows_only(root, rev, config) is not None:
        return None
    if not can_fork():
        return None  # Windows: one after the other
    return Pending(root, rev, as_of, _keys(config))


def _keys(config) -> dict:
    return {ds.name: ds.key for ds in config.datasets}


def since_findings(root: Path, rev: str, as_of: date, keep: Loaded, pending: Pending | None = None
                   ) -> list[Diagnostic]:
    """The findings of the change from ``rev`` to the working tree at ``root``; ``pending``: REV's
    whole state being loaded (``prepare``).  Raises gitrev.RevisionError when ``rev`` cannot be read."""
    root = Path(root)
    resolve(root, rev)
    now = state(root, as_of, keep)
    change = delta(root, rev, keep)
    if change is not None:  # only datasets' rows and the log changed: REV's other rows are now's
        if pending is not None:
            pending.cancel()
        then = state_before(now, change, as_of, keep.config)
    elif pending is not None:
        then = pending.result()
    else:
        then = _whole_state(root, rev, as_of, _keys(keep.config))
    return compare(then, now, as_of, rev, _numbers(keep))


def _numbers(keep: Loaded) -> dict:
    """dataset → (the key's last column, normalised → record ids): how log rows name records."""
    out = {}
    for name, (ds, schema, records) in keep.tables.items():
        spec = schema.field(ds.key[-1])
        index: dict = {}
        for r in records:
            index.setdefault(key_part(spec, r.get(ds.key[-1])), []).append(r.id)
        out[name] = (spec, index)
    return out


def compare(then: State, now: State, as_of: date, rev: str, numbers: dict) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    new_rows = now.corrections - then.corrections
    logged = _logged(new_rows, numbers)
    for row, path, line in now.log:
        if row in new_rows and row[2] < as_of:
            out.append(diag("W-CHANGE-CORRECTION-BACKDATED", path, line, dataset=row[0], record=row[1],
                            corrected=row[2].isoformat(), today=as_of.isoformat()))
    for name, (ds, fields, shots) in now.datasets.items():
        old = _refit(then.datasets[name], fields) if name in then.datasets else {}
        published_col = ds.role("published_on")
        gone = [s for rid, s in old.items() if rid not in shots and s.shown in SHOWN]
        added = {rid: s for rid, s in shots.items() if rid not in old}
        rekeyed = set()
        for before, after in _rekeyed(gone, added, fields):
            out.append(finding("E-CHANGE-KEY", ds, after.record, old=record_label(ds, before.record),
                               new=record_label(ds, after.record), rev=rev))
            rekeyed.add(after.record.id)
            gone.remove(before)
        for before in gone:
            r = before.record
            out.append(diag("E-CHANGE-DELETED", r.path, 0, dataset=ds.name, record=record_label(ds, r), rev=rev,
                            line=r.line, state=_STATE[before.shown]))
        for rid, after in shots.items():
            before = old.get(rid)
            if rid in rekeyed:
                continue
            if before is None or before.shown not in SHOWN:
                if after.shown is Visibility.LISTED and after.record.life.published_on < as_of:
                    out.append(finding("W-CHANGE-BACKDATED", ds, after.record, published=after.record.life.published_on,
                                       today=as_of))
                continue
            b, a = before.record.life, after.record.life
            if b.published_on != a.published_on:
                out.append(finding("E-CHANGE-PUBLISHED-DATE", ds, after.record, column=published_col,
                                   old=b.published_on, new=a.published_on or "（空）"))
            elif after.shown not in SHOWN:
                out.append(finding("E-CHANGE-UNPUBLISHED", ds, after.record, state=_STATE[after.shown]))
            elif before.shown is Visibility.LISTED and after.shown is Visibility.LISTED \
                    and before.values != after.values and rid not in logged.get(name, ()):
                i = next(i for i, (x, y) in enumerate(zip(before.values, after.values)) if x != y)
                out.append(finding("E-CHANGE-UNLOGGED", ds, after.record, column=fields[i],
                                   old=_quote(before.values[i]), new=_quote(after.values[i])))
    return out


_STATE = {Visibility.LISTED: "公示中", Visibility.WITHDRAWN: "已撤下", Visibility.EXPIRED: "已过公示期",
          Visibility.REPAIRED: "已信用修复", Visibility.WITHHELD: "不报送",
          Visibility.NOT_YET: "未到公示日期", Visibility.UNREVIEWED: "未完成保密审查"}


def _refit(entry, fields: tuple) -> dict:
    """REV's shots with their values in the working tree's field order (a column added or
    removed in the change: a field that is new reads as empty then)."""
    _ds, old_fields, shots = entry
    if old_fields == fields:
        return shots
    where = [old_fields.index(f) if f in old_fields else None for f in fields]
    return {rid: Shot(s.record, s.shown, tuple(None if i is None else s.values[i] for i in where))
            for rid, s in shots.items()}


def _logged(rows, numbers: dict) -> dict:
    """dataset → ids of the records that a new log row names (by id or by number, as the build
    resolves them)."""
    out: dict = {}
    known: dict = {}  # dataset → every record id, made once
    for dataset, ref, _on, _shown in rows:
        spec, index = numbers.get(dataset, (None, {}))
        if dataset not in known:
            known[dataset] = {i for ids in index.values() for i in ids}
        ids = {ref} if ref in known[dataset] else set(index.get(key_part(spec, ref), ()))
        out.setdefault(dataset, set()).update(ids)
    return out


def _rekeyed(gone: list, added: dict, fields: tuple) -> list[tuple]:
    """Pairs (REV's shot, the working tree's) of a record whose key changed: its other public
    values are all equal; or, failing that, it was published the same day and at least half of
    its non-empty values are equal (a typo in the 文号 fixed together with another field)."""
    pairs, taken = [], set()
    exact: dict = {}
    for rid, s in added.items():
        exact.setdefault((s.record.life.published_on, s.values), []).append(rid)
    left = []
    for before in gone:
        hit = [rid for rid in exact.get((before.record.life.published_on, before.values), ()) if rid not in taken]
        if hit:
            taken.add(hit[0])
            pairs.append((before, added[hit[0]]))
        else:
            left.append(before)
    if left:
        by_day: dict = {}
        for rid, s in added.items():
            if rid not in taken:
                by_day.setdefault(s.record.life.published_on, []).append(s)
        for before in left:
            best, score = None, 0
            filled = sum(1 for v in before.values if v not in (None, ""))
            for s in by_day.get(before.record.life.published_on, ()):
                if s.record.id in taken:
                    continue
                same = sum(1 for x, y in zip(before.values, s.values) if x == y and x not in (None, ""))
                if same > score:
                    best, score = s, same
            if best is not None and filled and score * 2 >= filled:
                taken.add(best.record.id)
                pairs.append((before, best))
    return pairs


def _quote(value) -> str:
    if value is None:
        return "（空）"
    text = value.isoformat() if hasattr(value, "isoformat") else "、".join(value) if isinstance(value, tuple) \
        else str(value)
    text = text.replace("\n", "↵")
    return text if len(text) <= QUOTE else text[:QUOTE] + "…"
