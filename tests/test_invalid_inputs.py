"""One fixture per failure mode: the build fails with the error code at ``file:row:column``,
reports it in the documented format, and leaves the previous output untouched."""

import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, GOLDEN_AS_OF, config_errors, edit_config, run
from generator.cli import main

INVALID = FIXTURES / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())


def overlay(site: Path, case: str) -> str:
    for path in (INVALID / case).rglob("*"):
        if path.is_file() and path.name != "expected.txt":
            target = site / path.relative_to(INVALID / case)
            shutil.copyfile(path, target)
    return (INVALID / case / "expected.txt").read_text(encoding="utf-8").strip()


def test_every_failure_mode_named_in_the_issue_has_a_fixture():
    for name in ("bad_checksum", "bad_date", "duplicate_doc_number", "gbk_file", "unknown_department",
                 "personal_data_in_public_text", "major_without_legal_review", "missing_column"):
        assert name in CASES


@pytest.mark.parametrize("case", CASES)
def test_fixture_reports_its_error_at_its_position(site, case):
    expected = overlay(site, case)
    result, report = run(site, GOLDEN_AS_OF, today=GOLDEN_AS_OF)  # the golden data describe that day
    assert result is None, f"{case}: the build should have failed"
    lines = [d.format() for d in report.errors]
    assert any(line.startswith(expected + " ") for line in lines), lines
    # the bad cell is the only problem: nothing else in the site was disturbed
    assert len(lines) == 1, lines


@pytest.mark.parametrize("case", ["bad_checksum", "gbk_file", "missing_column"])
def test_cli_exit_code_message_and_untouched_output(site, case, capsys):
    out = site / "public"
    assert main(["build", "--site", str(site), "--as-of", "2025-01-15", "--no-search-index"]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    expected = overlay(site, case)
    capsys.readouterr()
    assert main(["build", "--site", str(site), "--as-of", "2025-01-15", "--no-search-index"]) == 1
    err = capsys.readouterr().err
    # the CLI adds the position Excel shows after the file's: data/penalties.csv:2:5（Excel 第2行 E列“…”）
    line = next(l for l in err.splitlines() if re.sub(r"（Excel [^）]*）", "", l).startswith(expected))
    assert "（规则 " in line and "Traceback" not in err
    assert "构建失败：共 1 个错误" in err
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in site.iterdir() if p.name.startswith(".public.")], "staging left behind"


def test_usage_errors_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["build", "--as-of", "2025-13-01"])
    assert exc.value.code == 2
    assert main(["build", "--site", str(tmp_path / "nope")]) == 2


def test_all_problems_reported_at_once(site):
    overlay(site, "bad_checksum")
    shutil.copyfile(INVALID / "bad_checksum_random_checks" / "data/random_checks.csv", site / "data/random_checks.csv")
    result, report = run(site, GOLDEN_AS_OF)
    codes = sorted(d.location() for d in report.errors)
    assert codes == ["data/penalties.csv:2:5", "data/random_checks.csv:2:6"]


def test_configuration_naming_an_unknown_column_is_an_error_not_a_crash(site):
    import yaml

    config = yaml.safe_load((site / "site_config.yaml").read_text(encoding="utf-8"))
    config["datasets"]["penalties"]["list_columns"].append("不存在的列")
    config["datasets"]["staff"]["checks"] = ["no_such_check"]
    (site / "site_config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result, report = run(site, GOLDEN_AS_OF)
    lines = [d.format() for d in report.errors]
    assert len(lines) == 2 and all(l.startswith("site_config.yaml: E-CONFIG") for l in lines), lines
    assert "不存在的列" in lines[0] + lines[1] and "no_such_check" in lines[0] + lines[1]


@pytest.mark.parametrize("search, expected", [
    ({"names": ["不存在的列"]}, "datasets.penalties.search.names：“不存在的列”不是"),
    ({"filters": ["承办人"]}, "不是公开字段，不能用于查询（规则 P3.1）"),
    ({"name": ["行政相对人名称"]}, "datasets.penalties.search.name 不是可用的设置，是否应为“names”？"),
    (["行政相对人名称"], "datasets.penalties.search 应为映射"),
])
def test_search_settings_are_checked(site, search, expected):
    edit_config(site, lambda c: c["datasets"]["penalties"].update(search=search))
    lines = config_errors(site)
    assert any(l.startswith("site_config.yaml") and " E-CONFIG " in l and expected in l for l in lines), lines


def test_broken_site_template_is_reported_with_its_line(site, capsys):
    (site / "templates").mkdir()
    (site / "templates/record.html").write_text('{% extends "base.html" %}\n{% block main %}\n{{ record.get( }}\n{% endblock %}\n',
                                                encoding="utf-8")
    assert main(["build", "--site", str(site), "--as-of", "2025-01-15", "--no-search-index"]) == 1
    err = capsys.readouterr().err
    assert "templates/record.html:3: E-TEMPLATE" in err and "Traceback" not in err


def test_template_syntax_error_is_caught_before_workers_start(site, capsys):
    (site / "templates").mkdir()
    (site / "templates/agency.html").write_text("{% block main %}\n{% if %}\n", encoding="utf-8")
    assert main(["build", "--site", str(site), "--as-of", "2025-01-15", "--no-search-index", "--jobs", "2"]) == 1
    assert "templates/agency.html:2: E-TEMPLATE" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["- 1\n", "site: 3\n", "datasets: {a: 1}\n",
                                  "site: {title: a, base_url: b, publisher: c}\ndatasets:\n  p: {item: x}\n",
                                  "site: [\n"])
