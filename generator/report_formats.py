"""The ``gongshi check`` report as text (people), GitHub annotations (CI) or JSON (machines).

The JSON form follows ``generator/compliance/report.schema.json`` (``"format": "gongshi-check/1"``);
a change that breaks a consumer gets a new format version."""

from __future__ import annotations

import json
import re

from .diagnostics import Severity

FORMAT_VERSION = "gongshi-check/1"
FAIL_ON = ("error", "warning", "never")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


def failed(result, fail_on: str) -> bool:
    if fail_on == "never":
        return False
    return bool(result.report.errors or (fail_on == "warning" and result.report.warnings))


def problems(result) -> list[dict]:
    """Every problem, sorted by file and row, with its dataset, record and dates."""
    out = []
    for d in result.report.sorted():
        params = dict(d.params)
        dataset, record = result.where.get((d.path, d.row), (None, None))
        out.append({
            "code": d.code, "severity": d.severity.value, "rule": d.spec.rule,
            "file": d.path, "row": d.row or None, "column": d.column or None,
            "dataset": params.pop("dataset", dataset), "record": params.pop("record", record),
            "message": d.message, "hint": d.spec.hint,
            "dates": {k: v for k, v in params.items() if isinstance(v, str) and _DATE.match(v)},
        })
    return out


def as_json(result, fail_on: str) -> str:
    items = problems(result)
    doc = {
        "format": FORMAT_VERSION,
        "as_of": result.as_of.isoformat(),
        "fail_on": fail_on,
        "failed": failed(result, fail_on),
        "summary": {"errors": sum(p["severity"] == "error" for p in items),
                    "warnings": sum(p["severity"] == "warning" for p in items),
                    "by_code": _by_code(items)},
        "calendar": {"years": list(result.calendar_years), "provisional_years": list(result.provisional_years)},
        "problems": items,
        "expiry": {"days": result.expiring_days, "datasets": result.expiry},
        "credit_repair": result.repair,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def _by_code(items) -> dict:
    counts: dict[str, int] = {}
    for p in items:
        counts[p["code"]] = counts.get(p["code"], 0) + 1
    return dict(sorted(counts.items()))


def _where(p) -> str:
    parts = [p["file"]] + [str(p[k]) for k in ("row", "column") if p[k]]
    return ":".join(parts)


def as_text(result, fail_on: str) -> str:
    lines = []
    for p in problems(result):
        about = f"〔{p['dataset']} · {p['record']}〕" if p["record"] else ""
        hint = f"。{p['hint']}" if p["hint"] else ""
        lines.append(f"{_where(p)}: {p['code']} {about}{p['message']}（规则 {p['rule']}）{hint}")
    lines += _expiry_lines(result)
    lines += _repair_lines(result)
    lines.append(summary(result, fail_on))
    return "\n".join(lines) + "\n"


def _expiry_lines(result) -> list[str]:
    lines = []
    for name, e in result.expiry.items():
        if e["expiring"] or e["expired_recently"]:
            lines.append(f"{name}：{e['expiring']} 条将在 {result.expiring_days} 天内到期下线，已到期 {e['expired']} 条"
                         f"（近 {result.expiring_days} 天 {len(e['expired_recently'])} 条）")
            lines += [f"  {x['file']}:{x['row']}: 公示截止期 {x['last_day']} {x['record']}" for x in e["expiring_records"]]
    return lines


def _repair_lines(result) -> list[str]:
    """P10.3, for the bureau's information: who may now apply for credit repair."""
    lines = []
    for name, found in result.repair.items():
        lines.append(f"{name}：{len(found)} 条已满最短公示期，当事人可以申请信用修复（规则 P10.3，仅供参考）")
        lines += [f"  {x['file']}:{x['row']}: {x['class']}，自 {x['since']} 起可申请 {x['party']} {x['record']}"
                  for x in found]
    return lines


def summary(result, fail_on: str) -> str:
    verdict = "未通过" if failed(result, fail_on) else "通过"
    expiring = sum(e["expiring"] for e in result.expiry.values())
    return (f"合规检查{verdict}（{result.as_of.isoformat()}，--fail-on {fail_on}）：{result.report.summary()}；"
            f"{result.expiring_days} 天内到期 {expiring} 条")


def _escape(text: str, prop: bool = False) -> str:
    text = str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def as_github(result, fail_on: str) -> str:
    """GitHub Actions workflow commands: one annotation per problem on its file and line."""
    lines = []
    for p in problems(result):
        level = "error" if p["severity"] == Severity.ERROR.value else "warning"
        props = [f"file={_escape(p['file'], True)}"]
        if p["row"]:
            props.append(f"line={p['row']}")
        if p["column"]:
            props.append(f"col={p['column']}")
        props.append(f"title={_escape(p['code'] + ' 规则 ' + p['rule'], True)}")
        about = f"〔{p['dataset']} · {p['record']}〕" if p["record"] else ""
        lines.append(f"::{level} {','.join(props)}::{_escape(about + p['message'] + '。' + p['hint'])}")
    for name, e in result.expiry.items():
        if e["expiring"]:
            lines.append(f"::notice title={_escape('即将到期 ' + name, True)}::"
                         + _escape(f"{e['expiring']} 条记录将在 {result.expiring_days} 天内到期下线：" +
                                   "；".join(f"{x['record']}（{x['last_day']}）" for x in e["expiring_records"])))
    for name, found in result.repair.items():
        lines.append(f"::notice title={_escape('可申请信用修复 ' + name, True)}::"
                     + _escape(f"{len(found)} 条已满最短公示期（规则 P10.3）：" +
                               "；".join(f"{x['record']}（{x['since']} 起）" for x in found)))
    lines.append(summary(result, fail_on))
    return "\n".join(lines) + "\n"


FORMATS = {"text": as_text, "github": as_github, "json": as_json}
