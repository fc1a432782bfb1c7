"""Reports of the build and the check in every format (issues 10, 11, 17): bounded, errors
first, Excel positions, GitHub's limits, the job summary, and no private value in any of them."""

import json
import re
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest

from conftest import GOLDEN_AS_OF, Canaries, read_rows, write_rows
from generator import report_formats
from generator.cli import main
from test_privacy_canary import planted, resident_id, tables  # noqa: F401 (planted: a fixture)
from generator.schema import load_schema

SCHEMA = json.loads((Path(__file__).parents[1] / "generator/compliance/report.schema.json").read_text(encoding="utf-8"))
AS_OF = GOLDEN_AS_OF.isoformat()
FORMATS = ("text", "github", "json", "markdown")


def run_cli(capsys, *argv):
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def build(capsys, site, *extra):
    return run_cli(capsys, "build", "--site", str(site), "--out", str(site.parent / "out"), "--as-of", AS_OF,
                   "--no-search-index", *extra)


def check(capsys, site, fmt, *extra):
    return run_cli(capsys, "check", "--site", str(site), "--as-of", AS_OF, "--format", fmt, *extra)


# ---------------------------------------------------------------- bounded reports

N_BAD = 120


@pytest.fixture
def bad_site(site):
    """The golden site with N_BAD more penalties, each with three bad cells, and line breaks in a
    cell of every one of them (so that file lines and Excel rows differ)."""
    path = site / "data/penalties.csv"
    header, rows = read_rows(path)
    template = rows[0]
    for i in range(N_BAD):
        rows.append({**template, "行政处罚决定书文号": f"银人社监罚〔2024〕{900 + i}号", "内部意见": "第一行\n第二行",
                     "处罚决定日期": "2024-02-30", "罚款金额（元）": "五千元", "公示日期": "2024/13/01"})
    write_rows(path, header, rows)
    return site


def test_a_hundred_bad_rows_give_a_bounded_report_with_exact_counts(bad_site, capsys):
    status, out, err = build(capsys, bad_site, "--max-per-code", "3")
    assert status == 1
    lines = err.splitlines()
    assert len(lines) < 40, err  # 3 codes × (3 + 1) lines, warnings, the summary by code
    assert f"…另有 {2 * N_BAD - 3} 个同类问题（E-DATE，data/penalties.csv；共 {2 * N_BAD} 个" in err
    assert "【按代码汇总】" in err and f"E-NUMBER（错误，规则 P1）{N_BAD} 个" in err
    assert f"构建失败：共 {3 * N_BAD} 个错误" in err  # totals stay exact
    first_warning = next(i for i, l in enumerate(lines) if ": W-" in l)
    assert all(": E-" not in l for l in lines[first_warning:])  # errors first


def test_the_default_is_twenty_per_file_and_code(bad_site, capsys):
    _, _, err = build(capsys, bad_site)
    assert len([l for l in err.splitlines() if ": E-DATE " in l]) == 20


def test_check_json_caps_and_counts_what_it_left_out(bad_site, capsys):
    status, out, _ = check(capsys, bad_site, "json", "--max-per-code", "4")
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    assert status == 1 and doc["format"] == "gongshi-check/2" and doc["max_per_code"] == 4
    by_code = doc["summary"]["by_code"]
    assert by_code["E-DATE"] == 2 * N_BAD and by_code["E-NUMBER"] == N_BAD
    assert doc["summary"]["errors"] == sum(n for code, n in by_code.items() if code.startswith("E-"))
    listed = [p for p in doc["problems"] if p["code"] == "E-DATE"]
    assert len(listed) == 4
    assert {"file": "data/penalties.csv", "code": "E-DATE", "severity": "error", "total": 2 * N_BAD, "listed": 4} \
        in doc["omitted"]
    severities = [p["severity"] for p in doc["problems"]]
    assert severities == sorted(severities)  # "error" < "warning": errors first


def test_no_limit_lists_everything(bad_site, capsys):
    _, out, _ = check(capsys, bad_site, "json", "--max-per-code", "0")
    doc = json.loads(out)
    assert len(doc["problems"]) == doc["summary"]["errors"] + doc["summary"]["warnings"] and not doc["omitted"]


