"""Reports: the build's problems on stderr, and the ``gongshi check`` report as text (people),
GitHub annotations (CI), Markdown (the job summary, ``$GITHUB_STEP_SUMMARY``), JSON (machines) or
HTML (supervisors: the figures of issue 16, ``compliance/html_report.py``).

Every format is bounded (issue 10): a report keeps the first ``--max-per-code`` problems of each
file and code and counts the rest (see ``diagnostics.Report``); each format shows what was kept,
says how many were left out, and gives exact totals.  Errors come before warnings.  Positions
name the file line (the repository's) and, for a CSV, the row and column Excel shows
(``positions``).  Private values were masked where the problems were made (``conceal``).

The JSON form follows ``generator/compliance/report.schema.json`` (``"format": "gongshi-check/2"``);
a change that breaks a consumer gets a new format version."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .controls import CONTROL
from .diagnostics import Report, Severity
from .positions import Positions, locate

FORMAT_VERSION = "gongshi-check/2"
FAIL_ON = ("error", "warning", "never")
ANNOTATIONS_PER_LEVEL = 10  # GitHub shows 10 error, 10 warning and 10 notice annotations per step
SUMMARY_BUDGET = 1_000_000  # bytes: GitHub takes at most 1 MiB of job summary per step
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029]")  # a cell's line break must not start a log line


def failed(result, fail_on: str) -> bool:
    if fail_on == "never":
        return False
    report = result.report
    return bool(report.error_count or (fail_on == "warning" and report.warning_count))


# ---------------------------------------------------------------- the problems a report shows

def _one_line(text: str) -> str:
    """A cell's line breaks as ↵, and any control character (an ESC would drive the terminal or
    the CI log that shows it) as �."""
    return CONTROL.sub("\ufffd", _BREAKS.sub("↵", str(text)))


def _problem(d, where: dict, positions: Positions) -> dict:
    params = dict(d.params)
    dataset, record = where.get((d.path, d.row), (None, None))
    place = positions.of(d)
    message = d.spec.message.format(**params)
    other = params.get("other_row")  # "与第 18 行重复": that row as Excel shows it too
    if isinstance(other, int) and (row := positions.row(d.path, other)) is not None and row != other:
        message = message.replace(f"第 {other} 行", f"第 {other} 行（Excel 第{row}行）", 1)
    return {
        "code": d.code, "severity": d.severity.value, "rule": d.spec.rule,
        "file": _one_line(d.path), "row": d.row or None, "column": d.column or None,
        "excel_row": place.row if place else None, "excel_column": (place.column or None) if place else None,
        "column_name": _one_line(place.name) if place and place.name else None,
        "dataset": params.pop("dataset", dataset), "record": params.pop("record", record),
        "message": _one_line(message), "hint": d.spec.hint,
        "dates": {k: v for k, v in params.items() if isinstance(v, str) and _DATE.match(v)},
    }


def groups(report: Report, root: Path | None, where: dict | None = None) -> list[dict]:
    """Each file and code with problems, errors first: its shown problems and its total."""
    positions = locate(root, report.sorted())
    return [{"file": path, "code": code, "severity": kept[0].severity.value, "total": total,
             "problems": [_problem(d, where or {}, positions) for d in kept]}
            for path, code, kept, total in report.groups()]


def _where(p: dict) -> str:
    text = ":".join([p["file"]] + [str(p[k]) for k in ("row", "column") if p[k]])
    return f"{text}（{_excel(p)}）" if p["excel_row"] else text


def _excel(p: dict) -> str:
    column = f" {p['excel_column']}列" if p["excel_column"] else ""
    name = f"“{p['column_name']}”" if p["excel_column"] and p["column_name"] else ""
    return f"Excel 第{p['excel_row']}行{column}{name}"


def _about(p: dict) -> str:
    return f"〔{p['dataset']} · {_one_line(p['record'])}〕" if p["record"] else ""


def _more(g: dict) -> str:
    return (f"  …另有 {g['total'] - len(g['problems'])} 个同类问题（{g['code']}，{g['file']}；共 {g['total']} 个，"
            f"只列出前 {len(g['problems'])} 个，可用 --max-per-code 调整）")


# ---------------------------------------------------------------- text (stderr of the build, check)

def text_lines(report: Report, root: Path | None, where: dict | None = None) -> list[str]:
    """The problems, errors first, then a summary by code; without the verdict line."""
    lines: list[str] = []
    gs = groups(report, root, where)
    for severity, label, count in ((Severity.ERROR, "错误", report.error_count),
                                   (Severity.WARNING, "警告", report.warning_count)):
        mine = [g for g in gs if g["severity"] == severity.value]
        if not mine:
            continue
        lines.append(f"【{label}】共 {count} 个")
        for g in mine:
            for p in g["problems"]:
                hint = f"。{p['hint']}" if p["hint"] else ""
                lines.append(f"{_where(p)}: {p['code']} {_about(p)}{p['message']}（规则 {p['rule']}）{hint}")
            if g["total"] > len(g["problems"]):
                lines.append(_more(g))
    if gs:
        lines.append("【按代码汇总】")
        lines += [f"  {code}（{label}，规则 {rule}）{total} 个：{files}" for code, label, rule, total, files in _by_code(gs)]
    return lines


def text_report(report: Report, root: Path | None) -> str:
    """The build's report (stderr)."""
    lines = text_lines(report, root)
    return "\n".join(lines) + "\n" if lines else ""


