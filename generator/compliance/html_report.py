"""``gongshi check --format html``: the supervision report (P8; 通知 四、四) — one self-contained
HTML file a supervisor opens in any browser: no script, no outside resource, charts as inline SVG
each beside a table of the same figures, WCAG 2.1 AA.

It shows the figures of supervision.py (公示及时率 by department, dataset, month and quarter; the
other working-day terms; item 19 period by period), the check's own problems grouped by
department — taken from the reports package (``report_formats.groups``: bounded, positioned,
private values masked) — what expires or falls due within the horizon, and the report's inputs.
Nothing private: public values, counts, deadlines, and the dates ``supervision.reportable`` lists."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .. import __version__
from ..dates import format_cn
from ..diagnostics import CATALOGUE
from ..report_formats import _by_code, failed, groups
from . import charts
from .coverage import STATE_LABELS
from .supervision import DUTY_LABELS, empty_figures
from .timeliness import NO_AGENCY

TEMPLATES = Path(__file__).with_name("templates")
OTHERS = "其他（配置、日历、未对应到部门的问题）"

# what the report's figures rest on (rules.md); the problems' own rules are added from the catalogue
FIGURE_RULES = {
    "P8": "公示不及时、应公示不公示可以按部门查出（附件1第十七条；通知 四、四 网上抽查）",
    "P2.2": "时限从次日起算，第 n 个工作日当天公示为按时",
    "C1": "工作日按国务院办公厅当年节假日安排（含调休上班日）",
    "C4": "日历缺少的年份按周一至周五暂算并标明",
    "P4": "先审查，后公开：未经保密审查的记录视为未公示",
    "P9": "重大劳动保障违法行为：市、县每季度、自治区每半年公布，或说明“本期无”（人社部令第29号）",
    "P5.3": "纠错建议自收到之日起 10 个工作日内处理并答复",
    "P6": "决定被变更、撤销等，3 个工作日内撤回原公示信息",
    "L4": "重大决定的法制审核 7 个工作日内完成",
    "P2.3": "公示期限届满的次日下线",
    "P2.6": "长期公示的信息在有效期内公示（执法证件到期即下线）",
    "P3.1": "报告只含公开字段、计数、时限和配置允许列入的内部日期，不含任何不公开的值",
}
KIND_LABELS = {"publication": "公示", "correction": "答复纠错建议", "withdrawal": "撤回", "legal_review": "法制审核"}


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["cn_date"] = format_cn
    env.filters["iso"] = lambda d: d.isoformat() if isinstance(d, date) else ""
    return env


def _month_label(ym: tuple[int, int]) -> str:
    return f"{ym[0]}年{ym[1]}月"


def _quarter_label(yq: tuple[int, int]) -> str:
    return f"{yq[0]}年第{'一二三四'[yq[1] - 1]}季度"


def _problems_by_agency(result, figures) -> tuple[list[dict], list[dict], list[dict]]:
    """The kept problems, by department (agencies.yaml order, then the others), and the groups
    of which only the first were kept."""
    gs = groups(result.report, result.root, result.where)
    order = [row.key for row in figures.timeliness.agencies if row.key != NO_AGENCY]
    by_agency: dict[str, list[dict]] = {}
    for g in gs:
        for p in g["problems"]:
            agency = result.agency_of.get((p["file"], p["row"])) or OTHERS
            by_agency.setdefault(agency, []).append(p)
    names = [a for a in order if a in by_agency] + sorted(set(by_agency) - set(order) - {OTHERS})
    names += [OTHERS] if OTHERS in by_agency else []
    sections = [{"agency": a, "errors": sum(p["severity"] == "error" for p in by_agency[a]),
                 "warnings": sum(p["severity"] == "warning" for p in by_agency[a]), "problems": by_agency[a]}
                for a in names]
    omitted = [{"file": g["file"], "code": g["code"], "total": g["total"], "listed": len(g["problems"])}
               for g in gs if g["total"] > len(g["problems"])]
    return sections, omitted, gs


def _expiring(result) -> list[dict]:
    """Records whose display ends within the horizon (the check's expiry lists, bounded)."""
    limit = result.report.limit
    out = []
    for name, e in result.expiry.items():
        entries = e["expiring_records"] if limit is None else e["expiring_records"][:limit]
        for x in entries:
            out.append({"day": x["last_day"], "dataset": name, "record": x["record"], "file": x["file"],
                        "row": x["row"], "agency": result.agency_of.get((x["file"], x["row"]), "")})
        if len(e["expiring_records"]) > len(entries):
            out.append({"more": len(e["expiring_records"]) - len(entries), "dataset": name})
    return sorted(out, key=lambda x: (x.get("day", "9999"), x["dataset"], x.get("row", 0)))


def _due(result) -> list[dict]:
    figures = result.figures
    if figures is None:
        return []
    return [{"day": d.deadline.isoformat(), "what": KIND_LABELS.get(d.kind, d.kind), "dataset": d.dataset,
             "record": (result.where.get((d.path, d.line)) or ("", ""))[1], "agency": d.agency,
             "start": figures.starts.get((d.path, d.line)), "file": d.path, "row": d.line}
            for d in figures.due_soon]


def _rules(result, gs) -> list[tuple[str, str, list[str]]]:
    """(rule id, what it asks, the codes of this report that cite it)."""
    cited: dict[str, list[str]] = {}
    for code in result.report.by_code():
        cited.setdefault(CATALOGUE[code].rule, []).append(code)
    ids = list(FIGURE_RULES) + sorted(set(cited) - set(FIGURE_RULES))
    return [(rule, FIGURE_RULES.get(rule, ""), cited.get(rule, [])) for rule in ids]


def as_html(result, fail_on: str) -> str:
    """The report of a ``run_check(figures=True)`` result (of any result: without figures — the
    configuration could not be read — the figures are empty and the problems say why)."""
    figures = result.figures or empty_figures(result.as_of)
    t = figures.timeliness
    sections, omitted, gs = _problems_by_agency(result, figures)
    months = [_month_label(m) for m in t.months]
    quarters = [_quarter_label(q) for q in t.quarters]
    shown_agencies = [r for r in t.agencies if r.total.due or r.total.pending or r.key != NO_AGENCY]
    counted = [r for r in t.datasets if r.total.due or r.total.pending]
    chart = {
        "months": charts.stacked_columns(
            "c-months", "全区公示情况（按月）", f"{months[0]}至{months[-1]}，各月到期应公示记录中按时公示、逾期公示和"
            f"逾期未公示的条数；数字见旁边的表格",
            [((f"{m[1]}月", f"{m[0]}年" if i == 0 or m[1] == 1 else ""), (c.on_time, c.late, c.overdue))
             for i, (m, c) in enumerate(zip(t.months, t.region.months))]),
        "quarters": charts.stacked_columns(
            "c-quarters", "全区公示情况（按季度）", "各季度到期应公示记录中按时、逾期公示和逾期未公示的条数；数字见旁边的表格",
            [((f"第{'一二三四'[q[1] - 1]}季度", f"{q[0]}年"), (c.on_time, c.late, c.overdue))
             for q, c in zip(t.quarters, t.region.quarters)]),
        "agencies": charts.rate_bars("c-agencies", f"各部门公示及时率（近 {figures.months} 个月）",
                                     "全区和每个部门各一条横条，长度为公示及时率；数字见下方表格",
                                     [(charts.short_name(r.label), r.total.permille, r.total.rate)
                                      for r in (t.region, *shown_agencies) if r.total.due]),
        "datasets": charts.rate_bars("c-datasets", f"各公示事项公示及时率（近 {figures.months} 个月）",
                                     "全区和每个公示事项各一条横条，长度为公示及时率；数字见下方表格",
                                     [(r.label, r.total.permille, r.total.rate) for r in (t.region, *counted)
                                      if r.total.due]),
    }
    coverage = figures.coverage
    context = {
        "r": result, "f": figures, "t": t, "fail_on": fail_on, "failed": failed(result, fail_on),
        "version": __version__, "months": months, "quarters": quarters, "chart": chart,
        "agencies": shown_agencies, "datasets": counted, "sections": sections, "omitted": omitted,
        "by_code": _by_code(gs), "expiring": _expiring(result), "due": _due(result),
        "expiring_total": sum(e["expiring"] for e in result.expiry.values()),
        "coverage": coverage, "coverage_tables": coverage.by_rhythm() if coverage else [],
        "coverage_counts": coverage.counts if coverage else {}, "state_labels": STATE_LABELS,
        "duties": dict(sorted(figures.duties.items(), key=lambda kv: kv[0] != "correction")),
        "duty_rows": {k: [r for r in d.agencies if r.total.due or r.total.pending] for k, d in figures.duties.items()}, "duty_labels": DUTY_LABELS, "rules": _rules(result, gs),
        "reportable": dict(figures.reportable),
    }
    return environment().get_template("report.html").render(context)
