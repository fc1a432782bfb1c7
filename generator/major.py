"""Major decisions by rule (L2, L3), not by the editor's 是否重大 alone.

Attachment 5 art. 2 defines what is major for every department: revoking a licence (三) and a
decision made after a hearing (四) among others.  Attachment 6 sets thresholds (fines near the
maximum, multiples for fraud, workers concerned, sealing ≥ 50万元, licences for foreign-invested
parties …); its note lets cities and counties set their own standards.  So:

- the tests of ``always`` (revocation, hearing) make a decision major at every level;
- the ``thresholds`` make it major where they apply as written (``as_written``: the region) and
  where a department has its own standards (``local``, which replace them for that department);
- elsewhere a threshold met is advice: ``gongshi check`` warns (W-MAJOR-UNMARKED).

A decision major by rule but not marked 是否重大 = 是 is an error (E-MAJOR-UNMARKED): it needs the
legal review (L1) and is displayed 3 years (L5).  The dataset's ``major:`` block is read here.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from .identifiers import normalise_doc_number

BINDING, ADVISORY = "binding", "advisory"


def _num(value) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def _yuan(x: Decimal) -> str:
    return f"{x.normalize():f}"


def _values(value) -> tuple[str, ...]:
    return () if value is None else value if isinstance(value, tuple) else (str(value),)


@dataclass(frozen=True)
class Thresholds:
    """Attachment 6's standards (or a department's own), each test optional."""

    fine: str = ""                                   # column of the fine
    method: str = ""                                 # column: how the fine was set
    range: dict = field(default_factory=dict)        # {method, maximum, share, minimum}
    multiple: dict = field(default_factory=dict)     # {method, base, times, minimum}
    per_worker: dict = field(default_factory=dict)   # {method, workers, workers_at_least, fine_at_least}
    amount: dict = field(default_factory=dict)       # {column, at_least}: sealing in a case ≥ 50万元
    licence: dict = field(default_factory=dict)      # {column, values, party: {column, values}}
    basis: str = ""

    def met(self, get) -> Iterator[str]:
        """Why a record meets the standards, one reason per test met."""
        fine = _num(get(self.fine)) if self.fine else None
        method = get(self.method) if self.method else None
        r = self.range
        if r and fine is not None and method == r.get("method", "规定金额") and \
                (maximum := _num(get(r["maximum"]))) is not None:
            share, floor = _num(r.get("share", 0.6)), _num(r.get("minimum", 30000))
            if fine >= share * maximum and fine >= floor:
                yield (f"罚款 {_yuan(fine)} 元，达到法定最高罚款 {_yuan(maximum)} 元的 {_yuan(share * 100)}% "
                       f"且不低于 {_yuan(floor)} 元")
        r = self.multiple
        if r and fine is not None and method == r.get("method", "规定倍数") and (base := _num(get(r["base"]))) is not None:
            times, floor = _num(r.get("times", 3)), _num(r.get("minimum", 30000))
            if fine >= times * base and fine >= floor:
                yield f"罚款 {_yuan(fine)} 元，为骗取金额 {_yuan(base)} 元的 {_yuan(times)} 倍以上且不低于 {_yuan(floor)} 元"
        r = self.per_worker
        if r and method == r.get("method", "按人数"):
            workers, floor = _num(get(r["workers"])), _num(r.get("fine_at_least", 30000))
            at_least = _num(r.get("workers_at_least", 50))
            if workers is not None and workers >= at_least:
                yield f"按涉及劳动者人数罚款，涉及劳动者 {_yuan(workers)} 人（{_yuan(at_least)} 人以上）"
            elif fine is not None and fine >= floor:
                yield f"按涉及劳动者人数罚款，罚款 {_yuan(fine)} 元（{_yuan(floor)} 元以上）"
        r = self.amount
        if r and (amount := _num(get(r["column"]))) is not None and amount >= _num(r.get("at_least", 500000)):
            yield f"“{r['column']}”为 {_yuan(amount)} 元（{_yuan(_num(r.get('at_least', 500000)))} 元以上）"
        r = self.licence
        if r and (item := get(r["column"])) in r.get("values", ()):
            party = r.get("party") or {}
            who = get(party["column"]) if party else None
            if not party or who in party.get("values", ()):
                yield f"为{who}设立“{item}”许可" if who else f"“{item}”许可"

    def columns(self) -> list[str]:
        named = [c for c in (self.fine, self.method) if c]
        named += [spec[k] for spec, k in ((self.range, "maximum"), (self.multiple, "base"),
                                           (self.per_worker, "workers"), (self.amount, "column"),
                                           (self.licence, "column")) if k in spec]
        if self.licence.get("party"):
            named.append(self.licence["party"]["column"])
        return named


@dataclass(frozen=True)
class Revocation:
    """Revoking or cancelling a licence (附件5第二条（三）): a penalty of that kind, or a licence
    whose status says it was revoked; ``decided`` names the revocation's date when it is not the
    dataset's decision date (a licence's 状态日期)."""

    column: str
    values: tuple[str, ...]
    basis: str
    decided: str = ""


@dataclass(frozen=True)
class HearingLink:
    """Decided after a hearing (附件5第二条（四））: the record names its hearing (``column``), or a
    hearing of the same department for the same party was held at most ``within_days`` before
    the decision (found in the hearings dataset)."""

    dataset: str
    basis: str
    column: str = ""                 # the record's column naming its hearing (听证编号)
    party: str = ""                  # the record's column naming the party
    within_days: int = 180
    applicant: str = "听证申请人"     # the hearings dataset's column naming the party


@dataclass(frozen=True)
class MajorConfig:
    flag: str
    basis: str
    as_written: tuple[str, ...] = ()       # levels applying attachment 6 as written
    thresholds: Thresholds = Thresholds()
    local: tuple = ()                      # (department, Thresholds): its own standards
    revocation: Revocation | None = None
    hearing: HearingLink | None = None

    def columns(self) -> list[tuple[str, str]]:
        named = [("major.flag", self.flag)] + [("major.thresholds", c) for c in self.thresholds.columns()]
        named += [(f"major.local.{who}", c) for who, t in self.local for c in t.columns()]
        if self.revocation:
            named += [("major.revocation", c) for c in (self.revocation.column, self.revocation.decided) if c]
        if self.hearing:
            named += [("major.hearing", c) for c in (self.hearing.column, self.hearing.party) if c]
        return named


@dataclass(frozen=True)
class Hearings:
    """The hearings held, by (department, party): their dates and numbers, for the hearing test.
    Built once from the hearings dataset (a hearing taken down was not held)."""

    by_party: dict = field(default_factory=dict)   # (department, party) → sorted ((date, number), …)

    @classmethod
    def of(cls, rows) -> "Hearings":
        """``rows``: (department, party, date, number) of each hearing held."""
        by_party: dict = {}
        for agency, party, day, number in rows:
            if agency and party and day:
                by_party.setdefault((agency, party), []).append((day, number))
        return cls({k: tuple(sorted(v)) for k, v in by_party.items()})

    def before(self, agency: str, party: str, decided: date, within_days: int) -> tuple | None:
        """The last (date, number) of a hearing held in (decided − within_days, decided]."""
        held = self.by_party.get((agency, party), ())
        days = [d for d, _ in held]
        i = bisect_right(days, decided)
        j = bisect_left(days, decided - timedelta(days=within_days))
        return held[i - 1] if i > j else None


@dataclass(frozen=True)
class Major:
    """A record's majorness by rule: ``binding`` (the flag must say 是) or ``advisory`` (warned),
    the reasons, and the date the legal review must not be later than."""

    kind: str = ""
    reasons: tuple[str, ...] = ()
    decided: date | None = None


def assess(cfg: MajorConfig, get, *, agency: str | None, level: str, decided: date | None,
           hearings: Hearings | None) -> Major:
    binding, advisory, decided_by = [], [], decided
    r = cfg.revocation
    if r and (hits := [v for v in _values(get(r.column)) if v in r.values]):
        binding.append(f"“{r.column}”为{'、'.join(hits)}（{r.basis}）")
        if r.decided and get(r.decided):
            decided_by = get(r.decided)
    h = cfg.hearing
    if h:
        named = get(h.column) if h.column else None
        if named:
            binding.append(f"经听证（听证编号 {normalise_doc_number(str(named))}）作出（{h.basis}）")
        elif hearings and agency and h.party and decided and \
                (held := hearings.before(agency, str(get(h.party) or ""), decided, h.within_days)):
            binding.append(f"听证 {held[1]}（{held[0].isoformat()}）后作出（{h.basis}）")
    own = dict(cfg.local).get(agency or "")
    thresholds = own or cfg.thresholds
    found = [f"{why}（{thresholds.basis or cfg.basis}）" for why in thresholds.met(get)]
    (binding if own or level in cfg.as_written else advisory).extend(found)
    if binding:
        return Major(BINDING, tuple(binding), decided_by)
    return Major(ADVISORY if advisory else "", tuple(advisory), decided_by)


# ---------------------------------------------------------------- reading the `major:` block

MAJOR_KEYS = {"flag", "basis", "as_written", "thresholds", "local", "revocation", "hearing"}
THRESHOLD_KEYS = {"fine", "method", "range", "multiple", "per_worker", "amount", "licence", "basis"}


def _thresholds(spec, at: str, problems: list, inherit: Thresholds | None = None) -> Thresholds:
    if not isinstance(spec, dict) or set(spec) - THRESHOLD_KEYS:
        problems.append(f"{at} 的键只能是 {'、'.join(sorted(THRESHOLD_KEYS))}")
        return Thresholds()
    tests = {k: dict(spec.get(k) or {}) for k in ("range", "multiple", "per_worker", "amount", "licence")}
    for name, need in (("range", "maximum"), ("multiple", "base"), ("per_worker", "workers"), ("amount", "column"),
                       ("licence", "column")):
        if tests[name] and need not in tests[name]:
            problems.append(f"{at}.{name} 缺少 {need}")
    party = tests["licence"].get("party")
    if party is not None and (not isinstance(party, dict) or "column" not in party):
        problems.append(f"{at}.licence.party 应为 {{column: 列名, values: [...]}}")
    base = inherit or Thresholds()
    return Thresholds(str(spec.get("fine", base.fine)), str(spec.get("method", base.method)), **tests,
                      basis=str(spec.get("basis", "")))


def parse_major(spec, where: str, problems: list) -> MajorConfig | None:
    if spec is None:
        return None
    if not isinstance(spec, dict):
        problems.append(f"{where} 应为映射")
        return None
    problems += [f"{where}.{k} 不是可用的设置（可用：{'、'.join(sorted(MAJOR_KEYS))}）" for k in spec if k not in MAJOR_KEYS]
    if not spec.get("basis"):
        problems.append(f"{where} 缺少 basis（法律依据）")
    thresholds = _thresholds(spec.get("thresholds") or {}, f"{where}.thresholds", problems)
    local = []
    for who, s in (spec.get("local") or {}).items():
        own = _thresholds(s, f"{where}.local.{who}", problems, thresholds)
        if not own.basis:
            problems.append(f"{where}.local.{who} 缺少 basis（该部门自定标准的文件，附件6备注）")
        local.append((str(who), own))
    revocation = hearing = None
    if r := spec.get("revocation"):
        if not isinstance(r, dict) or not r.get("column") or not r.get("values") or not r.get("basis"):
            problems.append(f"{where}.revocation 需要 column、values 和 basis")
        else:
            revocation = Revocation(str(r["column"]), tuple(str(v) for v in r["values"]), str(r["basis"]),
                                    str(r.get("decided", "")))
    if h := spec.get("hearing"):
        if not isinstance(h, dict) or not h.get("dataset") or not h.get("basis") or \
                set(h) - {"dataset", "basis", "column", "party", "within_days", "applicant"}:
            problems.append(f"{where}.hearing 需要 dataset 和 basis（可选 column、party、within_days、applicant）")
        else:
            hearing = HearingLink(str(h["dataset"]), str(h["basis"]), str(h.get("column", "")),
                                  str(h.get("party", "")), int(h.get("within_days", 180)),
                                  str(h.get("applicant", "听证申请人")))
    return MajorConfig(str(spec.get("flag", "是否重大")), str(spec.get("basis", "")),
                       tuple(str(v) for v in spec.get("as_written") or ()), thresholds, tuple(local),
                       revocation, hearing)

