"""``compliance:`` in site_config.yaml: what ``gongshi check`` checks beyond the build, each with
its legal basis.  Deadlines, thresholds and horizons are configuration here, never constants in the
rules.  The thresholds and the certificate, repeal and announcement settings are read into plain
dicts (``as_dict``): the rules in generator/compliance/ are written against dicts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from .datasets import WHEN
from .kinds import Basis, Choice, Integer, ListOf, MapOf, Number, Text, values_of
from .options import Kind, Option, Section, section

# duty kind → (code when the duty is still open past its deadline, code when it was done late)
DUTY_CODES = {
    "withdrawal": ("E-WITHDRAWAL-OVERDUE", "W-WITHDRAWAL-LATE"),      # P6
    "correction": ("E-CORRECTION-OVERDUE", "W-CORRECTION-LATE"),      # P5.3
    "legal_review": ("E-REVIEW-OVERDUE", "W-REVIEW-LATE"),            # L4
}


class MonthDay(Kind):
    """A day of the year, ``"MM-DD"`` (quoted: unquoted YAML may read it as a number)."""

    def parse(self, value, at):
        try:
            month, day = (int(p) for p in str(value).split("-"))
            date(2000, month, day)  # a leap year: 02-29 exists
            return month, day
        except ValueError:
            at.fail(f"应为“月-日”，如 \"11-01\"，现为“{value}”")
            return self.empty()

    def empty(self):
        return (11, 1)

    def describe(self):
        return 'day of the year, `"MM-DD"`'


@section
class Duty:
    """Something that must be done within n working days of a date in a column (P2.2)."""

    kind: str = Option(Choice(tuple(DUTY_CODES)), "which duty: withdrawal (P6), correction (P5.3), legal_review (L4)",
                       required=True)
    dataset: str = Option(Text(), "the dataset whose records carry the duty", required=True)
    start: str = Option(Text(), "column holding the day the term starts from (not counted)", key="from", required=True)
    done: str = Option(Text(), "column holding the day it was done", required=True)
    working_days: int = Option(Integer(min=1, max=365), "the term in working days",
                               default_doc="correction: `correction.answer_working_days`")
    basis: str = Option(Text(), "legal basis of the term", default_doc="correction: `correction.basis`")
    when: tuple = Option(WHEN, "the duty applies to records with these column values")


@section
class _Range:
    method: str = Option(Text(), "value of the method column for this test", default="规定金额")
    maximum: str = Option(Text(), "column of the statutory maximum fine", required=True)
    share: float = Option(Number(min=0, max=1), "fine ≥ this share of the maximum …", default=0.6)
    minimum: float = Option(Number(min=0), "… and ≥ this amount (元)", default=30000)


@section
class _Multiple:
    method: str = Option(Text(), "value of the method column for this test", default="规定倍数")
    base: str = Option(Text(), "column of the amount the fine multiplies (e.g. 骗取金额)", required=True)
    times: float = Option(Number(min=0), "fine ≥ this multiple of the base …", default=3)
    minimum: float = Option(Number(min=0), "… and ≥ this amount (元)", default=30000)


@section
class _PerWorker:
    method: str = Option(Text(), "value of the method column for this test", default="按人数")
    workers: str = Option(Text(), "column of the number of workers concerned", required=True)
    workers_at_least: int = Option(Integer(min=1), "major from this many workers …", default=50)
    fine_at_least: float = Option(Number(min=0), "… or from this fine (元)", default=30000)


@section
class _Revocation:
    column: str = Option(Text(), "column of the penalty kinds", required=True)
    values: tuple = Option(ListOf(Text()), "kinds that make a decision major (吊销许可证件 …)", required=True)


@section
class _Amount:
    column: str = Option(Text(), "column of the amount concerned", required=True)
    at_least: float = Option(Number(min=0), "major from this amount (元)", default=500000)


@section
class MajorThresholds:
    """Attachment 6 thresholds for one dataset (L3); each test is optional."""

    dataset: str
    flag: str = Option(Text(), "the 是否重大 column", default="是否重大")
    fine: str = Option(Text(), "fine amount column")
    method: str = Option(Text(), "column saying how the fine was set: 规定金额 / 规定倍数 / 按人数")
    range: dict = Option(Section(_Range, as_dict=True), "fine near the statutory maximum", default={})
    multiple: dict = Option(Section(_Multiple, as_dict=True), "fine as a multiple of an amount", default={})
    per_worker: dict = Option(Section(_PerWorker, as_dict=True), "fine by the number of workers", default={})
    revocation: dict = Option(Section(_Revocation, as_dict=True), "revocation of a licence", default={})
    amount: dict = Option(Section(_Amount, as_dict=True), "amount concerned (e.g. 封存 ≥ 50万元)", default={})


@section
class _Certificates:
    dataset: str = Option(Text(), "the staff dataset", required=True)
    column: str = Option(Text(), "column of the certificate's last valid day", required=True)
    warn_days: int = Option(Integer(min=0, max=366), "warn this many days before expiry", default=30)
    basis: str = Option(Basis(), "legal basis")


@section
class _Repealed:
    dataset: str = Option(Text(), "the 执法依据 dataset (item 9)", required=True)
    title: str = Option(Text(), "its column of titles", required=True)
    status: str = Option(Text(), "its column of 时效性", required=True)
    current: tuple = Option(ListOf(Text()), "时效性 values of a text in force", default=("现行有效",))
    cited_in: dict = Option(MapOf(Text(), placeholder="<dataset>"), "dataset → column citing laws", default={})
    basis: str = Option(Basis(), "legal basis")


@section
class _Announcements:
    dataset: str = Option(Text(), "the 重大劳动保障违法行为 dataset (item 19)", required=True)
    nil_returns: str | None = Option(Text(), "the internal dataset of “本期无” returns", default=None)
    months: dict = Option(MapOf(Integer(min=1, max=12), placeholder="<层级>"),
                          "months between announcements per level; default: the dataset's `group_by`", default={})
    basis: str = Option(Basis(), "legal basis")


@section
class Compliance:
    groups = {"major": "attachment 6: thresholds of a major decision (L3)", "expiring": "the expiry report",
              "calendar": "the calendar's next year (C4)"}
    basis_major: str = Option(Basis(), "legal basis of the thresholds", key="major.basis")
    major: tuple = Option(MapOf(Section(MajorThresholds), into=values_of, name="dataset", placeholder="<dataset>"),
                          "attachment 6 thresholds per dataset (L3)", key="major.datasets")
    duties: tuple = Option(ListOf(Section(Duty)), "deadlines in working days other than publication")
    certificates: dict = Option(Section(_Certificates, as_dict=True), "staff certificates expiring (P2.6)", default={})
    repealed: dict = Option(Section(_Repealed, as_dict=True), "decisions citing a repealed law (P8)", default={})
    announcements: dict = Option(Section(_Announcements, as_dict=True), "重大劳动保障违法行为 announced (P9)",
                                 default={})
    expiring_days: int = Option(Integer(min=0, max=366), "list records whose display ends within this many days",
                                key="expiring.days", default=30)
    next_year_from: tuple = Option(MonthDay(), "from this day, next year's holiday notice is due (C4)",
                                   key="calendar.next_year_from", default=(11, 1), default_doc='`"11-01"`')
    next_year_basis: str = Option(Basis(), "legal basis of that day", key="calendar.basis")

    def next_year_due(self, as_of: date) -> date:
        return date(as_of.year, *self.next_year_from)


def with_correction_terms(compliance: Compliance, correction, at) -> Compliance:
    """The term the site promises for answering a correction suggestion (``correction:``, P5.3) is
    the one checked: a ``correction`` duty takes its working days and basis from there.  With
    ``correction`` None (missing or wrong, reported already), such a duty is left as it is."""
    duties = []
    for i, d in enumerate(compliance.duties):
        if d.kind == "correction":
            if correction is None:
                duties.append(d)
                continue
            d = replace(d, working_days=d.working_days or correction.answer_working_days,
                        basis=d.basis or correction.basis)
        if not d.working_days and at.clean("duties", i):
            (at / "duties" / i / "working_days").fail("缺少 {path}（必填）")
        if not d.basis and at.clean("duties", i):
            (at / "duties" / i / "basis").fail("缺少 {path}（法律依据）")
        duties.append(d)
    return replace(compliance, duties=tuple(duties))
