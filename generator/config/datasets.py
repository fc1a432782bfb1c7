"""``datasets:`` in site_config.yaml — one entry per published list (an item of attachment 2) or
internal register — declared key by key (see options.py), and the checks of a dataset's settings
against its schema that run before any row is read.

Periods, deadlines and their legal bases are configuration, not constants in code: the platform
page that explains them is generated from the same objects the build uses.
"""

from __future__ import annotations

import re

from ..diagnostics import Diagnostic, diag
from ..guards import private_column_problems
from .kinds import Basis, Choice, Flag, Integer, ListOf, MapOf, OneOrMany, Text, sorted_pairs, values_of
from .law import CreditConfig, MajorConfig
from .options import Kind, Option, Section, given, section, shown, unknown_key
from .titles import RecordTitle, TitleTemplate

CONFIG_FILE = "site_config.yaml"

# Columns that carry a record's life cycle (P4, P5, P6), by role; a dataset may rename them.
LIFECYCLE_DEFAULTS = {
    "published_on": "公示日期",
    "reviewed_on": "保密审查日期",
    "status": "状态",
    "status_on": "状态日期",
    "status_note": "状态说明",
}

# 状态 values (P5, P6): listed with a note, or withdrawn from every list.
STATUS_NORMAL = ("", "正常")
STATUS_NOTED = ("已更正", "已变更")
# the last: a published record whose row was deleted, withdrawn by the build from the ledger (ledger.py, P5.2)
STATUS_DELETED = "删除（未按规定撤下）"
STATUS_WITHDRAWN = ("撤下", "撤销", "确认违法", "确认无效", STATUS_DELETED)

GROUP_UNITS = ("quarter", "half-year", "year", "value")
# life: last_day is the portal's 公示截止期, credit_last_day the credit channel's (P10.2), state the
# record's current state on that channel (有效: what a data-item file lists is in force, S2)
EXPORT_SOURCES = {"life": ("last_day", "credit_last_day", "state", "published_on", "period_start"),
                  "agency": ("name", "credit_code")}
URL_PATH = r"[a-z0-9][a-z0-9-]*"

# a condition on a record: column → value, or any of several values
WHEN = MapOf(OneOrMany(Text()), into=sorted_pairs, placeholder="<column>")


@section
class PeriodRule:
    """A display period: n years/months from ``start`` (P2.3), or 长期 (``None`` years and months),
    optionally ending at the date in ``until`` (P2.6: while a certificate is valid)."""

    years: int = Option(Integer(min=0, max=100), "years of display (P2.3); none with `months`: 长期")
    months: int = Option(Integer(min=0, max=1200), "months of display, added to `years`")
    basis: str = Option(Basis(), "legal basis of this period")
    when: tuple = Option(WHEN, "the rule applies to records with these column values (P2.5)")

    @property
    def indefinite(self) -> bool:
        return not self.years and not self.months

    def describe(self) -> str:
        if self.indefinite:
            return "长期"
        return (f"{self.years} 年" if self.years else "") + (f"{self.months} 个月" if self.months else "")


@section
class Period:
    start: str | None = Option(Text(), "column the period runs from (P2.1); required unless 长期", key="from",
                               default=None)
    until: str | None = Option(Text(), "column holding the last valid day: 长期 while valid (P2.6)", default=None)
    default: PeriodRule = Option(Section(PeriodRule), "the period of every record no rule matches", required=True)
    rules: tuple = Option(ListOf(Section(PeriodRule)), "longer periods by column values; the longest match wins (P2.5)")

    @classmethod
    def settle(cls, values, written, at):
        rules = [r for r in (values["default"], *values["rules"]) if r is not None]
        if values["start"] is None and not all(r.indefinite for r in rules):
            (at / "from").fail("有期限时必须写明 {path}（起算日期所在的列）")


@section
class Deadline:
    start: str = Option(Text(), "column of the day the term starts from (not counted, P2.2)", key="from", required=True)
    working_days: int = Option(Integer(min=1, max=365), "working days to publish within (P8)", required=True)
    basis: str = Option(Basis(), "legal basis of the deadline")
    when: tuple = Option(WHEN, "the deadline applies only to records with these column values")


