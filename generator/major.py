"""Major decisions by rule (L2, L3), not by the editor's 是否重大 alone.

Attachment 5 art. 2 defines what is major for every department: revoking a licence (三) and a
decision made after a hearing (四) among others.  Attachment 6 sets thresholds (fines near the
maximum, multiples for fraud, workers concerned, sealing ≥ 50万元, licences for foreign-invested
parties …); its note lets cities and counties set their own standards.  So:

- ``revocation`` and ``hearing`` make a decision major at every level;
- the ``thresholds`` make it major where they apply as written (``as_written``: the region) and
  where a department has its own standards (``local``, which replace them for that department);
- elsewhere a threshold met is advice: ``gongshi check`` warns (W-MAJOR-UNMARKED).

A decision major by rule but not marked 是否重大 = 是 is an error (E-MAJOR-UNMARKED): it needs the
legal review (L1) and is displayed 3 years (L5).  The dataset's ``major:`` block is declared in
generator/config/law.py.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from .config.law import HearingLink, MajorConfig, Revocation, Thresholds
from .identifiers import normalise_doc_number

__all__ = ["ADVISORY", "BINDING", "HearingLink", "Hearings", "Major", "MajorConfig", "Revocation", "Thresholds",
           "assess", "met"]

BINDING, ADVISORY = "binding", "advisory"


def _num(value) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def _yuan(x: Decimal) -> str:
    return f"{x.normalize():f}"


def _values(value) -> tuple[str, ...]:
    return () if value is None else value if isinstance(value, tuple) else (str(value),)


def met(t: Thresholds, get) -> Iterator[str]:
    """Why a record meets the standards (attachment 6 or a department's own), one reason per test met."""
    fine = _num(get(t.fine)) if t.fine else None
    method = get(t.method) if t.method else None
    r = t.range
    if r and fine is not None and method == r.get("method", "规定金额") and \
            (maximum := _num(get(r["maximum"]))) is not None:
        share, floor = _num(r.get("share", 0.6)), _num(r.get("minimum", 30000))
        if fine >= share * maximum and fine >= floor:
            yield (f"罚款 {_yuan(fine)} 元，达到法定最高罚款 {_yuan(maximum)} 元的 {_yuan(share * 100)}% "
                   f"且不低于 {_yuan(floor)} 元")
    r = t.multiple
    if r and fine is not None and method == r.get("method", "规定倍数") and (base := _num(get(r["base"]))) is not None:
        times, floor = _num(r.get("times", 3)), _num(r.get("minimum", 30000))
        if fine >= times * base and fine >= floor:
            yield f"罚款 {_yuan(fine)} 元，为骗取金额 {_yuan(base)} 元的 {_yuan(times)} 倍以上且不低于 {_yuan(floor)} 元"
    r = t.per_worker
    if r and method == r.get("method", "按人数"):
        workers, floor = _num(get(r["workers"])), _num(r.get("fine_at_least", 30000))
        at_least = _num(r.get("workers_at_least", 50))
        if workers is not None and workers >= at_least:
            yield f"按涉及劳动者人数罚款，涉及劳动者 {_yuan(workers)} 人（{_yuan(at_least)} 人以上）"
        elif fine is not None and fine >= floor:
            yield f"按涉及劳动者人数罚款，罚款 {_yuan(fine)} 元（{_yuan(floor)} 元以上）"
    r = t.amount
    if r and (amount := _num(get(r["column"]))) is not None and amount >= _num(r.get("at_least", 500000)):
        yield f"“{r['column']}”为 {_yuan(amount)} 元（{_yuan(_num(r.get('at_least', 500000)))} 元以上）"
    r = t.licence
    if r and (item := get(r["column"])) in r.get("values", ()):
        party = r.get("party") or {}
        who = get(party["column"]) if party else None
        if not party or who in party.get("values", ()):
            yield f"为{who}设立“{item}”许可" if who else f"“{item}”许可"


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
    found = [f"{why}（{thresholds.basis or cfg.basis}）" for why in met(thresholds, get)]
    (binding if own or level in cfg.as_written else advisory).extend(found)
    if binding:
        return Major(BINDING, tuple(binding), decided_by)
    return Major(ADVISORY if advisory else "", tuple(advisory), decided_by)