def _by_code(gs: list[dict]) -> list[tuple]:
    """(code, severity label, rule, total, files) of each code, errors first, then by code."""
    codes: dict[str, list[dict]] = {}
    for g in gs:
        codes.setdefault(g["code"], []).append(g)
    out = []
    for code, mine in sorted(codes.items(), key=lambda kv: (kv[1][0]["severity"] != "error", kv[0])):
        files = [f"{g['file']} {g['total']} 个" for g in mine]
        files = "、".join(files[:5]) + (f" 等 {len(files)} 个文件" if len(files) > 5 else "")
        rule = mine[0]["problems"][0]["rule"]
        out.append((code, "错误" if mine[0]["severity"] == "error" else "警告", rule,
                    sum(g["total"] for g in mine), files))
    return out


def as_text(result, fail_on: str) -> str:
    lines = text_lines(result.report, result.root, result.where)
    lines += _expiry_lines(result)
    lines += _scheduled_lines(result)
    lines += _repair_lines(result)
    lines.append(summary(result, fail_on))
    return "\n".join(lines) + "\n"


def _repair_lines(result) -> list[str]:
    """P10.3, for the bureau's information: who may now apply for credit repair."""
    lines = []
    for name, found in result.repair.items():
        lines.append(f"{name}：{len(found)} 条已满最短公示期，当事人可以申请信用修复（规则 P10.3，仅供参考）")
        entries, more = _expiring(result, {"records": found}, "records")
        lines += [f"  {x['file']}:{x['row']}: {x['class']}，自 {x['since']} 起可申请 {_one_line(x['party'])} "
                  f"{_one_line(x['record'])}" for x in entries]
        if more:
            lines.append(f"  …另有 {more} 条可申请")
    return lines


def _expiring(result, e: dict, key: str) -> tuple[list[dict], int]:
    """The first entries of an expiry list, and how many more there are."""
    limit = result.report.limit
    entries = e[key] if limit is None else e[key][:limit]
    return entries, len(e[key]) - len(entries)


def _expiry_lines(result) -> list[str]:
    lines = []
    for name, e in result.expiry.items():
        if e["expiring"] or e["expired_recently"]:
            lines.append(f"{name}：{e['expiring']} 条将在 {result.expiring_days} 天内到期下线，已到期 {e['expired']} 条"
                         f"（近 {result.expiring_days} 天 {len(e['expired_recently'])} 条）")
            entries, more = _expiring(result, e, "expiring_records")
            lines += [f"  {x['file']}:{x['row']}: 公示截止期 {x['last_day']} {_one_line(x['record'])}" for x in entries]
            if more:
                lines.append(f"  …另有 {more} 条将到期")
    return lines


def _scheduled(result, e: dict) -> tuple[list[dict], int]:
    limit = result.report.limit
    entries = e["records"] if limit is None else e["records"][:limit]
    return entries, len(e["records"]) - len(entries)


def _scheduled_lines(result) -> list[str]:
    """Records whose 公示日期 is still to come: information, never a problem (issue 11.4)."""
    lines = []
    for name, e in result.scheduled.items():
        lines.append(f"{name}：{e['scheduled']} 条已排定公示日期，到期自动公示")
        entries, more = _scheduled(result, e)
        lines += [f"  {x['file']}:{x['row']}: 公示日期 {x['published_on']} {_one_line(x['record'])}"
                  + ("" if x["reviewed"] else "（尚未完成保密审查，届时不会公示）") for x in entries]
        if more:
            lines.append(f"  …另有 {more} 条已排定")
    return lines


def summary(result, fail_on: str) -> str:
    verdict = "未通过" if failed(result, fail_on) else "通过"
    expiring = sum(e["expiring"] for e in result.expiry.values())
    return (f"合规检查{verdict}（{result.as_of.isoformat()}，--fail-on {fail_on}）：{result.report.summary()}；"
            f"{result.expiring_days} 天内到期 {expiring} 条")


# ---------------------------------------------------------------- JSON

