"""Typed site configuration, read from ``site_config.yaml``.

Periods, deadlines and their legal bases are configuration, not constants in code: the platform
page that explains them is generated from the same objects the build uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .credit import CreditConfig, parse_credit
from .diagnostics import Diagnostic, diag
from .major import MajorConfig, parse_major

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
STATUS_WITHDRAWN = ("撤下", "撤销", "确认违法", "确认无效")


class ConfigError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class PeriodRule:
    """A display period: n years/months from ``start`` (P2.3), or 长期 (``None`` years and months),
    optionally ending at the date in ``until`` (P2.6: while a certificate is valid)."""

    years: int = 0
    months: int = 0
    basis: str = ""
    when: tuple[tuple[str, str], ...] = ()  # (column, value) pairs that must all hold

    @property
    def indefinite(self) -> bool:
        return not self.years and not self.months

    def describe(self) -> str:
        if self.indefinite:
            return "长期"
        return (f"{self.years} 年" if self.years else "") + (f"{self.months} 个月" if self.months else "")


@dataclass(frozen=True)
class Period:
    start: str | None             # column the period runs from (P2.1)
    until: str | None             # column holding the last valid day (长期 while valid, P2.6)
    default: PeriodRule
    rules: tuple[PeriodRule, ...] = ()  # the longest matching rule wins (P2.5)


@dataclass(frozen=True)
class Deadline:
    start: str
    working_days: int
    basis: str
    when: tuple[tuple[str, str], ...] = ()  # applies only to records with these values


@dataclass(frozen=True)
class GroupBy:
    """Group a list by the period in which a date falls, the period depending on the level of
    the record's department (P9: city/county quarterly, the region half-yearly)."""

    column: str
    by_level: tuple[tuple[str, str], ...]  # (层级, "quarter" | "half-year" | "year")
    default: str                           # unit when no level rule applies; "value": the cell itself
    basis: str
    order: tuple[str, ...] = ()            # for "value": the groups' order (e.g. 现行有效 first)

    def unit(self, level: str) -> str:
        return dict(self.by_level).get(level, self.default)


GROUP_UNITS = ("quarter", "half-year", "year", "value")


@dataclass(frozen=True)
class MappedExport:
    """A CSV in another system's data items, e.g. 信用中国's 双公示 codes (rules S1, S2).  Each
    column takes a public field (``column``, optionally converted to 万元), a value of the record's
    life cycle (``life``: last_day …), of its department (``agency``: name, credit_code), or
    nothing (``null``) where the platform has no such data."""

    name: str
    title: str
    basis: str
    columns: tuple[tuple[str, str, str, str], ...]  # (code, kind, what, unit)


# life: last_day is the portal's 公示截止期, credit_last_day the credit channel's (P10.2), state the
# record's current state on that channel (有效: what a data-item file lists is in force)
EXPORT_SOURCES = {"life": ("last_day", "credit_last_day", "state", "published_on", "period_start"),
                  "agency": ("name", "credit_code")}


def _mapped_export(name: str, spec: dict, where: str, problems: list) -> MappedExport:
    columns = []
    for code, source in (spec.get("columns") or {}).items():
        if source is None:
            columns.append((str(code), "empty", "", ""))
        elif isinstance(source, str):
            columns.append((str(code), "column", source, ""))
        elif isinstance(source, dict) and "column" in source:
            unit = str(source.get("unit", ""))
            if unit not in ("", "万元"):
                problems.append(f"{where}.columns.{code} 的 unit 只能是 万元")
            columns.append((str(code), "column", str(source["column"]), unit))
        elif isinstance(source, dict) and len(source) == 1 and next(iter(source)) in EXPORT_SOURCES:
            kind, what = next(iter(source.items()))
            if what not in EXPORT_SOURCES[kind]:
                problems.append(f"{where}.columns.{code}：{kind} 只能取 {' / '.join(EXPORT_SOURCES[kind])}")
            columns.append((str(code), kind, str(what), ""))
        else:
            problems.append(f"{where}.columns.{code} 应为列名、{{column: 列名, unit: 万元}}、{{life: …}}、{{agency: …}} 或 null")
    if not spec.get("basis"):
        problems.append(f"{where} 缺少 basis（数据项的依据）")
    return MappedExport(name, str(spec.get("title", name)), str(spec.get("basis", "")), tuple(columns))


@dataclass(frozen=True)
class Corrections:
    """The corrections log (P5.1): one row per correction of a published record."""

    file: str
    schema: str


# columns the corrections log must have: which dataset, which record, when
CORRECTION_COLUMNS = ("数据集", "记录", "更正日期")


