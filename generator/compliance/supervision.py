"""The supervisors' figures (P8, P9, P5.3; 通知 四、四), gathered record by record: 公示及时率
(timeliness.py), the other working-day terms (the answer to a correction suggestion, withdrawal,
legal review), the 重大劳动保障违法行为 coverage (coverage.py), and what falls due soon.

``Collector`` sees each dataset's validated records once, as they stream: the build passes its
stream through ``watch`` (the public 公示情况 page), the check its tables (the HTML report) — one
computation for both.  Nothing private is kept: counts, dates that are public fields or that
``supervision.reportable`` lists, deadlines (as every report shows them), and positions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ..calendar import WorkCalendar
from ..config import CONFIG_FILE
from ..diagnostics import diag
from .announcements import months_by_level
from .coverage import Coverage, CoverageTally
from .timeliness import DueSoon, Tally, Timeliness


@dataclass(frozen=True)
class Term:
    """A working-day term as configured, for the report's account of its inputs."""

    what: str           # the dataset's title, or the duty's kind
    dataset: str
    working_days: int
    basis: str


@dataclass(frozen=True)
class Figures:
    as_of: date
    months: int
    timeliness: Timeliness                      # publication (P8), by the month of the deadline
    duties: dict = field(default_factory=dict)  # duty kind → Timeliness, by the month the term started
    coverage: Coverage | None = None            # item 19 (P9)
    due_soon: tuple[DueSoon, ...] = ()          # deadlines within the horizon, soonest first (bounded)
    due_soon_total: int = 0
    horizon: date | None = None
    starts: dict = field(default_factory=dict)  # (path, line) → the start day, where it may be shown
    terms: tuple[Term, ...] = ()
    reportable: tuple = ()                      # supervision.reportable: (dataset, columns) shown in the report
    coverage_dataset: str = ""                  # the 重大劳动保障违法行为 dataset (item 19)


DUTY_LABELS = {"correction": "纠错建议答复（规则 P5.3）", "withdrawal": "撤回变更、撤销的决定（规则 P6）",
               "legal_review": "重大决定法制审核（规则 L4）"}


class Collector:
    def __init__(self, config, agencies, calendar: WorkCalendar, as_of: date, *, limit: int | None = None,
                 compliance=None, reportable: bool = False):
        """``compliance``: the checked ``compliance:`` settings (default: the configuration's);
        ``reportable``: keep the private dates ``supervision.reportable`` lists and what falls due
        soon (the report; never the public page)."""
        self.config, self.agencies, self.as_of = config, tuple(agencies), as_of
        self.compliance = compliance or config.compliance
        self.months = config.supervision.months
        self.reportable = reportable
        days = self.compliance.expiring_days
        self.horizon = as_of + timedelta(days=days) if reportable else None
        self.limit = limit
        self.publication = Tally(as_of, calendar, self.months, self.horizon, limit)
        self.duties = {d.kind: Tally(as_of, calendar, self.months, self.horizon, limit) for d in self.compliance.duties}
        spec = self.compliance.announcements
        self.announcements = spec or {}
        self.coverage = None
        if spec and spec["dataset"] in {ds.name for ds in config.datasets}:
            shown = config.dataset(spec["dataset"])
            nil = spec.get("nil_returns")
            nil_ds = config.dataset(nil) if nil in {ds.name for ds in config.datasets} else None
            self.coverage = CoverageTally(as_of, shown.date_field, nil_ds.title_field if nil_ds else None)
        self.starts: dict = {}

    def watch(self, ds, schema, records):
        """``records``, passed on one by one after being counted."""
        duties = [d for d in self.compliance.duties if d.dataset == ds.name]
        announced = self.coverage is not None and ds.name == self.announcements.get("dataset")
        nil = self.coverage is not None and ds.name == self.announcements.get("nil_returns")
        counted = ds.deadline is not None and not ds.internal
        if not (duties or announced or nil or counted):
            yield from records
            return
        shows = {d.start for d in duties if self.reportable and self._shows(ds, schema, d.start)}
        if nil:
            self.coverage.keep_dates = self._shows(ds, schema, ds.role("published_on"))
        for record in records:
            if counted:
                self.publication.add(ds, record)
            for duty in duties:
                self.duties[duty.kind].add_duty(duty, ds, record)
                if duty.start in shows and isinstance(start := record.get(duty.start), date):
                    self.starts[(record.path, record.line)] = start
            if announced:
                self.coverage.add_announcement(record)
            elif nil:
                self.coverage.add_nil_return(record)
            yield record

    def _shows(self, ds, schema, column: str) -> bool:
        """Whether the report may show the dates of ``column``: a public field, or listed in
        ``supervision.reportable`` (and only in the report)."""
        spec = schema.field(column) if schema is not None else None
        if spec is not None and spec.public and not ds.internal:
            return True
        return self.reportable and column in self.config.supervision.reportable_columns(ds.name)

    def result(self) -> Figures:
        names = [a.name for a in self.agencies]
        counted = [(ds.name, ds.title) for ds in self.config.datasets if ds.deadline and not ds.internal]
        timeliness = self.publication.result(names, counted)
        duties = {}
        for d in self.compliance.duties:
            if d.kind not in duties:
                duties[d.kind] = self.duties[d.kind].result(names, [(d.dataset, DUTY_LABELS.get(d.kind, d.kind))])
        coverage = None
        if self.coverage is not None:
            months = self.announcements.get("months") or months_by_level(self.config, self.announcements["dataset"],
                                                                         self.agencies)
            coverage = self.coverage.result([(a.name, a.level) for a in self.agencies], months, self.months,
                                            self.announcements.get("basis", ""))
        due = sorted([*timeliness.due_soon, *(d for t in duties.values() for d in t.due_soon)],
                     key=lambda d: (d.deadline, d.path, d.line))
        total = timeliness.due_soon_total + sum(t.due_soon_total for t in duties.values())
        terms = tuple(Term(ds.title, ds.name, ds.deadline.working_days, ds.deadline.basis)
                      for ds in self.config.datasets if ds.deadline and not ds.internal)
        terms += tuple(Term(DUTY_LABELS.get(d.kind, d.kind), d.dataset, d.working_days, d.basis)
                       for d in self.compliance.duties)
        return Figures(self.as_of, self.months, timeliness, duties, coverage,
                       tuple(due if self.limit is None else due[:self.limit]), total, self.horizon,
                       dict(self.starts), terms, self.config.supervision.reportable if self.reportable else (),
                       self.announcements.get("dataset", "") if coverage else "")


