"""``compliance:`` in site_config.yaml: what ``gongshi check`` checks beyond the build, each with
its legal basis.  Deadlines, thresholds and horizons are configuration here, never constants in the
rules.  The thresholds and the certificate, repeal and announcement settings are read into plain
dicts (``as_dict``): the rules in generator/compliance/ are written against dicts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from .datasets import WHEN
from .kinds import Basis, Choice, Integer, ListOf, MapOf, Text
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
class _Extension:
    days: str = Option(Text(), "column of the working days added", required=True)
    approved: str = Option(Text(), "column of the day it was approved (counted when within the term)", required=True)


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
    returned: str = Option(Text(), "column: the file sent back for completion; the term stops (L4, 附件5第八条)")
    restart: str = Option(Text(), "column: the file resubmitted; a new term runs from that day (L4)")
    extension: dict = Option(Section(_Extension, as_dict=True), "an approved extension (L4)", default={})


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
class _Citations:
    cited_in: dict = Option(MapOf(Text(), placeholder="<dataset>"), "dataset → column citing laws", required=True)
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
    groups = {"expiring": "the expiry report", "calendar": "the calendar's next year (C4)"}
    duties: tuple = Option(ListOf(Section(Duty)), "deadlines in working days other than publication")
    certificates: dict = Option(Section(_Certificates, as_dict=True), "staff certificates expiring (P2.6)", default={})
    repealed: dict = Option(Section(_Repealed, as_dict=True), "decisions citing a repealed law (P8)", default={})
    citations: dict = Option(Section(_Citations, as_dict=True), "one provision cited one way across datasets (I4)",
                             default={})
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