@section
class GroupBy:
    """Group a list by the period in which a date falls, the period depending on the level of
    the record's department (P9: city/county quarterly, the region half-yearly)."""

    column: str = Option(Text(), "the date (or, with `value`, any) column to group by", required=True)
    by_level: tuple = Option(MapOf(Choice(GROUP_UNITS), into=sorted_pairs, placeholder="<层级>"),
                             "unit per department level (层级), e.g. `{区: half-year}`")
    default: str = Option(Choice(GROUP_UNITS), "unit where no level rule applies; `value`: the cell itself",
                          default="quarter")
    basis: str = Option(Basis(), "legal basis of the grouping")
    order: tuple = Option(ListOf(Text()), "for `value`: the groups' order (e.g. 现行有效 first)")

    def unit(self, level: str) -> str:
        return dict(self.by_level).get(level, self.default)


@section
class _ColumnSource:
    column: str = Option(Text(), "a public field", required=True)
    unit: str = Option(Choice(("", "万元")), "`万元`: the amount in 元 divided by 10,000", default="")


class ExportColumn(Kind):
    """One column of a mapped export: a public field (``column``, optionally converted to 万元), a
    value of the record's life cycle (``life``: last_day …), of its department (``agency``: name,
    credit_code), or nothing (``null``) where the platform has no such data."""

    nullable = True
    KEYS = ("column", "unit", *EXPORT_SOURCES)

    def parse(self, value, at):
        if value is None:
            return ("empty", "", "")
        if isinstance(value, str):
            return ("column", value, "")
        if isinstance(value, dict) and "column" in value:
            source = Section(_ColumnSource, as_dict=True).parse(value, at)
            return ("column", source["column"], source["unit"])
        if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in EXPORT_SOURCES:
            kind, what = next(iter(value.items()))
            return (kind, Choice(EXPORT_SOURCES[kind]).parse(what, at / kind), "")
        if isinstance(value, dict) and (unknown := [k for k in value if k not in self.KEYS]):
            for k in unknown:
                (at / str(k)).fail(unknown_key(str(k), self.KEYS))
        else:
            at.fail(f"应为列名、{{column: 列名, unit: 万元}}、{{life: …}}、{{agency: …}} 或 null，现为{shown(value)}")
        return ("empty", "", "")

    def describe(self):
        return "a public field, `{column: …, unit: 万元}`, `{life: last_day}`, `{agency: credit_code}` or `null`"


@section
class MappedExport:
    """A CSV in another system's data items, e.g. 信用中国's 双公示 codes (rules S1, S2)."""

    name: str
    title: str = Option(Text(), "what the file is, shown on /opendata/", default_doc="the export's name")
    basis: str = Option(Basis(), "the data-item specification followed, and what is left out")
    columns: tuple = Option(MapOf(ExportColumn(), into=lambda items: tuple((code, *spec) for code, spec in items),
                                  placeholder="<code>"), "the file's columns, in order: code → source", required=True)

    @classmethod
    def settle(cls, values, written, at):
        values["title"] = values["title"] or values["name"]


@section
class SearchConfig:
    """What /search/ finds of a dataset.  ``names`` and ``identifiers`` go into the lookup index
    (exact and part-of-name matches that word segmentation cannot break); ``filters`` and
    ``amount`` into Pagefind's filters and sort; ``fulltext`` limits the public fields that
    Pagefind indexes besides the title (``None``: all), which bounds its memory at 100,000 pages."""

    names: tuple = Option(ListOf(Text()), "columns found by the full name and by any 2+-character part")
    identifiers: tuple = Option(ListOf(Text()), "columns found exactly, I1/I3-normalised "
                                "(credit codes, 工商注册号, 文号, 许可编号, 执法证件编号)")
    filters: tuple = Option(ListOf(Text()), "filters besides 公示事项, 执法主体, 地区, 年份")
    amount: str | None = Option(Text(), "column to sort results by amount", default=None)
    fulltext: tuple | None = Option(ListOf(Text()), "public fields Pagefind indexes besides the title; absent: all",
                                    default=None)

    def columns(self) -> list[tuple[str, str]]:
        named = [(f"search.{k}", c) for k in ("names", "identifiers", "filters") for c in getattr(self, k)]
        named += [("search.fulltext", c) for c in self.fulltext or ()]
        return named + ([("search.amount", self.amount)] if self.amount else [])


