"""公示及时率 (P8: 公示不及时 and 应公示不公示 must be detectable, per department): of the records
whose publication fell due in a month, how many were published on time, late, or are still not
published — per department, per dataset, by month and quarter.

The definitions, each made once, here:

- A record counts when it has a publication deadline (its dataset's ``deadline:``, whose ``when:``
  it meets): ``life.deadline``, the n-th working day after the start day (P2.2, C1–C3).
- It counts in the month in which that deadline falls (公示时限届满月份), and in that month's quarter.
- **on time** (按时): shown (published and reviewed, P4) with its 公示日期 on or before the deadline
  — publishing on the last day is on time (P2.2);
- **late** (逾期公示): shown, 公示日期 after the deadline; *working days late* = the working days in
  (deadline, 公示日期];
- **overdue** (逾期未公示): not shown on the as-of date, deadline before it; working days so far =
  the working days in (deadline, as-of] — the records ``E-OVERDUE`` reports;
- **pending** (未到期): not shown, deadline on or after the as-of date: not yet due, not in the rate;
- a record withdrawn before it was ever shown has nothing left to publish, and does not count.
- **rate** (及时率) = on time ÷ (on time + late + overdue), in per mille rounded half up, shown
  as a percentage with one decimal (7 of 10 → 70.0%); with nothing due there is no rate (—).

``Tally`` takes records one at a time, so that the build can stream its 100,000 records through it
(the public page) and the check can pass its tables (the report): the same figures from one code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..calendar import WorkCalendar
from ..config import STATUS_WITHDRAWN
from ..model import Lifecycle
from ..visibility import Visibility, visibility
from .common import Outcome
from .duties import duty_outcome

UNSHOWN = (Visibility.NOT_YET, Visibility.UNREVIEWED)
NO_AGENCY = ""  # records of a dataset without a department column (e.g. 执法依据): the region only


def publication_outcome(life: Lifecycle, as_of: date, calendar: WorkCalendar) -> tuple[Outcome, int] | None:
    """(outcome, working days late or overdue) of a record's publication; None: no deadline, or
    withdrawn before it was ever shown."""
    if life.deadline is None:
        return None
    if visibility(life, as_of) in UNSHOWN:
        if life.status in STATUS_WITHDRAWN and life.status_on is not None and life.status_on <= as_of:
            return None  # revoked or taken down before it was shown: nothing left to publish
        if life.deadline < as_of:
            return Outcome.OVERDUE, calendar.workdays_after(life.deadline, as_of)
        return Outcome.PENDING, 0
    if life.published_on <= life.deadline:
        return Outcome.ON_TIME, 0
    return Outcome.LATE, calendar.workdays_after(life.deadline, life.published_on)


@dataclass
class Counts:
    """The records due in a cell (a month, a quarter, …) by outcome, with the working days late."""

    on_time: int = 0
    late: int = 0
    overdue: int = 0
    pending: int = 0
    late_days: int = 0     # working days late, summed over the late records
    late_max: int = 0      # the longest delay of a late record
    overdue_max: int = 0   # working days past the deadline of the longest-overdue record

    def add(self, outcome: Outcome, days: int) -> None:
        if outcome is Outcome.ON_TIME:
            self.on_time += 1
        elif outcome is Outcome.LATE:
            self.late += 1
            self.late_days += days
            self.late_max = max(self.late_max, days)
        elif outcome is Outcome.OVERDUE:
            self.overdue += 1
            self.overdue_max = max(self.overdue_max, days)
        else:
            self.pending += 1

    def __iadd__(self, other: "Counts") -> "Counts":
        self.on_time += other.on_time
        self.late += other.late
        self.overdue += other.overdue
        self.pending += other.pending
        self.late_days += other.late_days
        self.late_max = max(self.late_max, other.late_max)
        self.overdue_max = max(self.overdue_max, other.overdue_max)
        return self

    @property
    def due(self) -> int:
        """Records whose deadline has come: the rate's denominator."""
        return self.on_time + self.late + self.overdue

    @property
    def permille(self) -> int | None:
        """The rate in per mille, rounded half up; None with nothing due."""
        if not self.due:
            return None
        return (2000 * self.on_time + self.due) // (2 * self.due)

    @property
    def rate(self) -> str:
        """The rate as shown: ``70.0%``, or ``—`` with nothing due."""
        p = self.permille
        return "—" if p is None else f"{p // 10}.{p % 10}%"


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def month_of(index: int) -> tuple[int, int]:
    return index // 12, index % 12 + 1


@dataclass(frozen=True)
class Row:
    """One line of the figures: the region, a department or a dataset."""

    key: str
    label: str
    months: tuple[Counts, ...]    # one per month of the window, oldest first
    quarters: tuple[Counts, ...]  # one per quarter, oldest first
    total: Counts                 # the whole window


@dataclass(frozen=True)
class DueSoon:
    """A record whose publication deadline falls within the horizon (for the report's list)."""

    deadline: date
    kind: str      # "publication", or the duty's kind (withdrawal, correction, legal_review)
    dataset: str
    agency: str
    path: str
    line: int