def empty_figures(as_of: date, months: int = 12) -> Figures:
    """No figures: the inputs could not be read (the report's problems say why)."""
    return Figures(as_of, months, Tally(as_of, WorkCalendar({}), months).result((), ()))


def collect(config, agencies, calendar, tables: dict, as_of: date, *, limit=None, compliance=None) -> Figures:
    """The figures of the check's tables (dataset name → (config, schema, records))."""
    collector = Collector(config, agencies, calendar, as_of, limit=limit, compliance=compliance, reportable=True)
    for ds in config.datasets:
        if ds.name in tables:
            _ds, schema, records = tables[ds.name]
            for _ in collector.watch(ds, schema, records):
                pass
    return collector.result()


def reportable_problems(config, schemas: dict) -> list:
    """E-CONFIG for a ``supervision.reportable`` entry that is not a private date column (P3.1):
    only dates may reach the report, so that no name or number can."""
    problems = []
    names = {ds.name for ds in config.datasets}
    for dataset, columns in config.supervision.reportable:
        where = f"supervision.reportable.{dataset}"
        if dataset not in names:
            problems.append(f"{where}：“{dataset}”不是已配置的数据集")
            continue
        schema = schemas.get(dataset)
        for column in columns:
            spec = schema.field(column) if schema is not None else None
            if schema is not None and spec is None:
                problems.append(f"{where}：“{column}”不是数据集 {dataset} 中的列")
            elif spec is not None and spec.type != "date":
                problems.append(f"{where}：“{column}”不是日期列，只有日期可以写入监督报告（规则 P3.1）")
    return [diag("E-CONFIG", CONFIG_FILE, detail=p) for p in problems]


def input_files(root: Path, config) -> tuple[Path, ...]:
    """The files the figures are made from: configuration, calendars, departments, datasets and
    their schemas, the corrections log (relative to the site where they are in it), in order."""
    root = Path(root)
    paths = [Path(CONFIG_FILE), Path(config.agencies_file)]
    paths += [Path(p).relative_to(root) if Path(p).is_relative_to(root) else Path(p) for p in config.calendar_files]
    for ds in config.datasets:
        paths += [Path(ds.file), Path(ds.schema)]
    if config.corrections:
        paths += [Path(config.corrections.file), Path(config.corrections.schema)]
    return tuple(sorted(set(paths), key=lambda p: p.as_posix()))


def input_digest(root: Path, paths) -> str:
    """SHA-256 over the names and bytes of ``input_files``: which data a report was made from."""
    root = Path(root)
    h = hashlib.sha256()
    for rel in paths:
        path = rel if rel.is_absolute() else root / rel
        h.update(rel.as_posix().encode("utf-8") + b"\0")
        if path.is_file():
            with path.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    h.update(chunk)
        h.update(b"\0")
    return h.hexdigest()


def data_revision(root: Path, paths=()) -> str:
    """The git commit the site's data is at, and whether its input files (``paths``) differ from
    it (the CLI's: it reads the environment); "" outside a git work tree or without git."""
    import subprocess

    def git(*args) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return ""
    changed = git("status", "--porcelain", "--untracked-files=no", "--", *[str(p) for p in paths or (".",)])
    return commit + ("（另有未提交的修改）" if changed else "")


def headline(result) -> str:
    """The report's figures in one line (the CLI prints it; CI puts it in the job summary)."""
    if result.figures is None:
        return "公示及时率：无法统计（见报告中的问题）"
    total = result.figures.timeliness.region.total
    return (f"近 {result.figures.months} 个月公示及时率 {total.rate}（已到期 {total.due} 条：按时 {total.on_time}，"
            f"逾期公示 {total.late}，逾期未公示 {total.overdue}）")


PRIVATE_PARTS = ("data", "content", "templates", "public")  # inputs, or what the site publishes


def report_path_problem(site: Path, path: Path) -> str | None:
    """Why a report may not be written at ``path``: inside the site's data or content (an editor
    would commit it; content/ is published), its templates or its published output."""
    target = Path(path).resolve()
    for part in PRIVATE_PARTS:
        if target.is_relative_to((Path(site) / part).resolve()):
            return f"报告不能写在站点的 {part}/ 中（它不是站点的输入，也不应发布）；请写到站点以外或 CI 的附件目录"
    return None


def write_report(path: Path, text: str) -> None:
    """Write a report whole or not at all: a reader never sees half a file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