@dataclass(frozen=True)
class SearchConfig:
    """What /search/ finds of a dataset.  ``names`` and ``identifiers`` go into the lookup index
    (exact and part-of-name matches that word segmentation cannot break); ``filters`` and
    ``amount`` into Pagefind's filters and sort; ``fulltext`` limits the public fields that
    Pagefind indexes besides the title (``None``: all), which bounds its memory at 100,000 pages."""

    names: tuple[str, ...] = ()        # found by the full name and by any 2+-character part
    identifiers: tuple[str, ...] = ()  # found exactly, I1/I3-normalised (credit codes, 文号)
    filters: tuple[str, ...] = ()      # filters besides 公示事项, 执法主体, 地区, 年份
    amount: str | None = None          # sort by amount
    fulltext: tuple[str, ...] | None = None

    def columns(self) -> list[tuple[str, str]]:
        named = [(f"search.{k}", c) for k in ("names", "identifiers", "filters") for c in getattr(self, k)]
        named += [("search.fulltext", c) for c in self.fulltext or ()]
        return named + ([("search.amount", self.amount)] if self.amount else [])


def _search(spec, where: str, problems: list) -> SearchConfig:
    if spec is None:
        return SearchConfig()
    if not isinstance(spec, dict) or set(spec) - {"names", "identifiers", "filters", "amount", "fulltext"}:
        problems.append(f"{where} 应为映射，键只能是 names、identifiers、filters、amount、fulltext")
        return SearchConfig()
    lists = {k: tuple(str(c) for c in spec.get(k) or ()) for k in ("names", "identifiers", "filters")}
    fulltext = spec.get("fulltext")
    return SearchConfig(**lists, amount=str(spec["amount"]) if spec.get("amount") else None,
                        fulltext=None if fulltext is None else tuple(str(c) for c in fulltext))


@dataclass(frozen=True)
class DatasetConfig:
    name: str
    item: int
    title: str
    file: str
    schema: str
    path: str
    key: tuple[str, ...]
    title_field: str
    date_field: str | None
    agency_field: str | None
    list_columns: tuple[str, ...]
    record_pages: bool
    remedy_notice: bool           # the record is a decision: its page tells how to seek remedy (P7)
    period: Period
    deadline: Deadline | None
    checks: tuple[str, ...]
    order: tuple[tuple[str, str], ...]
    lifecycle: dict = field(default_factory=dict)
    description: str = ""
    group_by: GroupBy | None = None
    exports: tuple[MappedExport, ...] = ()  # CSVs in other systems' data items (S1, S2)
    oldest_first: bool = False    # sort: oldest-first (e.g. hearings: the next one first)
    feed: bool = False            # an Atom feed with its archives, for sync consumers (art. 9)
    internal: bool = False        # never published, not even a page: read by `gongshi check` only (P3.1)
    search: SearchConfig = SearchConfig()
    credit: CreditConfig | None = None  # Order 36 classes, credit-channel periods, repair (P10)
    major: MajorConfig | None = None    # major decisions by rule (L2, L3)

    def role(self, name: str) -> str:
        return self.lifecycle.get(name, LIFECYCLE_DEFAULTS[name])


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    title: str
    short_title: str
    base_url: str
    publisher: str
    page_size: int
    feed_size: int
    correction: dict
    remedy: dict
    calendar_files: tuple[Path, ...]
    datasets: tuple[DatasetConfig, ...]
    agencies_file: str
    content_dir: str
    nav: tuple[str, ...]          # datasets linked from the top navigation
    tag: str = ""                 # "authority,date" of the feeds' tag: ids (RFC 4151); never changes
    corrections: Corrections | None = None
    raw: dict = field(repr=False, default_factory=dict)

    def dataset(self, name: str) -> DatasetConfig:
        for ds in self.datasets:
            if ds.name == name:
                return ds
        raise KeyError(name)


def _rule(spec: dict, where: str, problems: list) -> PeriodRule:
    if not isinstance(spec, dict):
        problems.append(f"{where} 应为映射")
        return PeriodRule()
    when = tuple(sorted((str(k), str(v)) for k, v in (spec.get("when") or {}).items()))
    if not spec.get("basis"):
        problems.append(f"{where} 缺少 basis（法律依据）")
    return PeriodRule(int(spec.get("years", 0) or 0), int(spec.get("months", 0) or 0),
                      str(spec.get("basis", "")), when)