def test_github_annotations_stay_within_what_github_shows(bad_site, capsys):
    _, out, _ = check(capsys, bad_site, "github")
    lines = out.splitlines()
    errors = [i for i, l in enumerate(lines) if l.startswith("::error ")]
    warnings = [i for i, l in enumerate(lines) if l.startswith("::warning ")]
    notices = [l for l in lines if l.startswith("::notice ")]
    assert 0 < len(errors) <= 10 and 0 < len(warnings) <= 10 and len(notices) <= 10
    assert max(errors) < min(warnings)  # errors first
    # each kind of error gets an annotation before a second one of any kind
    summary = _summary(capsys, bad_site)
    error_codes = {code for code in summary["by_code"] if code.startswith("E-")}
    assert len(error_codes) < 10 and {re.search(r"title=(E-[A-Z-]+)", lines[i]).group(1) for i in errors} == error_codes
    hidden = summary["errors"] + summary["warnings"] - len(errors) - len(warnings)
    assert notices[0].startswith(f"::notice title=另有 {hidden} 个问题未显示为注释::")
    assert "本步骤日志" in notices[0]
    # the annotation points at the CSV in the repository (file line), the message at Excel's row
    number = next(lines[i] for i in errors if "title=E-NUMBER" in lines[i])
    line = int(re.search(r",line=(\d+)", number).group(1))
    excel = int(re.search(r"Excel 第(\d+)行", number).group(1))
    assert (line, excel) == (13, 13)  # the first bad row: nothing before it spans two lines
    assert len(re.findall(r"title=E-NUMBER", "\n".join(lines[i] for i in errors))) >= 2
    second = [lines[i] for i in errors if "title=E-NUMBER" in lines[i]][1]
    assert re.search(r",line=(\d+)", second).group(1) == "15" and "Excel 第14行" in second
    assert any(l.startswith("【按代码汇总】") for l in lines)  # the whole report follows, for the log


def _summary(capsys, site):
    _, out, _ = check(capsys, site, "json")
    return json.loads(out)["summary"]


def test_markdown_job_summary(bad_site, capsys):
    status, out, _ = check(capsys, bad_site, "markdown", "--max-per-code", "2")
    assert status == 1 and out.startswith("## gongshi check：合规检查❌ 未通过（2025-01-15）")
    assert out.index("### 按代码汇总") < out.index("### 错误") < out.index("### 警告")
    assert f"| E-DATE | 错误 | P2.1 | {2 * N_BAD} | data/penalties.csv {2 * N_BAD} 个 |" in out
    assert f"#### E-DATE · data/penalties.csv（{2 * N_BAD} 个，列出前 2 个）" in out
    assert len(out.encode("utf-8")) <= report_formats.SUMMARY_BUDGET


def test_markdown_stays_within_githubs_one_mebibyte(bad_site, capsys, monkeypatch):
    monkeypatch.setattr(report_formats, "SUMMARY_BUDGET", 3000)
    _, out, _ = check(capsys, bad_site, "markdown", "--max-per-code", "0")
    assert len(out.encode("utf-8")) <= 3000 + 200
    assert "摘要已达 GitHub 作业摘要的 1 MiB 上限" in out and "### 按代码汇总" in out


def test_markdown_cells_hold_no_markup(site, capsys):
    path = site / "data/penalties.csv"
    header, rows = read_rows(path)
    rows[0]["行政相对人类别"] = "<b>公司</b>|*x*"
    write_rows(path, header, rows)
    _, out, _ = check(capsys, site, "markdown")
    assert r"\<b\>公司\</b\>\|\*x\*" in out


# ---------------------------------------------------------------- positions an editor can find

def test_positions_name_the_excel_row_column_letter_and_name(site, capsys):
    path = site / "data/penalties.csv"
    header, rows = read_rows(path)
    rows[0]["内部意见"] = "一\n二\n三"   # two extra lines in Excel's row 2
    rows[2]["内部意见"] = "甲\n乙"       # one in row 4
    rows[5]["公示日期"] = "2024-02-30"   # Excel row 7, file line 2 + 5 + 3 = 10
    write_rows(path, header, rows)
    column = header.index("公示日期") + 1
    _, _, err = build(capsys, site)
    assert f"data/penalties.csv:10:{column}（Excel 第7行 AC列“公示日期”）: E-DATE" in err
    _, out, _ = check(capsys, site, "json")
    [p] = [p for p in json.loads(out)["problems"] if p["code"] == "E-DATE"]
    assert (p["row"], p["excel_row"], p["excel_column"], p["column_name"]) == (10, 7, "AC", "公示日期")
    _, out, _ = check(capsys, site, "github")
    assert f"::error file=data/penalties.csv,line=10,col={column},title=E-DATE" in out