def test_malformed_site_config_is_an_error_not_a_crash(site, capsys, text):
    (site / "site_config.yaml").write_text(text, encoding="utf-8")
    assert main(["build", "--site", str(site), "--as-of", "2025-01-15", "--no-search-index"]) == 1
    err = capsys.readouterr().err
    assert "site_config.yaml" in err and ("E-CONFIG" in err or "E-YAML" in err) and "Traceback" not in err


def test_readme_documents_every_code():
    from conftest import REPO
    from generator.diagnostics import CATALOGUE

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert [c for c in CATALOGUE if f"`{c}`" not in readme] == []


def test_positions_count_physical_lines_when_cells_span_lines(site):
    """Excel writes line breaks inside quoted cells: row numbers are the editor's line numbers."""
    from conftest import edit_row

    path = site / "data/penalties.csv"
    edit_row(path, {"行政处罚决定书文号": "银人社监罚〔2024〕15号"}, 内部意见="第一行\n第二行\n第三行")
    edit_row(path, {"行政处罚决定书文号": "贺人社监罚〔2024〕3号"}, 处罚决定日期="2024-02-30")
    text = path.read_text(encoding="utf-8")
    line = text.splitlines().index(next(l for l in text.splitlines() if l.startswith("贺人社监罚〔2024〕3号"))) + 1
    assert line == 5  # header, the 3-line record, then this one
    _, report = run(site, GOLDEN_AS_OF)
    assert [d.location() for d in report.errors] == ["data/penalties.csv:5:19"]


@pytest.mark.parametrize("slug", ["../../escape", "Remedies", "a b", "agencies"])
def test_content_slug_cannot_leave_or_take_over_the_site(site, slug):
    (site / "content/x.md").write_text(f"---\ntitle: x\nslug: {slug}\n---\ntext\n", encoding="utf-8")
    result, report = run(site, GOLDEN_AS_OF)
    assert result is None
    assert [d.location() + " " + d.code for d in report.errors][0].startswith("content/x.md:1 E-")
    assert not (site.parent / "escape").exists()


@pytest.mark.parametrize("identifier", [{}, ["uscc"], 3, "身份证"])
def test_schema_identifier_of_the_wrong_kind_is_named_not_a_crash(site, identifier):
    """Found by the fuzz test: an identifier that is no text crashed the personal-identifier guard."""
    import json

    path = site / "data/penalties.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    field = next(f for f in schema["fields"] if f["name"] == "案件名称")
    field["identifier"], field["public"] = identifier, True
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")
    result, report = run(site, GOLDEN_AS_OF)
    lines = [d.format() for d in report.errors]
    assert result is None and any("E-SCHEMA" in l and "案件名称" in l and "identifier" in l for l in lines), lines


def test_penalty_kinds_are_those_of_the_law():
    """S3: 处罚类别 takes the kinds of 行政处罚法 art. 9 only (anything else is E-ENUM, see the
    fixture unknown_penalty_kind), in the demo and in the golden site alike."""
    import json
    from conftest import GOLDEN_SITE, REPO
    kinds = ["警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "暂扣许可证件", "降低资质等级", "吊销许可证件",
             "限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业", "行政拘留", "其他"]
    for root in (REPO, GOLDEN_SITE):
        schema = json.loads((root / "data/penalties.schema.json").read_text(encoding="utf-8"))
        [field] = [f for f in schema["fields"] if f["name"] == "处罚类别"]
        assert field["constraints"]["enum"] == kinds


@pytest.mark.parametrize("field_name, unit, says", [
    ("罚款金额（元）", 3, "unit 应为文字"),          # not text
    ("案件名称", "元", "unit 只能用于 number 或 integer"),  # a unit on a text field
])
def test_schema_unit_of_the_wrong_kind_is_named(site, field_name, unit, says):
    """``unit`` (80,000 元 on pages) is text, and only on a number field (generator/schema.py)."""
    import json

    path = site / "data/penalties.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == field_name)["unit"] = unit
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")
    result, report = run(site, GOLDEN_AS_OF)
    lines = [d.format() for d in report.errors]
    assert result is None and any("E-SCHEMA" in l and field_name in l and says in l for l in lines), lines
