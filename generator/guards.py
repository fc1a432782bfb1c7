"""P3.1 in the configuration: every setting of ``site_config.yaml`` that shows a column's values,
or derives something public from them, may name only a public column.

Redaction drops private fields from records, but a setting reads the record *before* that (the
key makes the record's URL, the title field its heading, the period's start its 公示截止期): a
private column named there would leak — as a blank title at best, as a URL that is a hash of an
ID number at worst.  Such a configuration is refused before any row is read.  (The lookup and the
mapped exports have their own lines in ``config.dataset_problems``.)
"""

from __future__ import annotations

from .diagnostics import Diagnostic, diag

# lifecycle roles whose values every record page, list and feed shows (公示日期, 状态, 状态日期)
_SHOWN_ROLES = (("published_on", "公示日期"), ("status", "状态"), ("status_on", "状态日期"))


def shown_columns(ds) -> list[tuple[str, str, str]]:
    """(setting, column, what the output does with it) of a dataset's settings that publish a
    column's values or something derived from them."""
    shown = [("key", c, "记录的键（记录网址、订阅源标识由它生成）") for c in ds.key]
    shown += [("title_field", ds.title_field, "记录的标题")] if ds.title_field else []
    shown += [("record_title", c, "记录的标题（页面标题、订阅源条目）")
              for c in (ds.record_title.columns if ds.record_title else ()) if c != ds.title_field]
    shown += [("list_columns", c, "列表中的列") for c in ds.list_columns]
    shown += [(setting, column, what) for setting, column, what in (
        ("date_field", ds.date_field, "列表和订阅源中的日期"),
        ("agency_field", ds.agency_field, "执法主体（列表分组、部门页面）"),
        ("period.from", ds.period.start, "公示期限的起算日期（公示截止期由它推算并公开）"),
        ("period.until", ds.period.until, "公示截止期"),
        ("group_by.column", ds.group_by.column if ds.group_by else None, "列表的分组标题"),
    ) if column]
    shown += [(f"lifecycle.{role}", ds.role(role), f"记录的{label}") for role, label in _SHOWN_ROLES]
    return shown


def private_column_problems(ds, has_column, is_public, path: str) -> list[Diagnostic]:
    """E-CONFIG for each setting of ``ds`` that would publish a private column (P3.1).  An internal
    dataset publishes nothing, so any column may serve it."""
    if ds.internal:
        return []
    return [diag("E-CONFIG", path, detail=(
                f"datasets.{ds.name}.{setting}：“{column}”不是公开字段，不能用作{what}（规则 P3.1）；"
                f"请改用公开字段"))
            for setting, column, what in shown_columns(ds) if has_column(column) and not is_public(column)]
