"""NDRC Order 36 (《信用修复管理办法》, 国家发展改革委令第36号, in force 2026-04-01) for a dataset of
penalties: the 失信程度 of each decision (P10.1), how long each class is published on each channel
within the order's bounds (P10.2), when a party may apply for credit repair (P10.3), and what a
repair ends (P10.4).

Channels: ``portal`` is this platform's own pages, lists, CSV/JSON exports and search (the 2019
regulation's periods unless configured otherwise); ``creditchina`` is what credit platforms sync
from — the 信用中国 data-item exports and the feed.  The credit channel never outlasts the portal:
the platform sends only what it publishes.

The dataset's ``credit:`` block of site_config.yaml is read here (classes, rules, periods, repair).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .dates import period_last_day, parse_date

CLASSES = ("轻微", "一般", "严重")           # least severe first
PORTAL, CREDITCHINA = "portal", "creditchina"
CHANNELS = (PORTAL, CREDITCHINA)
REPAIRED = "信用修复"                        # the change a repair makes: tombstone comment, notice
REPAIR_PAGES = ("gone", "notice")           # 410 with the general page, or with a notice of the repair
# The order's bounds on the credit channel, in months: (shortest publication, i.e. the earliest
# repair; longest publication).  Law, not configuration: a configuration outside them is refused.
ORDER_36 = {"轻微": (0, 3), "一般": (3, 12), "严重": (12, 36)}
ORDER_36_TEXT = {"轻微": "原则上不予公示；确有必要公示的，最长不超过3个月，法定责任履行完毕即可申请修复",
                 "一般": "最短公示3个月，最长1年", "严重": "最短公示1年，最长3年"}


@dataclass(frozen=True)
class Term:
    """n years and months (P2.3), with its basis."""

    years: int = 0
    months: int = 0
    basis: str = ""

    @property
    def total(self) -> int:
        return self.years * 12 + self.months

    def last_day(self, start: date) -> date:
        return period_last_day(start, self.years, self.months)

    def describe(self) -> str:
        if not self.total:
            return "无最短期限"
        return (f"{self.years} 年" if self.years else "") + (f"{self.months} 个月" if self.months else "")


@dataclass(frozen=True)
class ClassRule:
    """A rule that gives a penalty a class: every condition it has must hold."""

    klass: str
    basis: str
    when: tuple = ()        # (column, values): a value of the cell among these
    only: tuple = ()        # (column, values): every value of the cell among these
    amount: tuple = ()      # (column, ((层级 or "", at least), …)): the cell ≥ the level's amount

    def reason(self, get, level: str) -> str | None:
        """Why the rule holds for a record, in words; None when it does not."""
        said = []
        for column, wanted in self.when:
            values = _values(get(column))
            hits = [v for v in values if v in wanted]
            if not hits:
                return None
            said.append(f"{column}含{'、'.join(hits)}")
        for column, allowed in self.only:
            values = _values(get(column))
            if not values or any(v not in allowed for v in values):
                return None
            said.append(f"{column}仅为{'、'.join(values)}")
        for column, thresholds in self.amount:
            floor = dict(thresholds).get(level, dict(thresholds).get(""))
            value = get(column)
            if floor is None or value is None or Decimal(str(value)) < floor:
                return None
            said.append(f"{column} {_yuan(Decimal(str(value)))}（{level + '级' if level else ''}标准 {_yuan(floor)} 元以上）")
        return "，".join(said)


@dataclass(frozen=True)
class ClassPeriods:
    """What a class is published for: on the credit channel (None: not sent), on the portal (None:
    the dataset's own periods), and after how long a party may apply for repair."""

    creditchina: Term | None
    portal: Term | None
    repair_after: Term
    basis: str


@dataclass(frozen=True)
class Repair:
    """The repair decision's columns, the channels a repair ends publication on, and what the
    record's URL then answers (``gone``: 410 with the general page; ``notice``: 410 with a notice)."""

    number: str
    on: str
    body: str
    ends: tuple[str, ...]
    page: str
    basis: str
    portal_basis: str = ""


@dataclass(frozen=True)
class CreditConfig:
    column: str                     # the editor's class: overrides the rules (P10.1)
    since: date                     # decisions from this day follow the order on the credit channel
    basis: str
    default: str                    # the class when no rule holds
    rules: tuple[ClassRule, ...]
    classes: dict = field(default_factory=dict)  # class → ClassPeriods
    repair: Repair | None = None

    def columns(self) -> list[tuple[str, str]]:
        """(setting, column) of every column the block names, checked against the schema."""
        named = [("credit.column", self.column)]
        for i, r in enumerate(self.rules):
            named += [(f"credit.rules[{i}]", c) for c, _ in r.when + r.only + r.amount]
        if self.repair:
            named += [("credit.repair", c) for c in (self.repair.number, self.repair.on, self.repair.body)]
        return named


def derive(cfg: CreditConfig, get, level: str) -> tuple[str, str]:
    """(class, why) by the dividing rules: of the rules that hold, the most severe class wins (as
    the longest period does, P2.5); none holds: the default class."""
    derived, why = None, ""
    for rule in cfg.rules:
        reason = rule.reason(get, level)
        if reason is not None and (derived is None or CLASSES.index(rule.klass) > CLASSES.index(derived)):
            derived, why = rule.klass, f"{reason}（{rule.basis}）"
    if derived is None:
        return cfg.default, f"未命中划分规则，按默认划分为“{cfg.default}”"
    return derived, why


def classify(cfg: CreditConfig, get, level: str) -> tuple[str, str]:
    """(class, why) of a record: the department's own entry wins over the rules (P10.1)."""
    derived, why = derive(cfg, get, level)
    entered = get(cfg.column)
    if entered:
        return entered, "执法机关认定" + ("" if entered == derived else f"；按划分规则为“{derived}”：{why}")
    return derived, why


def _values(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return value if isinstance(value, tuple) else (str(value),)


def _yuan(x: Decimal) -> str:
    return f"{x.normalize():f}"


# ---------------------------------------------------------------- reading the `credit:` block

def _term(spec, where: str, problems: list, need_basis=True) -> Term:
    if not isinstance(spec, dict) or set(spec) - {"years", "months", "basis"}:
        problems.append(f"{where} 应为 {{years: …, months: …, basis: …}}")
        return Term()
    try:
        years, months = int(spec.get("years", 0) or 0), int(spec.get("months", 0) or 0)
    except (TypeError, ValueError):
        problems.append(f"{where} 的 years、months 应为整数")
        return Term()
    if years < 0 or months < 0:
        problems.append(f"{where} 不能为负数")
    if need_basis and not spec.get("basis"):
        problems.append(f"{where} 缺少 basis（法律依据）")
    return Term(years, months, str(spec.get("basis", "")))


def _pairs(spec, where: str, problems: list) -> tuple:
    if not isinstance(spec, dict):
        problems.append(f"{where} 应为映射：列名 → 值或值的列表")
        return ()
    return tuple((str(k), tuple(str(x) for x in (v if isinstance(v, list) else [v]))) for k, v in spec.items())


def _amount(spec, where: str, problems: list) -> tuple:
    if not isinstance(spec, dict) or set(spec) != {"column", "at_least"}:
        problems.append(f"{where} 应为 {{column: 列名, at_least: 金额 或 {{层级: 金额}}}}")
        return ()
    at_least = spec["at_least"]
    levels = at_least if isinstance(at_least, dict) else {"": at_least}
    try:
        pairs = tuple(sorted((str(k), Decimal(str(v))) for k, v in levels.items()))
    except ArithmeticError:
        problems.append(f"{where}.at_least 应为金额（元）")
        return ()
    return ((str(spec["column"]), pairs),)


RULE_KEYS = {"class", "basis", "when", "only", "amount"}
CLASS_KEYS = {"creditchina", "portal", "repair_after", "basis"}
REPAIR_KEYS = {"number", "date", "body", "ends", "page", "basis", "portal_basis"}
CREDIT_KEYS = {"column", "since", "basis", "default", "rules", "classes", "repair"}


def parse_credit(spec, where: str, problems: list) -> CreditConfig | None:
    """The dataset's ``credit:`` block; problems (in Chinese, naming the key) go to ``problems``.
    A period outside Order 36's bounds is refused (P10.2)."""
    if spec is None:
        return None
    if not isinstance(spec, dict):
        problems.append(f"{where} 应为映射")
        return None
    problems += [f"{where}.{k} 不是可用的设置（可用：{'、'.join(sorted(CREDIT_KEYS))}）" for k in spec if k not in CREDIT_KEYS]
    for key in ("column", "since", "basis", "classes"):
        if not spec.get(key):
            problems.append(f"{where} 缺少 {key}")
    since = spec.get("since")
    since = since if isinstance(since, date) else parse_date(str(since or ""))
    if spec.get("since") and since is None:
        problems.append(f"{where}.since 应为日期，如 2026-04-01")
    default = str(spec.get("default", "一般"))
    if default not in CLASSES:
        problems.append(f"{where}.default 只能是 {' / '.join(CLASSES)}")
    rules = []
    for i, r in enumerate(spec.get("rules") or ()):
        at = f"{where}.rules[{i}]"
        if not isinstance(r, dict) or set(r) - RULE_KEYS or r.get("class") not in CLASSES:
            problems.append(f"{at} 应为 {{class: 轻微/一般/严重, when/only/amount: …, basis: …}}")
            continue
        if not r.get("basis"):
            problems.append(f"{at} 缺少 basis（划分标准的依据）")
        rule = ClassRule(r["class"], str(r.get("basis", "")),
                         _pairs(r["when"], f"{at}.when", problems) if "when" in r else (),
                         _pairs(r["only"], f"{at}.only", problems) if "only" in r else (),
                         _amount(r["amount"], f"{at}.amount", problems) if "amount" in r else ())
        if not (rule.when or rule.only or rule.amount):
            problems.append(f"{at} 至少要有 when、only 或 amount 之一")
        rules.append(rule)
    classes = {}
    for name in CLASSES:
        c = (spec.get("classes") or {}).get(name)
        at = f"{where}.classes.{name}"
        if not isinstance(c, dict) or set(c) - CLASS_KEYS or "creditchina" not in c or not c.get("basis"):
            problems.append(f"{at} 应写明 creditchina（信用中国报送期限，null 为不报送）和 basis")
            continue
        classes[name] = _class_periods(name, c, at, problems)
    unknown = set(spec.get("classes") or {}) - set(CLASSES)
    problems += [f"{where}.classes.{k} 不是失信程度（{' / '.join(CLASSES)}）" for k in sorted(unknown, key=str)]
    repair = _repair(spec.get("repair"), f"{where}.repair", problems)
    return CreditConfig(str(spec.get("column", "")), since or date.min, str(spec.get("basis", "")), default,
                        tuple(rules), classes, repair)


def _class_periods(name: str, c: dict, at: str, problems: list) -> ClassPeriods:
    shortest, longest = ORDER_36[name]
    law = f"《信用修复管理办法》：{name}失信信息{ORDER_36_TEXT[name]}（规则 P10.2）"
    credit = None if c["creditchina"] is None else _term(c["creditchina"], f"{at}.creditchina", problems, False)
    if credit is not None and not (max(shortest, 1) <= credit.total <= longest):
        problems.append(f"{at}.creditchina 为 {credit.describe()}，超出法定范围：{law}")
    after = _term(c["repair_after"], f"{at}.repair_after", problems, False) if "repair_after" in c \
        else Term(months=shortest, basis=law)
    if after.total < shortest:
        problems.append(f"{at}.repair_after 为 {after.describe()}，短于最短公示期：{law}")
    if credit is not None and after.total > credit.total:
        problems.append(f"{at}.repair_after 长于信用中国的公示期限 {credit.describe()}")
    portal = _term(c["portal"], f"{at}.portal", problems) if c.get("portal") is not None else None
    if portal is not None and portal.total < shortest:
        problems.append(f"{at}.portal 为 {portal.describe()}，短于最短公示期（平台不发布的信息不能报送信用中国）：{law}")
    return ClassPeriods(credit, portal, after, str(c["basis"]))


def _repair(r, at: str, problems: list) -> Repair | None:
    if r is None:
        return None
    if not isinstance(r, dict) or set(r) - REPAIR_KEYS:
        problems.append(f"{at} 的键只能是 {'、'.join(sorted(REPAIR_KEYS))}")
        return None
    for key in ("number", "date", "body", "basis"):
        if not r.get(key):
            problems.append(f"{at} 缺少 {key}")
    ends = tuple(str(c) for c in (r.get("ends") or (CREDITCHINA, PORTAL)))
    if any(c not in CHANNELS for c in ends) or CREDITCHINA not in ends:
        problems.append(f"{at}.ends 只能列 {' / '.join(CHANNELS)}，且必须含 creditchina"
                        "（《信用修复管理办法》第三条：修复后包括“信用中国”网站在内的信用信息系统终止公示，规则 P10.4）")
    if PORTAL in ends and not r.get("portal_basis"):
        problems.append(f"{at} 终止本平台公示时须写明 portal_basis（依据）")
    page = str(r.get("page", "gone"))
    if page not in REPAIR_PAGES:
        problems.append(f"{at}.page 只能是 {' / '.join(REPAIR_PAGES)}")
    return Repair(str(r.get("number", "")), str(r.get("date", "")), str(r.get("body", "")), ends, page,
                  str(r.get("basis", "")), str(r.get("portal_basis", "")))