def test_a_line_break_in_a_value_cannot_start_a_log_line(site, capsys):
    path = site / "data/penalties.csv"
    header, rows = read_rows(path)
    rows[0]["行政相对人类别"] = "公司\n::error::injected"
    write_rows(path, header, rows)
    for fmt in FORMATS:
        _, out, _ = check(capsys, site, fmt)
        assert not any(l.startswith("::error::injected") for l in out.splitlines()), fmt
    _, _, err = build(capsys, site)
    assert "公司↵::error::injected" in err


# ---------------------------------------------------------------- private values never printed

# new private columns of the penalties schema, each invalid in its own way in every row
WAYS = [
    ({"name": "私有日期", "type": "date"}, "E-DATE", lambda n: f"CANARY{n}日期"),
    ({"name": "私有数字", "type": "number"}, "E-NUMBER", lambda n: f"CANARY{n}数字"),
    ({"name": "私有下限", "type": "integer", "constraints": {"minimum": 0}}, "E-MINIMUM", lambda n: f"-97{n:05d}"),
    ({"name": "私有上限", "type": "number", "constraints": {"maximum": 10}}, "E-MAXIMUM", lambda n: f"96{n:05d}"),
    ({"name": "私有格式", "type": "string", "constraints": {"pattern": "^[A-Z]{2}[0-9]{4}$"}}, "E-PATTERN",
     lambda n: f"CANARY{n}格式"),
    ({"name": "私有枚举", "type": "string", "constraints": {"enum": ["甲", "乙"]}}, "E-ENUM", lambda n: f"CANARY{n}枚举"),
    ({"name": "私有多值", "type": "string", "multiValue": "、", "constraints": {"enum": ["甲", "乙"]}}, "E-ENUM",
     lambda n: f"甲、CANARY{n}多值"),
    ({"name": "私有信用代码", "type": "string", "identifier": "uscc"}, "E-USCC", lambda n: f"91640100CANARY{n:04d}"),
    ({"name": "私有文号", "type": "string", "identifier": "doc-number"}, "E-DOC-NUMBER", lambda n: f"CANARY{n}文号"),
    ({"name": "私有手机", "type": "string", "identifier": "mobile"}, "E-NUMBER", lambda n: f"1290{n:07d}"),
    ({"name": "私有身份证", "type": "string", "identifier": "resident-id"}, "E-RESIDENT-ID",
     lambda n: resident_id(n)[:-1] + ("0" if resident_id(n)[-1] != "0" else "1")),
    ({"name": "私有唯一", "type": "string", "constraints": {"unique": True}}, "E-DUPLICATE", None),  # see below
    ({"name": "私有部门", "type": "string", "references": "agencies"}, "E-AGENCY-UNKNOWN", lambda n: f"CANARY{n}局"),
    ({"name": "私有过长", "type": "string", "constraints": {"maxLength": 3}}, "E-TOO-LONG", lambda n: f"CANARY{n}过长"),
]


def marker(text: str) -> str:
    return text.removeprefix("甲、").removeprefix("-")