def _dataset(name: str, spec: dict, problems: list) -> DatasetConfig:
    where = f"datasets.{name}"
    internal = spec.get("internal", False)
    if not isinstance(internal, bool):
        problems.append(f"{where}.internal 只能是 true 或 false")
    for required in ("item", "title", "file", "schema", "key", "title_field", "period"):
        if required not in spec and not (internal is True and required == "item"):
            problems.append(f"{where} 缺少 {required}")
    period_spec = spec.get("period") or {}
    period = Period(
        start=period_spec.get("from"),
        until=period_spec.get("until"),
        default=_rule(period_spec.get("default") or {"basis": period_spec.get("basis", "")},
                      f"{where}.period.default", problems),
        rules=tuple(_rule(r, f"{where}.period.rules[{i}]", problems)
                    for i, r in enumerate(period_spec.get("rules") or ())),
    )
    if spec.get("sort", "newest-first") not in ("newest-first", "oldest-first"):
        problems.append(f"{where}.sort 只能是 newest-first 或 oldest-first")
    if period.start is None and not (period.default.indefinite and all(r.indefinite for r in period.rules)):
        problems.append(f"{where}.period 有期限时必须写明 from（起算日期所在的列）")
    deadline = None
    if spec.get("deadline"):
        d = spec["deadline"]
        deadline = Deadline(str(d.get("from", "")), int(d.get("working_days", 0)), str(d.get("basis", "")),
                            tuple(sorted((str(k), str(v)) for k, v in (d.get("when") or {}).items())))
        if not deadline.start or deadline.working_days <= 0 or not deadline.basis:
            problems.append(f"{where}.deadline 需要 from、working_days 和 basis")
    key = spec.get("key") or ()
    group_by = None
    if spec.get("group_by"):
        g = spec["group_by"]
        by_level = tuple(sorted((str(k), str(v)) for k, v in (g.get("by_level") or {}).items()))
        group_by = GroupBy(str(g.get("column", "")), by_level, str(g.get("default", "quarter")),
                           str(g.get("basis", "")), tuple(str(v) for v in g.get("order") or ()))
        if not group_by.column or any(u not in GROUP_UNITS for _, u in by_level + (("", group_by.default),)):
            problems.append(f"{where}.group_by 需要 column，周期只能是 {' / '.join(GROUP_UNITS)}")
    return DatasetConfig(
        name=name,
        item=int(spec.get("item", 0)),
        title=str(spec.get("title", name)),
        file=str(spec.get("file", "")),
        schema=str(spec.get("schema", "")),
        path=str(spec.get("path", name)),
        key=tuple([key] if isinstance(key, str) else key),
        title_field=str(spec.get("title_field", "")),
        date_field=spec.get("date_field"),
        agency_field=spec.get("agency_field"),
        list_columns=tuple(spec.get("list_columns") or ()),
        record_pages=bool(spec.get("record_pages", False)),
        remedy_notice=bool(spec.get("remedy_notice", False)),
        period=period,
        deadline=deadline,
        checks=tuple(spec.get("checks") or ()),
        order=tuple(tuple(pair) for pair in spec.get("order") or ()),
        lifecycle=dict(spec.get("lifecycle") or {}),
        description=str(spec.get("description", "")),
        group_by=group_by,
        oldest_first=spec.get("sort", "newest-first") == "oldest-first",
        feed=bool(spec.get("feed", False)),
        exports=tuple(_mapped_export(str(n), e or {}, f"{where}.exports.{n}", problems)
                      for n, e in (spec.get("exports") or {}).items()),
        internal=internal is True,
        search=_search(spec.get("search"), f"{where}.search", problems),
        credit=parse_credit(spec.get("credit"), f"{where}.credit", problems),
        major=parse_major(spec.get("major"), f"{where}.major", problems),
    )


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
    named += [("order", c) for pair in ds.order for c in pair]
    named += [("period.rules.when", c) for rule in ds.period.rules for c, _ in rule.when]
    if ds.deadline:
        named += [("deadline.from", ds.deadline.start)] + [("deadline.when", c) for c, _ in ds.deadline.when]
    if ds.group_by:
        named.append(("group_by.column", ds.group_by.column))
    named += [(f"exports.{e.name}", what) for e in ds.exports for _, kind, what, _ in e.columns if kind == "column"]
    named += ds.credit.columns() if ds.credit else []
    named += ds.major.columns() if ds.major else []
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
    problems += [diag("E-CONFIG", CONFIG_FILE, detail=f"datasets.{ds.name}.checks：“{name}”不是已知的检查")
                 for name in ds.checks if name not in known_checks]
    # the class and why are shown on the record page (P10.1): only public fields may decide it
    problems += [diag("E-CONFIG", CONFIG_FILE,
                      detail=f"datasets.{ds.name}.{setting}：“{col}”不是公开字段，失信程度的认定理由要公示（规则 P3.1）")
                 for setting, col in (ds.credit.columns() if ds.credit else ())
                 if has_column(col) and not is_public(col) and setting.startswith(("credit.rules", "credit.column"))]
    return problems