def as_json(result, fail_on: str) -> str:
    report = result.report
    gs = groups(report, result.root, result.where)
    expiry = {}
    for name, e in result.expiry.items():
        expiry[name] = {**e, "expiring_records": _expiring(result, e, "expiring_records")[0],
                        "expired_recently": _expiring(result, e, "expired_recently")[0]}
    doc = {
        "format": FORMAT_VERSION,
        "as_of": result.as_of.isoformat(),
        "fail_on": fail_on,
        "failed": failed(result, fail_on),
        "max_per_code": report.limit,
        "summary": {"errors": report.error_count, "warnings": report.warning_count, "by_code": report.by_code()},
        "calendar": {"years": list(result.calendar_years), "provisional_years": list(result.provisional_years)},
        "problems": [p for g in gs for p in g["problems"]],
        "omitted": [{"file": g["file"], "code": g["code"], "severity": g["severity"], "total": g["total"],
                     "listed": len(g["problems"])} for g in gs if g["total"] > len(g["problems"])],
        "expiry": {"days": result.expiring_days, "datasets": expiry},
        "scheduled": {name: {"scheduled": e["scheduled"], "records": _scheduled(result, e)[0]}
                      for name, e in result.scheduled.items()},
        "credit_repair": {name: {"eligible": len(found), "records": _expiring(result, {"r": found}, "r")[0]}
                          for name, found in result.repair.items()},
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


# ---------------------------------------------------------------- GitHub annotations

def _escape(text: str, prop: bool = False) -> str:
    text = str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def _spread(gs: list[dict], n: int) -> list[dict]:
    """Up to n problems: first one of each code, then in turn one of each file and code, so that
    n annotations show as many kinds of problem as they can rather than the first n rows of one."""
    queues = [list(g["problems"]) for g in gs]
    out: list[dict] = []
    codes: set[str] = set()
    for q in queues:
        if len(out) < n and q[0]["code"] not in codes:
            codes.add(q[0]["code"])
            out.append(q.pop(0))
    while len(out) < n and any(queues):
        for q in queues:
            if q and len(out) < n:
                out.append(q.pop(0))
    return sorted(out, key=lambda p: (p["file"], p["row"] or 0, p["column"] or 0, p["code"]))


def _annotation(p: dict) -> str:
    props = [f"file={_escape(p['file'], True)}"]  # the CSV in the repository: file lines, not Excel rows
    if p["row"]:
        props.append(f"line={p['row']}")
    if p["column"]:
        props.append(f"col={p['column']}")
    props.append(f"title={_escape(p['code'] + ' 规则 ' + p['rule'], True)}")
    excel = f"（{_excel(p)}）" if p["excel_row"] else ""
    return f"::{p['severity']} {','.join(props)}::{_escape(_about(p) + p['message'] + excel + '。' + p['hint'])}"


def as_github(result, fail_on: str) -> str:
    """Workflow commands: the annotations GitHub shows (errors first, 10 of each level), one notice
    saying how many more there are and where, then the whole text report for the log."""
    report = result.report
    gs = groups(report, result.root, result.where)
    lines, notices = [], []
    shown = 0
    for level in ("error", "warning"):
        chosen = _spread([g for g in gs if g["severity"] == level], ANNOTATIONS_PER_LEVEL)
        lines += [_annotation(p) for p in chosen]
        shown += len(chosen)
    hidden = report.error_count + report.warning_count - shown
    if hidden:
        notices.append(f"::notice title={_escape(f'另有 {hidden} 个问题未显示为注释', True)}::" + _escape(
            f"GitHub 每个步骤最多显示 {ANNOTATIONS_PER_LEVEL} 个错误注释和 {ANNOTATIONS_PER_LEVEL} 个警告注释。"
            f"全部 {report.error_count} 个错误、{report.warning_count} 个警告（按代码汇总）见本步骤日志中注释之后的报告，"
            "以及作业摘要（Summary，gongshi check --format markdown）"))
    expiring = [(name, e) for name, e in result.expiry.items() if e["expiring"]]
    room = ANNOTATIONS_PER_LEVEL - len(notices)
    for i, (name, e) in enumerate(expiring):
        if i == room - 1 and len(expiring) > room:  # the last notice GitHub shows sums up the rest
            rest = expiring[i:]
            notices.append(f"::notice title={_escape('即将到期 其他数据集', True)}::" + _escape(
                "；".join(f"{n} {x['expiring']} 条" for n, x in rest) + f"（{result.expiring_days} 天内到期下线，详见日志）"))
            break
        entries, more = _expiring(result, e, "expiring_records")
        notices.append(f"::notice title={_escape('即将到期 ' + name, True)}::" + _escape(
            f"{e['expiring']} 条记录将在 {result.expiring_days} 天内到期下线：" +
            "；".join(f"{x['record']}（{x['last_day']}）" for x in entries) + (f"；另有 {more} 条" if more else "")))
    return "\n".join(lines + notices) + "\n" + as_text(result, fail_on)


# ---------------------------------------------------------------- Markdown (the job summary)

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>|~#!])")


def _md(text) -> str:
    """Text for a Markdown table cell: nothing in it is markup."""
    return _MD_SPECIAL.sub(r"\\\1", _one_line(text).replace("↵", " "))


def as_markdown(result, fail_on: str) -> str:
    """For ``$GITHUB_STEP_SUMMARY``: verdict, a table by code, errors, warnings, expiry; within
    GitHub's 1 MiB (what does not fit is said, and is in the log)."""
    report = result.report
    gs = groups(report, result.root, result.where)
    verdict = "❌ 未通过" if failed(result, fail_on) else "✅ 通过"
    expiring = sum(e["expiring"] for e in result.expiry.values())
    head = [f"## gongshi check：合规检查{verdict}（{result.as_of.isoformat()}）", "",
            f"**{report.error_count}** 个错误，**{report.warning_count}** 个警告；{result.expiring_days} 天内到期下线 "
            f"{expiring} 条（--fail-on {fail_on}）。" + ("" if gs else "没有发现问题。"), ""]
    if report.omitted:
        head += [f"每个文件的每种问题最多列出 {report.limit} 个（--max-per-code），其余 {report.omitted} 个只计数。", ""]
    if gs:
        head += ["### 按代码汇总", "", "| 代码 | 级别 | 规则 | 个数 | 文件 |", "|---|---|---|---:|---|"]
        head += [f"| {code} | {label} | {rule} | {total} | {_md(files)} |" for code, label, rule, total, files in _by_code(gs)]
        head.append("")
    sections: list[list[str]] = []
    for level, label in (("error", "错误"), ("warning", "警告")):
        mine = [g for g in gs if g["severity"] == level]
        if not mine:
            continue
        sections.append([f"### {label}", ""])
        for g in mine:
            listed = len(g["problems"])
            more = f"，列出前 {listed} 个" if g["total"] > listed else ""
            block = [f"#### {g['code']} · {_md(g['file'])}（{g['total']} 个{more}）", "",
                     "| 位置 | Excel | 记录 | 问题 |", "|---|---|---|---|"]
            for p in g["problems"]:
                place = _excel(p).removeprefix("Excel ") if p["excel_row"] else ""
                where = ":".join([p["file"]] + [str(p[k]) for k in ("row", "column") if p[k]])
                record = f"{p['dataset']} · {p['record']}" if p["record"] else ""
                block.append(f"| `{where}` | {_md(place)} | {_md(record)} | {_md(p['message'])}（规则 {p['rule']}） |")
            if g["problems"] and g["problems"][0]["hint"]:
                block += ["", f"如何修改：{_md(g['problems'][0]['hint'])}"]
            sections.append(block + [""])
    if result.repair:
        block = ["### 可以申请信用修复（规则 P10.3，仅供参考）", "", "| 数据集 | 已满最短公示期 |", "|---|---:|"]
        block += [f"| {_md(n)} | {len(found)} |" for n, found in result.repair.items()]
        sections.append(block + [""])
    expiring = [(n, e) for n, e in result.expiry.items() if e["expiring"] or e["expired_recently"]]
    if expiring:
        block = ["### 即将到期下线", "", f"| 数据集 | {result.expiring_days} 天内到期 | 已到期 | 近 {result.expiring_days} 天到期 |",
                 "|---|---:|---:|---:|"]
        block += [f"| {_md(n)} | {e['expiring']} | {e['expired']} | {len(e['expired_recently'])} |" for n, e in expiring]
        sections.append(block + [""])
    if scheduled := result.scheduled:
        block = ["### 已排定公示", "", "| 数据集 | 条数 | 最早公示日期 |", "|---|---:|---|"]
        block += [f"| {_md(n)} | {e['scheduled']} | {e['records'][0]['published_on']} |" for n, e in scheduled.items()]
        sections.append(block + [""])
    return _within_budget(head, sections)


def _within_budget(head: list[str], sections: list[list[str]]) -> str:
    text = "\n".join(head) + "\n"
    used = len(text.encode("utf-8"))
    for i, block in enumerate(sections):
        part = "\n".join(block) + "\n"
        size = len(part.encode("utf-8"))
        if used + size > SUMMARY_BUDGET:
            left = len(sections) - i
            return text + f"\n（摘要已达 GitHub 作业摘要的 1 MiB 上限，其余 {left} 节见本步骤日志中的完整报告）\n"
        text, used = text + part, used + size
    return text


def as_html(result, fail_on: str) -> str:
    """The supervision report (generator/compliance/html_report.py); ``run_check(figures=True)``."""
    from .compliance.html_report import as_html as render  # Jinja2 and the figures, only when asked

    return render(result, fail_on)


FORMATS = {"text": as_text, "github": as_github, "json": as_json, "markdown": as_markdown, "html": as_html}