@pytest.fixture
def invalid_private_cells(site):
    """The golden site with every private cell invalid (a canary in each), in every way a cell can
    be: its type, a list, a pattern, a range, an identifier's checksum, uniqueness, a department,
    a length, the order of two dates, a legal review after the decision, a correction log's
    references; and one public cell invalid too (to show that the test sees values)."""
    markers: list[str] = []
    n = 100

    def plant(make):
        nonlocal n
        n += 1
        value = make(n)
        markers.append(marker(value))
        return value

    path, schema_path = site / "data/penalties.csv", site / "data/penalties.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["fields"] += [dict(way) for way, _, _ in WAYS]
    schema_path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    header, rows = read_rows(path)
    header += [way["name"] for way, _, _ in WAYS]
    for i, row in enumerate(rows):
        for way, _, make in WAYS:
            if make:
                row[way["name"]] = plant(make)
        row["私有唯一"] = f"CANARY{i // 2}唯一"  # rows 0 and 1 share a value, 2 and 3 …
        markers.append(row["私有唯一"])
        row["证件号码"] = plant(lambda k: resident_id(k)[:-1] + ("0" if resident_id(k)[-1] != "0" else "1"))
        row["联系电话"] = plant(lambda k: f"CANARY{k}电话")
        row["法制审核结论"] = plant(lambda k: f"CANARY{k}结论")
        row["法制审核日期"] = plant(lambda k: f"CANARY{k}审核")
        for name in ("住址", "承办人", "内部意见", "法制审核意见书编号", "保密审查人"):
            row[name] = plant(lambda k: f"CANARY{k}文字")
        # the review date after the publication date: E-DATE-ORDER quotes both
        later = date(2090, 1, 1) + timedelta(days=n)
        row["保密审查日期"] = later.isoformat()
        markers.append(later.isoformat())
        n += 1
    major = rows[0]  # a major decision reviewed after it was made: E-LEGAL-REVIEW quotes the date
    # after the decision, before today (法制审核日期 is an event date: one after today is E-DATE-FUTURE)
    reviewed = date(2026, 6, 1)
    major.update({"是否重大": "是", "法制审核结论": "同意", "法制审核日期": reviewed.isoformat()})
    markers.append(reviewed.isoformat())
    rows[1]["处罚决定日期"] = "2024-02-31"  # public: shown as typed
    write_rows(path, header, rows)
    for ds in tables(site):
        if ds.name in ("penalties", "corrections"):
            continue
        spec = load_schema(site, ds.schema)
        h, rs = read_rows(site / ds.file)
        for row in rs:
            for f in spec.fields:
                if not f.public and f.name in h:
                    bad = {"resident-id": lambda k: resident_id(k)[:-1] + ("0" if resident_id(k)[-1] != "0" else "1"),
                           "mobile": lambda k: f"CANARY{k}手机"}.get(f.identifier)
                    row[f.name] = plant(bad or (lambda k: f"CANARY{k}{'日期' if f.type == 'date' else '文字'}"))
        write_rows(site / ds.file, h, rs)
    h, rs = read_rows(site / "data/corrections.csv")
    rs.append({**rs[0], "数据集": plant(lambda k: f"CANARY{k}数据集"), "经办人": plant(lambda k: f"CANARY{k}人")})
    rs.append({**rs[0], "记录": plant(lambda k: f"CANARY{k}记录"), "更正依据": plant(lambda k: f"CANARY{k}依据")})
    write_rows(site / "data/corrections.csv", h, rs)
    return site, markers


def test_no_private_value_in_any_report(invalid_private_cells, capsys):
    site, markers = invalid_private_cells
    printed = {"build": "".join(build(capsys, site, "--max-per-code", "0")[1:])}
    for fmt in FORMATS:
        printed[fmt] = "".join(check(capsys, site, fmt, "--max-per-code", "0")[1:])
    codes = {p["code"] for p in json.loads(printed["json"])["problems"]}
    assert {code for _, code, _ in WAYS} | {"E-DATE-ORDER", "E-LEGAL-REVIEW", "E-CORRECTION-REF"} <= codes
    assert "2024-02-31" in printed["text"]  # a public value is shown: the search below can see values
    for name, text in printed.items():
        leaked = [m for m in markers if m in text]
        assert not leaked, f"{name}: {leaked[:5]}"


def test_no_private_value_in_the_checks_findings(planted, capsys):
    """The golden and demo sites with a valid canary in every private cell: the check's findings
    (late reviews, unmarked major decisions, corrections answered late …) quote private dates and
    amounts, the build's warnings too."""
    site, markers, as_of = planted
    printed = {fmt: "".join(run_cli(capsys, "check", "--site", str(site), "--as-of", as_of.isoformat(),
                                    "--format", fmt, "--max-per-code", "0")[1:]) for fmt in FORMATS}
    printed["build"] = "".join(run_cli(capsys, "build", "--site", str(site), "--out", str(site.parent / "out"),
                                       "--as-of", as_of.isoformat(), "--no-search-index", "--max-per-code", "0")[1:])
    if as_of != GOLDEN_AS_OF:  # the demo
        found = json.loads(printed["json"])["summary"]["by_code"]
        assert found["W-MAJOR-UNMARKED"] and found["E-CORRECTION-OVERDUE"]  # they quote private amounts and dates
    canaries = Canaries(markers)
    for fmt, text in printed.items():
        leaked = canaries.found(text)
        assert not leaked, f"{fmt}: {leaked[:5]}"