@section
class DatasetConfig:
    name: str
    item: int = Option(Integer(min=1, max=24), "the item of attachment 2 it publishes (P1); not for `internal`")
    title: str = Option(Text(), "the list's title", default_doc="the dataset's name")
    file: str = Option(Text(), "the CSV, relative to the site", required=True)
    schema: str = Option(Text(), "its Table Schema (JSON)", required=True)
    path: str = Option(Text(example="random-checks"), "URL path: lower-case letters, digits and hyphens",
                       default_doc="the dataset's name")
    key: tuple = Option(ListOf(Text(), single=True), "columns of the record's stable id (I3-normalised): its URL",
                        required=True)
    title_field: str = Option(Text(), "column that names a record", required=True)
    record_title: RecordTitle = Option(TitleTemplate(), "what tells its records apart in page titles, headings and "
                                       "feed entries: `{column}`s and text, e.g. `\"{行政相对人名称}（{文号}）\"`",
                                       default=None, default_doc="`{title_field}`")
    date_field: str | None = Option(Text(), "column that orders lists (newest first); none: key order", default=None)
    agency_field: str | None = Option(Text(), "column naming the department (agencies.yaml)", default=None)
    list_columns: tuple = Option(ListOf(Text()), "columns shown in lists")
    record_pages: bool = Option(Flag(), "one page per record", default=False)
    remedy_notice: bool = Option(Flag(), "record pages tell how to seek remedy (P7): decisions", default=False)
    period: Period = Option(Section(Period), "display period (P2)", required=True)
    deadline: Deadline | None = Option(Section(Deadline), "publication deadline in working days (P8)", default=None)
    checks: tuple = Option(ListOf(Text()), "cross-field checks: `party_identity`, `legal_review_of_major`, `fine_amount`")
    order: tuple = Option(ListOf(ListOf(Text(), length=2)), "`[earlier, later]` date-column pairs that must be in order")
    lifecycle: dict = Option(MapOf(Text(), key=Choice(tuple(LIFECYCLE_DEFAULTS)), placeholder="<role>"),
                             "renames life-cycle columns: " + ", ".join(f"`{k}` ({v})" for k, v in LIFECYCLE_DEFAULTS.items()),
                             default={})
    description: str = Option(Text(), "one paragraph shown above the list")
    group_by: GroupBy | None = Option(Section(GroupBy), "group lists by period (P9) or by a column's value", default=None)
    exports: tuple = Option(MapOf(Section(MappedExport), into=values_of, name="name"),
                            "CSVs in other systems' data items (S1, S2)")
    oldest_first: bool = Option(Choice({"newest-first": False, "oldest-first": True}),
                                "list order by `date_field` (oldest first: e.g. the next hearing)", key="sort",
                                default=False)
    feed: bool = Option(Flag(), "an Atom feed with daily archives for sync consumers (art. 9)", default=False)
    internal: bool = Option(Flag(), "never published, not even a page: read by `gongshi check` only (P3.1)",
                            default=False)
    search: SearchConfig = Option(Section(SearchConfig), "what /search/ finds of the dataset", default=SearchConfig())
    major: MajorConfig | None = Option(Section(MajorConfig), "major decisions by rule (L2, L3): README “Major decisions”",
                                       default=None)
    credit: CreditConfig | None = Option(Section(CreditConfig), "Order 36 classes, periods per channel, credit repair "
                                         "(P10): README “Credit classes and repair”", default=None)

    def role(self, name: str) -> str:
        return self.lifecycle.get(name, LIFECYCLE_DEFAULTS[name])

    @classmethod
    def settle(cls, values, written, at):
        name, internal = values["name"], values["internal"]
        if not internal and not given(written, "item"):
            (at / "item").fail("缺少 {path}（附件2的事项序号；不公开的内部数据集请写 internal: true）")
        values["title"] = values["title"] or name
        if values["record_title"] is None and values["title_field"]:
            values["record_title"] = RecordTitle.of_column(values["title_field"])
        values["path"] = values["path"] or name
        if not internal and not re.fullmatch(URL_PATH, values["path"]):
            (at / "path").fail(f"“{values['path']}”只能含小写字母、数字和连字符（用作网址）")
        for key in ("exports", "record_pages", "feed"):
            if internal and values[key]:
                (at / key).fail("{path}：内部数据集（internal: true）不能设置（规则 P3.1：内部数据不发布）")