@dataclass(frozen=True)
class Timeliness:
    as_of: date
    months: tuple[tuple[int, int], ...]    # (year, month) of the window, oldest first
    quarters: tuple[tuple[int, int], ...]  # (year, quarter 1–4), oldest first
    region: Row
    agencies: tuple[Row, ...]              # in the order of agencies.yaml; then records of no known department
    datasets: tuple[Row, ...]              # in the order of site_config.yaml
    by_agency_dataset: dict = field(default_factory=dict)  # department → tuple of its datasets' Rows (with records)
    due_soon: tuple[DueSoon, ...] = ()     # deadlines within the horizon, the first ``limit`` by date
    due_soon_total: int = 0


class Tally:
    """Counts records by department, dataset and the month of their deadline, as they come."""

    def __init__(self, as_of: date, calendar: WorkCalendar, months: int = 12, horizon: date | None = None,
                 limit: int | None = None):
        self.as_of, self.calendar, self.months = as_of, calendar, months
        self.horizon, self.limit = horizon, limit
        self.cells: dict[tuple[str, str, int], Counts] = {}
        self.due_soon: list[DueSoon] = []
        self.due_soon_total = 0

    def add(self, ds, record) -> None:
        """A record's publication, in the month of its deadline."""
        if ds.deadline is None or ds.internal:
            return
        found = publication_outcome(record.life, self.as_of, self.calendar)
        if found is not None:
            self.count(ds, record, month_index(record.life.deadline), *found)
            self.pending(found[0], record.life.deadline, "publication", ds, record)

    def add_duty(self, duty, ds, record) -> None:
        """A duty on a record (a correction suggestion's answer …), in the month its term started."""
        state = duty_outcome(duty, record, self.as_of, self.calendar)
        if state is not None:
            self.count(ds, record, month_index(state.start), state.outcome, state.days)
            self.pending(state.outcome, state.deadline, duty.kind, ds, record)

    def count(self, ds, record, month: int, outcome: Outcome, days: int) -> None:
        key = (record.agency or NO_AGENCY, ds.name, month)
        cell = self.cells.get(key)
        if cell is None:
            cell = self.cells[key] = Counts()
        cell.add(outcome, days)

    def pending(self, outcome: Outcome, deadline: date, kind: str, ds, record) -> None:
        """Keep what falls due within the horizon (the first ``limit`` by date; all are counted)."""
        if outcome is Outcome.PENDING and self.horizon is not None and deadline <= self.horizon:
            self.due_soon_total += 1
            self.due_soon.append(DueSoon(deadline, kind, ds.name, record.agency or NO_AGENCY, record.path, record.line))
            if self.limit is not None and len(self.due_soon) > 2 * self.limit:
                self._trim()

    def _trim(self) -> None:
        self.due_soon.sort(key=lambda d: (d.deadline, d.path, d.line))
        del self.due_soon[self.limit:]

    def watch(self, ds, records):
        """``records``, passed on one by one after being counted (the build's stream)."""
        for record in records:
            self.add(ds, record)
            yield record

    def result(self, agencies, datasets) -> Timeliness:
        """The figures; ``agencies``: names in order, ``datasets``: (name, title) in order.  The
        window is the ``months`` months ending with the as-of month; a quarter counts its months
        up to the as-of month (so the current one is partial, and the quarters add up to the months)."""
        last = month_index(self.as_of)
        window = tuple(range(last - self.months + 1, last + 1))
        current_quarter = last - last % 3
        quarters = tuple(range(current_quarter - 3 * (self.months // 3 - 1), current_quarter + 1, 3))
        region: dict[int, Counts] = {}
        by_agency: dict[str, dict[int, Counts]] = {}
        by_dataset: dict[str, dict[int, Counts]] = {}
        by_pair: dict[tuple[str, str], dict[int, Counts]] = {}
        for (agency, dataset, month), counts in self.cells.items():  # one pass; a few thousand cells
            for table in (region, by_agency.setdefault(agency, {}), by_dataset.setdefault(dataset, {}),
                          by_pair.setdefault((agency, dataset), {})):
                table.setdefault(month, Counts()).__iadd__(counts)

        def row(key: str, label: str, by_month: dict[int, Counts]) -> Row:
            months = tuple(by_month.get(m, Counts()) for m in window)
            quarter_counts = []
            for q in quarters:
                c = Counts()
                for m in range(q, min(q + 3, last + 1)):
                    c += by_month.get(m, Counts())
                quarter_counts.append(c)
            total = Counts()
            for c in months:
                total += c
            return Row(key, label, months, tuple(quarter_counts), total)

        names = list(agencies)
        names += sorted(set(by_agency) - set(names) - {NO_AGENCY})  # not in agencies.yaml: reported by the build
        if NO_AGENCY in by_agency:
            names.append(NO_AGENCY)
        if self.limit is not None:
            self._trim()
        else:
            self.due_soon.sort(key=lambda d: (d.deadline, d.path, d.line))
        return Timeliness(
            as_of=self.as_of, months=tuple(month_of(m) for m in window),
            quarters=tuple((month_of(q)[0], month_of(q)[1] // 3 + 1) for q in quarters),
            region=row("", "全区", region),
            agencies=tuple(row(a, a or "未注明部门", by_agency.get(a, {})) for a in names),
            datasets=tuple(row(n, title, by_dataset.get(n, {})) for n, title in datasets),
            by_agency_dataset={a: tuple(row(n, title, by_pair[(a, n)]) for n, title in datasets if (a, n) in by_pair)
                               for a in names},
            due_soon=tuple(self.due_soon), due_soon_total=self.due_soon_total)