def load_config(root: Path) -> SiteConfig:
    path = root / CONFIG_FILE
    if not path.is_file():
        raise ConfigError([diag("E-FILE-MISSING", CONFIG_FILE, path=CONFIG_FILE)])
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        raise ConfigError([diag("E-YAML", CONFIG_FILE, line, detail=str(exc).splitlines()[0])])
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise ConfigError([diag("E-CONFIG", CONFIG_FILE, detail="顶层应为映射（site:、datasets: 等）")])
    site = raw.get("site") or {}
    if not isinstance(site, dict):
        problems.append("site 应为映射（title、base_url、publisher …）")
        site = {}
    for required in ("title", "base_url", "publisher"):
        if not site.get(required):
            problems.append(f"site.{required} 不能为空")
    specs = raw.get("datasets") or {}
    if not isinstance(specs, dict):
        problems.append("datasets 应为映射：数据集名 → 设置")
        specs = {}
    datasets = []
    for name, spec in specs.items():
        try:
            if not isinstance(spec, dict):
                raise TypeError("应为映射")
            datasets.append(_dataset(str(name), spec, problems))
        except (TypeError, ValueError, AttributeError) as exc:  # a value of the wrong kind
            problems.append(f"datasets.{name} 格式错误：{exc}")
    datasets = tuple(datasets)
    if not datasets:
        problems.append("datasets 不能为空")
    paths = [ds.path for ds in datasets if not ds.internal]  # an internal dataset has no URL
    problems += [f"datasets.{ds.name}.path“{ds.path}”只能含小写字母、数字和连字符（用作网址）"
                 for ds in datasets if not ds.internal and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", ds.path)]
    problems += [f"datasets.{ds.name} 是内部数据集（internal: true），不能设置 {key}（规则 P3.1：内部数据不发布）"
                 for ds in datasets if ds.internal
                 for key, value in (("exports", ds.exports), ("record_pages", ds.record_pages)) if value]
    if len(set(paths)) != len(paths):
        problems.append("datasets 的 path 有重复")
    problems += [f"datasets.{ds.name}.major.hearing.dataset：“{ds.major.hearing.dataset}”不是已配置的数据集"
                 for ds in datasets if ds.major and ds.major.hearing
                 and ds.major.hearing.dataset not in {d.name for d in datasets}]
    problems += [f"datasets.{ds.name}.credit 需要 period.from（失信信息的公示期限自决定之日起算，规则 P10.2）"
                 for ds in datasets if ds.credit and not ds.period.start]
    unknown = [n for n in site.get("nav") or () if n not in {ds.name for ds in datasets if not ds.internal}]
    if unknown:
        problems.append(f"site.nav 中的 {'、'.join(unknown)} 不是已配置的数据集")
    if problems:
        raise ConfigError([diag("E-CONFIG", CONFIG_FILE, detail=p) for p in problems])
    corrections = None
    if spec := raw.get("corrections"):
        if not isinstance(spec, dict) or not spec.get("file") or not spec.get("schema"):
            raise ConfigError([diag("E-CONFIG", CONFIG_FILE, detail="corrections 需要 file 和 schema（更正记录，规则 P5.1）")])
        corrections = Corrections(str(spec["file"]), str(spec["schema"]))
    tag = str(site.get("tag") or "")
    if tag and not re.fullmatch(r"[a-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?", tag):
        raise ConfigError([diag("E-CONFIG", CONFIG_FILE,
                                detail=f"site.tag“{tag}”应为“域名,年份”，如 hrss.nx.gov.cn,2019（RFC 4151）")])
    base_url = str(site["base_url"])
    return SiteConfig(
        root=root,
        title=str(site["title"]),
        short_title=str(site.get("short_title", site["title"])),
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        publisher=str(site["publisher"]),
        page_size=int(site.get("page_size", 50)),
        feed_size=int(site.get("feed_size", 100)),
        correction=dict(raw.get("correction") or {}),
        remedy=dict(raw.get("remedy") or {}),
        calendar_files=tuple(root / p for p in raw.get("calendar") or ()),
        datasets=datasets,
        agencies_file=str(raw.get("agencies", "data/agencies.yaml")),
        content_dir=str(raw.get("content", "content")),
        nav=tuple(site.get("nav") or [ds.name for ds in datasets[:2]]),
        tag=tag or _default_tag(base_url),
        corrections=corrections,
        raw=raw,
    )


def _default_tag(base_url: str) -> str:
    host = base_url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()
    return f"{host},2019"  # the year of the regulation (宁人社规字〔2019〕15号)