def when_matches(value, wanted) -> bool:
    """Whether a cell meets a ``when:`` condition of this file (period rules, deadlines, compliance
    duties): one wanted value or any of several; a multi-value cell meets it if one of its values does."""
    wanted = (wanted,) if isinstance(wanted, str) else wanted
    if isinstance(value, tuple):
        return any(v in wanted for v in value)
    return value is not None and str(value) in wanted


def columns_named(ds: DatasetConfig) -> list[tuple[str, str]]:
    """(setting, column) for every column the dataset's configuration names, so that they can be
    checked against its schema before any row is read."""
    named = [("key", c) for c in ds.key] + [("list_columns", c) for c in ds.list_columns]
    named += [(k, v) for k, v in (("title_field", ds.title_field), ("date_field", ds.date_field),
                                  ("agency_field", ds.agency_field), ("period.from", ds.period.start),
                                  ("period.until", ds.period.until)) if v]
    named += [("record_title", c) for c in ds.record_title.columns if c != ds.title_field] if ds.record_title else []
    named += [("order", c) for pair in ds.order for c in pair]
    named += [("period.rules.when", c) for rule in ds.period.rules for c, _ in rule.when]
    if ds.deadline:
        named += [("deadline.from", ds.deadline.start)] + [("deadline.when", c) for c, _ in ds.deadline.when]
    if ds.group_by:
        named.append(("group_by.column", ds.group_by.column))
    named += [(f"exports.{e.name}", what) for e in ds.exports for _, kind, what, _ in e.columns if kind == "column"]
    named += ds.major.columns() if ds.major else []
    named += ds.credit.columns() if ds.credit else []
    return named + ds.search.columns()


def dataset_problems(ds: DatasetConfig, has_column, known_checks, is_public=lambda col: True) -> list[Diagnostic]:
    """The dataset's settings that name a column its schema lacks, an export of a private column,
    or an unknown check: caught before any row is read, as errors in site_config.yaml."""
    problems = [diag("E-CONFIG", CONFIG_FILE, detail=f"datasets.{ds.name}.{setting}：“{col}”不是 {ds.schema} 中的列")
                for setting, col in columns_named(ds) if not has_column(col)]
    problems += [diag("E-CONFIG", CONFIG_FILE,
                      detail=f"datasets.{ds.name}.exports.{e.name}：“{what}”不是公开字段，不能导出（规则 P3.1）")
                 for e in ds.exports for _, kind, what, _ in e.columns
                 if kind == "column" and has_column(what) and not is_public(what)]
    problems += [diag("E-CONFIG", CONFIG_FILE,
                      detail=f"datasets.{ds.name}.{setting}：“{col}”不是公开字段，不能用于查询（规则 P3.1）")
                 for setting, col in ds.search.columns() if has_column(col) and not is_public(col)]
    problems += private_column_problems(ds, has_column, is_public, CONFIG_FILE)  # key, title, lists … (P3.1)
    problems += [diag("E-CONFIG", CONFIG_FILE, detail=f"datasets.{ds.name}.checks：“{name}”不是已知的检查")
                 for name in ds.checks if name not in known_checks]
    # the class and why are shown on the record page (P10.1): only public fields may decide it
    problems += [diag("E-CONFIG", CONFIG_FILE,
                      detail=f"datasets.{ds.name}.{setting}：“{col}”不是公开字段，失信程度的认定理由要公示（规则 P3.1）")
                 for setting, col in (ds.credit.columns() if ds.credit else ())
                 if setting.startswith(("credit.rules", "credit.column")) and has_column(col) and not is_public(col)]
    return problems
