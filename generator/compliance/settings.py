"""The ``compliance:`` section of ``site_config.yaml``: what ``gongshi check`` checks beyond the
build, each with its legal basis.  Deadlines, thresholds and horizons are configuration here,
never constants in the rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..config import CONFIG_FILE
from ..diagnostics import diag

# duty kind → (code when the duty is still open past its deadline, code when it was done late)
DUTY_CODES = {
    "withdrawal": ("E-WITHDRAWAL-OVERDUE", "W-WITHDRAWAL-LATE"),      # P6
    "correction": ("E-CORRECTION-OVERDUE", "W-CORRECTION-LATE"),      # P5.3
    "legal_review": ("E-REVIEW-OVERDUE", "W-REVIEW-LATE"),            # L4
}


@dataclass(frozen=True)
class Duty:
    """Something that must be done within n working days of a date in a column (P2.2)."""

    kind: str
    dataset: str
    start: str          # column holding the day the term starts from (not counted)
    done: str           # column holding the day it was done
    working_days: int
    basis: str
    when: tuple[tuple[str, tuple[str, ...]], ...] = ()  # column → any of these values
    returned: str = ""  # column: sent back for completion, the term stops (附件5第八条第二款)
    restart: str = ""   # column: resubmitted, a new term runs from that day
    extension: tuple[str, ...] = ()  # (column of working days added, column of its approval date)


@dataclass(frozen=True)
class Compliance:
    duties: tuple[Duty, ...] = ()
    certificates: dict = field(default_factory=dict)   # {dataset, column, warn_days, basis}
    repealed: dict = field(default_factory=dict)       # {dataset, title, status, current, cited_in, basis}
    citations: dict = field(default_factory=dict)      # {cited_in: {dataset: column}, basis} (I4)
    announcements: dict = field(default_factory=dict)  # {dataset, nil_returns, months (by 层级), basis}
    expiring_days: int = 30
    next_year_from: tuple[int, int] = (11, 1)          # (month, day) from which next year's notice is due
    next_year_basis: str = ""

    def next_year_due(self, as_of: date) -> date:
        return date(as_of.year, *self.next_year_from)


def _columns(c: Compliance) -> list[tuple[str, str, str]]:
    """(setting, dataset, column) of every column the section names, checked against the schemas."""
    named = []
    for d in c.duties:
        named += [(f"duties.{d.kind}", d.dataset, col) for col in (d.start, d.done)]
        named += [(f"duties.{d.kind}.when", d.dataset, col) for col, _ in d.when]
        named += [(f"duties.{d.kind}", d.dataset, col) for col in (d.returned, d.restart, *d.extension) if col]
    if c.certificates:
        named.append(("certificates", c.certificates["dataset"], c.certificates["column"]))
    if c.repealed:
        r = c.repealed
        named += [("repealed", r["dataset"], r["title"]), ("repealed", r["dataset"], r["status"])]
        named += [("repealed.cited_in", ds, col) for ds, col in r["cited_in"].items()]
    named += [("citations.cited_in", ds, col) for ds, col in c.citations.get("cited_in", {}).items()]
    return named


def load_compliance(raw: dict, has_column) -> tuple[Compliance, list]:
    """The section, and E-CONFIG problems (a missing basis, a column no schema has …).
    ``has_column(dataset, column)`` is None for an unknown dataset."""
    spec = raw.get("compliance") or {}
    problems: list[str] = []
    if not isinstance(spec, dict):
        return Compliance(), [diag("E-CONFIG", CONFIG_FILE, detail="compliance 应为映射")]
    try:
        c = _parse(spec, problems, dict(raw.get("correction") or {}))
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        return Compliance(), [diag("E-CONFIG", CONFIG_FILE, detail=f"compliance 格式错误：{exc!r}")]
    for setting, dataset, column in _columns(c):
        known = has_column(dataset, column)
        if known is None:
            problems.append(f"compliance.{setting}：“{dataset}”不是已配置的数据集")
        elif not known:
            problems.append(f"compliance.{setting}：“{column}”不是数据集 {dataset} 中的列")
    return c, [diag("E-CONFIG", CONFIG_FILE, detail=p) for p in dict.fromkeys(problems)]


def _need_basis(where: str, spec: dict, problems: list) -> str:
    if not spec.get("basis"):
        problems.append(f"compliance.{where} 缺少 basis（法律依据）")
    return str(spec.get("basis", ""))


def _parse(spec: dict, problems: list, correction: dict) -> Compliance:
    duties = []
    for i, d in enumerate(spec.get("duties") or ()):
        kind = str(d.get("kind", ""))
        if kind not in DUTY_CODES:
            problems.append(f"compliance.duties[{i}].kind 只能是 {' / '.join(DUTY_CODES)}")
        if kind == "correction":  # the term the site promises (`correction:`, P5.3) is the one checked
            d = {"working_days": correction.get("answer_working_days", 0), "basis": correction.get("basis"), **d}
        when = tuple((str(col), tuple(str(v) for v in (vals if isinstance(vals, list) else [vals])))
                     for col, vals in (d.get("when") or {}).items())
        extension = d.get("extension") or {}
        if extension and (not isinstance(extension, dict) or set(extension) != {"days", "approved"}):
            problems.append(f"compliance.duties[{i}].extension 应为 {{days: 延长工作日数所在列, approved: 批准日期所在列}}")
            extension = {}
        duty = Duty(kind, str(d.get("dataset", "")), str(d.get("from", "")), str(d.get("done", "")),
                    int(d.get("working_days", 0)), _need_basis(f"duties[{i}]", d, problems), when,
                    str(d.get("returned", "")), str(d.get("restart", "")),
                    (str(extension["days"]), str(extension["approved"])) if extension else ())
        if duty.working_days <= 0 or not duty.start or not duty.done:
            problems.append(f"compliance.duties[{i}] 需要 dataset、from、done 和 working_days")
        duties.append(duty)
    if "major" in spec:  # the thresholds bind the build now: each dataset's own `major:` block
        problems.append("compliance.major 已改为各数据集的 major: 设置（重大行政执法决定由构建按规则认定，规则 L2、L3），请移到 datasets.<数据集>.major")
    certificates = dict(spec.get("certificates") or {})
    if certificates:
        _need_basis("certificates", certificates, problems)
        certificates.setdefault("warn_days", 30)
    repealed = dict(spec.get("repealed") or {})
    if repealed:
        _need_basis("repealed", repealed, problems)
        repealed["current"] = tuple(repealed.get("current") or ("现行有效",))
        repealed["cited_in"] = dict(repealed.get("cited_in") or {})
    cited = dict(spec.get("citations") or {})
    if cited:
        _need_basis("citations", cited, problems)
        cited["cited_in"] = {str(k): str(v) for k, v in (cited.get("cited_in") or {}).items()}
    announcements = dict(spec.get("announcements") or {})
    if announcements:
        _need_basis("announcements", announcements, problems)
        # how often each level announces: the dataset's group_by (P9), unless given here
        announcements["months"] = {str(k): int(v) for k, v in (announcements.get("months") or {}).items()}
    expiring = spec.get("expiring") or {}
    calendar = spec.get("calendar") or {}
    month, day = (int(p) for p in str(calendar.get("next_year_from", "11-01")).split("-"))
    date(2000, month, day)  # raises ValueError for a day that does not exist
    return Compliance(tuple(duties), certificates, repealed, cited, announcements,
                      int(expiring.get("days", 30)), (month, day),
                      _need_basis("calendar", calendar, problems) if calendar else "")
