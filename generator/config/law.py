"""A dataset's ``major:`` and ``credit:`` blocks, declared key by key: major decisions by rule (L2,
L3; the rules are in generator/major.py) and NDRC Order 36's classes, periods per channel and
credit repair (P10; the rules are in generator/credit.py).  Order 36's bounds are law, not
configuration: a period outside them is refused here (P10.2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..dates import period_last_day
from .kinds import Basis, Choice, Integer, Kind, ListOf, MapOf, Number, Text
from .options import Option, Section, section, shown

CLASSES = ("轻微", "一般", "严重")           # least severe first
PORTAL, CREDITCHINA = "portal", "creditchina"
CHANNELS = (PORTAL, CREDITCHINA)
REPAIR_PAGES = ("gone", "notice")           # 410 with the general page, or with a notice of the repair
LEVELS = ("区", "市", "县")
# Order 36's bounds on the credit channel, in months: (shortest publication, the earliest repair;
# longest publication)
ORDER_36 = {"轻微": (0, 3), "一般": (3, 12), "严重": (12, 36)}
ORDER_36_TEXT = {"轻微": "原则上不予公示；确有必要公示的，最长不超过3个月，法定责任履行完毕即可申请修复",
                 "一般": "最短公示3个月，最长1年", "严重": "最短公示1年，最长3年"}


class Day(Kind):
    """A date, written 2026-04-01."""

    def parse(self, value, at):
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            at.fail(f"应为日期，如 2026-04-01，现为{shown(value)}")
            return self.empty()

    def empty(self):
        return date.min

    def describe(self):
        return "date, `YYYY-MM-DD`"


class AtLeast(Kind):
    """An amount (元), or one per department level: ``{区: 500000, 市: 300000, 县: 200000}``."""

    def parse(self, value, at):
        levels = value if isinstance(value, dict) else {"": value}
        out = []
        for level, amount in levels.items():
            where = at / str(level) if level else at
            if level and level not in LEVELS:
                where.fail(f"{{path}} 不是部门层级（{' / '.join(LEVELS)}）")
                continue
            before = len(at.problems)
            amount = Number(min=0).parse(amount, where)
            if len(at.problems) == before:
                out.append((str(level), Decimal(str(amount))))
        return tuple(sorted(out))

    def empty(self):
        return ()

    def describe(self):
        return "amount (元), or `{区: …, 市: …, 县: …}`"


def _pairs(items) -> tuple:
    return tuple((column, values) for column, values in items)


VALUES = MapOf(ListOf(Text(), single=True), into=_pairs, placeholder="<column>")


# ---------------------------------------------------------------- major: (L2, L3)

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
class _Amount:
    column: str = Option(Text(), "column of the amount concerned", required=True)
    at_least: float = Option(Number(min=0), "major from this amount (元)", default=500000)


@section
class _Party:
    column: str = Option(Text(), "column saying who the licence is for", required=True)
    values: tuple = Option(ListOf(Text()), "values that make it major (外商投资企业 …)", required=True)


@section
class _Licence:
    column: str = Option(Text(), "column naming the licence", required=True)
    values: tuple = Option(ListOf(Text()), "the licences of attachment 6", required=True)
    party: dict = Option(Section(_Party, as_dict=True), "only for these parties (foreign-invested …)", default={})


@section
class Thresholds:
    """Attachment 6's standards, or a department's own (附件6备注); each test optional."""

    who: str = ""
    fine: str = Option(Text(), "column of the fine")
    method: str = Option(Text(), "column saying how the fine was set: 规定金额 / 规定倍数 / 按人数")
    range: dict = Option(Section(_Range, as_dict=True), "fine near the statutory maximum", default={})
    multiple: dict = Option(Section(_Multiple, as_dict=True), "fine as a multiple of an amount", default={})
    per_worker: dict = Option(Section(_PerWorker, as_dict=True), "fine by the number of workers", default={})
    amount: dict = Option(Section(_Amount, as_dict=True), "amount concerned (封存 ≥ 50万元)", default={})
    licence: dict = Option(Section(_Licence, as_dict=True), "licences for foreign-invested parties", default={})
    basis: str = Option(Basis(), "legal basis: attachment 6, or the department's own standard")

    def columns(self) -> list[str]:
        named = [c for c in (self.fine, self.method) if c]
        named += [spec[k] for spec, k in ((self.range, "maximum"), (self.multiple, "base"),
                                           (self.per_worker, "workers"), (self.amount, "column"),
                                           (self.licence, "column")) if spec]
        return named + ([self.licence["party"]["column"]] if self.licence.get("party") else [])


@section
class Revocation:
    """Revoking or cancelling a licence (附件5第二条（三））: major at every level."""

    column: str = Option(Text(), "column of the penalty kinds, or a licence's 状态", required=True)
    values: tuple = Option(ListOf(Text()), "values that are a revocation (吊销许可证件; 撤销)", required=True)
    decided: str = Option(Text(), "column of the revocation's date, when not the decision date (状态日期)")
    basis: str = Option(Basis(), "legal basis")


@section
class HearingLink:
    """Decided after a hearing (附件5第二条（四））: major at every level."""

    dataset: str = Option(Text(), "the hearings dataset", required=True)
    column: str = Option(Text(), "the record's column naming its hearing (听证编号)")
    party: str = Option(Text(), "the record's column naming the party, matched to the hearing's applicant")
    within_days: int = Option(Integer(min=1, max=3650), "the hearing at most this many days before the decision",
                              default=180)
    applicant: str = Option(Text(), "the hearings dataset's column naming the party", default="听证申请人")
    basis: str = Option(Basis(), "legal basis")


@section
class MajorConfig:
    flag: str = Option(Text(), "the 是否重大 column", default="是否重大")
    basis: str = Option(Basis(), "legal basis")
    as_written: tuple = Option(ListOf(Choice(LEVELS)), "levels to which attachment 6 applies as written (区)")
    thresholds: Thresholds = Option(Section(Thresholds), "attachment 6's standards", default=Thresholds())
    local: tuple = Option(MapOf(Section(Thresholds), into=lambda items: tuple(items), name="who",
                                placeholder="<department>"), "a city's or county's own standards (附件6备注)")
    revocation: Revocation | None = Option(Section(Revocation), "revoking a licence", default=None)
    hearing: HearingLink | None = Option(Section(HearingLink), "decided after a hearing", default=None)

    @classmethod
    def settle(cls, values, written, at):
        base = values["thresholds"]
        # a department's own standards replace attachment 6's tests, on the same columns
        values["local"] = tuple((who, Thresholds(**{**t.__dict__, "fine": t.fine or base.fine,
                                                   "method": t.method or base.method}))
                                for who, t in values["local"])

    def columns(self) -> list[tuple[str, str]]:
        named = [("major.flag", self.flag)] + [("major.thresholds", c) for c in self.thresholds.columns()]
        named += [(f"major.local.{who}", c) for who, t in self.local for c in t.columns()]
        if self.revocation:
            named += [("major.revocation", c) for c in (self.revocation.column, self.revocation.decided) if c]
        if self.hearing:
            named += [("major.hearing", c) for c in (self.hearing.column, self.hearing.party) if c]
        return named


# ---------------------------------------------------------------- credit: (P10)

@section
class Term:
    """n years and months (P2.3); its basis is the class's."""

    years: int = Option(Integer(min=0, max=10), "years")
    months: int = Option(Integer(min=0, max=120), "months, added to the years")

    @property
    def total(self) -> int:
        return self.years * 12 + self.months

    def last_day(self, start: date) -> date:
        return period_last_day(start, self.years, self.months)

    def describe(self) -> str:
        if not self.total:
            return "无最短期限"
        return (f"{self.years} 年" if self.years else "") + (f"{self.months} 个月" if self.months else "")


@section
class PortalTerm(Term):
    """A class's own period on the portal, instead of the dataset's default, with its basis."""

    basis: str = Option(Basis(), "legal basis of this period on the portal")


@section
class _ClassAmount:
    column: str = Option(Text(), "column of the amount (罚款金额)", required=True)
    at_least: tuple = Option(AtLeast(), "the class from this amount (元), or per level", required=True)


@section
class ClassRule:
    """A rule that gives a penalty a class: every condition it has must hold."""

    klass: str = Option(Choice(CLASSES), "the class it gives", key="class", required=True)
    when: tuple = Option(VALUES, "a value of the cell among these")
    only: tuple = Option(VALUES, "every value of the cell among these (警告、通报批评 alone)")
    amount: tuple = Option(Section(_ClassAmount, as_dict=True), "`{column, at_least}`: the cell ≥ an amount, "
                           "per department level", default={})
    basis: str = Option(Basis(), "legal basis (the dividing standard)")

    @classmethod
    def settle(cls, values, written, at):
        amount = values["amount"]  # read as ((column, ((层级, at least), …)),) like `when`
        values["amount"] = ((amount["column"], amount["at_least"]),) if amount else ()
        if not (values["when"] or values["only"] or values["amount"]) and at.clean():
            at.fail("{path} 至少要有 when、only 或 amount 之一")


@section
class ClassPeriods:
    """What a class is published for: on the credit channel (None: not sent), on the portal (None:
    the dataset's own periods), and after how long a party may apply for repair."""

    klass: str = ""
    creditchina: Term | None = Option(Section(Term), "period on the credit channel; absent or null: not sent",
                                      default=None)
    portal: PortalTerm | None = Option(Section(PortalTerm), "the class's own period on the portal", default=None)
    repair_after: Term | None = Option(Section(Term), "the shortest period: repair from the day after",
                                       default=None, default_doc="the order's minimum")
    basis: str = Option(Basis(), "legal basis")

    @classmethod
    def settle(cls, values, written, at):
        name = values["klass"]
        if name not in ORDER_36:
            return
        shortest, longest = ORDER_36[name]
        law = f"《信用修复管理办法》：{name}失信信息{ORDER_36_TEXT[name]}（规则 P10.2）"
        credit, after, portal = values["creditchina"], values["repair_after"], values["portal"]
        if credit is None and shortest:
            (at / "creditchina").fail(f"缺少 {{path}}：{name}失信信息须报送信用平台，{law}")
        if credit is not None and not (max(shortest, 1) <= credit.total <= longest):
            (at / "creditchina").fail(f"{{path}} 为 {credit.describe()}，超出法定范围：{law}")
        if after is None:
            values["repair_after"] = after = Term(months=shortest)
        elif after.total < shortest:
            (at / "repair_after").fail(f"{{path}} 为 {after.describe()}，短于最短公示期：{law}")
        if credit is not None and after.total > credit.total:
            (at / "repair_after").fail(f"{{path}} 长于信用中国的公示期限 {credit.describe()}")
        if portal is not None and portal.total < shortest:
            (at / "portal").fail(f"{{path}} 为 {portal.describe()}，短于最短公示期（平台不发布的信息不能报送信用中国）：{law}")


@section
class Repair:
    """The repair decision's columns, the channels a repair ends publication on, and what the
    record's URL then answers."""

    number: str = Option(Text(), "column of the repair decision's number", required=True)
    on: str = Option(Text(), "column of its date", key="date", required=True)
    body: str = Option(Text(), "column of the body that decided it", required=True)
    ends: tuple = Option(ListOf(Choice(CHANNELS)), "channels it ends publication on", default=(CREDITCHINA, PORTAL))
    page: str = Option(Choice(REPAIR_PAGES), "the record's URL: 410 with `/gone/`, or with a 信用修复 notice",
                       default="gone")
    basis: str = Option(Basis(), "legal basis (Order 36 art. 3)")
    portal_basis: str = Option(Basis(), "why the portal ends publication too, or keeps attachment 2's period")

    @classmethod
    def settle(cls, values, written, at):
        if CREDITCHINA not in values["ends"]:
            (at / "ends").fail("{path} 必须含 creditchina（《信用修复管理办法》第三条：修复后包括“信用中国”网站在内的"
                               "信用信息系统终止公示，规则 P10.4）")


@section
class CreditConfig:
    column: str = Option(Text(), "the department's own class (失信程度): overrides the rules", required=True)
    since: date = Option(Day(), "decisions from this day follow the order on the credit channel", required=True)
    basis: str = Option(Basis(), "legal basis")
    default: str = Option(Choice(CLASSES), "the class when no rule holds", default="一般")
    rules: tuple = Option(ListOf(Section(ClassRule)), "dividing rules; the most severe that holds wins")
    classes: dict = Option(MapOf(Section(ClassPeriods), key=Choice(CLASSES), name="klass", placeholder="<class>"),
                           "per class: creditchina, portal, repair_after, basis", required=True)
    repair: Repair | None = Option(Section(Repair), "credit repair (P10.3, P10.4)", default=None)

    @classmethod
    def settle(cls, values, written, at):
        missing = [c for c in CLASSES if c not in values["classes"]]
        if missing and at.clean("classes"):
            (at / "classes").fail(f"{{path}} 缺少 {'、'.join(missing)}（三类失信信息都要写明期限，规则 P10.2）")

    def columns(self) -> list[tuple[str, str]]:
        """(setting, column) of every column the block names, checked against the schema."""
        named = [("credit.column", self.column)]
        for i, r in enumerate(self.rules):
            named += [(f"credit.rules[{i}]", c) for c, _ in r.when + r.only + r.amount]
        if self.repair:
            named += [("credit.repair", c) for c in (self.repair.number, self.repair.on, self.repair.body)]
        return named
