"""site_config.yaml read by its declarations (generator/config/), and every YAML input read by the
one safe loader (generator/yamlfile.py): one case per failure mode, each asserting the code, the
key's path, the line and the suggestion — never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import GOLDEN_SITE, REPO
from generator.calendar import WorkCalendar
from generator.cli import main
from generator.config import SITE, ConfigError, load_config, nearest
from generator.config import Flag, Integer, Option, Section, reference, section
from generator.config.options import At
from generator.stages import assemble
from generator.stages.read import read_agencies, read_content
from generator.yamlfile import ALIAS_BUDGET, YamlError, parse_yaml, read_yaml

DEMO_CONFIG = (REPO / "site_config.yaml").read_text(encoding="utf-8")

# “billion laughs”: nine levels of nine aliases, 9⁹ strings once expanded
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))


def demo_config() -> dict:
    return yaml.safe_load(DEMO_CONFIG)


def set_in(data: dict, path: str, value) -> dict:
    """``path``: dotted keys, digits index lists; ``...`` deletes the key."""
    *parents, last = path.split(".")
    node = data
    for p in parents:
        node = node[int(p)] if isinstance(node, list) else node.setdefault(p, {})
    if value is ...:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data


def problems(tmp_path: Path, data) -> list[str]:
    """The formatted problems of a site_config.yaml holding ``data`` (a mapping, or YAML text)."""
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    (tmp_path / "site_config.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path)
    return [d.format() for d in exc.value.diagnostics]


def only(lines: list[str], expected: str) -> str:
    assert len(lines) == 1, lines
    assert expected in lines[0], lines
    return lines[0]


# ---------------------------------------------------------------- the declarations

def test_demo_and_golden_configurations_load_typed():
    config = load_config(REPO)
    penalties, hearings, staff = (config.dataset(n) for n in ("penalties", "hearings", "staff"))
    assert (config.page_size, config.feed_size, config.nav) == (50, 100, ("penalties", "random_checks"))
    assert config.correction.answer_working_days == 10 and config.remedy.review_days == 60
    assert penalties.record_pages is True and penalties.feed is True and hearings.oldest_first is True
    assert penalties.period.rules[0].years == 3 and penalties.period.rules[0].when == (("是否重大", "是"),)
    assert ("CF_NR_FK", "column", "罚款金额（元）", "万元") in penalties.exports[0].columns
    assert ("CF_GSJZQ", "life", "credit_last_day", "") in penalties.exports[0].columns
    assert staff.period.until == "证件有效期至" and staff.period.default.indefinite
    correction = next(d for d in config.compliance.duties if d.kind == "correction")
    assert (correction.working_days, correction.basis) == (10, config.correction.basis)  # P5.3: the promised term
    assert config.compliance.next_year_from == (11, 1) and config.compliance.expiring_days == 30
    assert len(load_config(GOLDEN_SITE).datasets) == 4


def test_the_readme_reference_is_the_declarations():
    import update_readme

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert update_readme.with_reference(readme) == readme, "run: python tests/update_readme.py"
    keys = [row.key for row in reference(SITE)]
    for key in ("site.page_size", "datasets.<name>.record_pages", "datasets.<name>.period.rules[].when",
                "datasets.<name>.exports.<name>.columns", "datasets.<name>.major.thresholds.range.share",
                "datasets.<name>.credit.classes.<class>.creditchina.years",
                "compliance.duties[].from", "compliance.calendar.next_year_from", "correction.answer_working_days"):
        assert key in keys and f"| `{key}` |" in readme


def test_every_key_is_described_and_every_basis_is_declared_as_one():
    rows = reference(SITE)
    assert all(row.doc for row in rows), [row.key for row in rows if not row.doc]
    bases = [row for row in rows if row.key.endswith("basis")]
    assert bases and all(row.kind == "legal basis (text)" or row.key == "compliance.duties[].basis" for row in bases)


@section
class _Sample:
    size: int = Option(Integer(min=1), "how many", default=5)
    strict: bool = Option(Flag(), "whether", default=False)


def test_a_key_is_one_declaration():
    """What a package adding a key writes: one Option; parsing, errors and the README row follow."""
    at = At()
    assert Section(_Sample).parse({"size": 3}, at) == _Sample(size=3, strict=False) and at.problems == []
    Section(_Sample).parse({"siez": 3, "strict": "no"}, at)
    assert [m for _, m in at.problems] == ["siez 不是可用的设置，是否应为“size”？",
                                           "strict 只能是 true 或 false，现为文字“no”（去掉引号）"]
    assert [(r.key, r.kind, r.default) for r in reference(Section(_Sample))] == [
        ("size", "integer ≥ 1", "`5`"), ("strict", "`true` / `false`", "`false`")]


def test_nearest_valid_key():
    valid = ["title", "record_pages", "统一社会信用代码", "名称"]
    assert nearest("titel", valid) == "title"
    assert nearest("TITLE", valid) == "title"
    assert nearest("record_page", valid) == "record_pages"
    assert nearest("统一信用代码", valid) == "统一社会信用代码"
    assert nearest("xyz", valid) is None


# ---------------------------------------------------------------- unknown keys, at every level

@pytest.mark.parametrize("path, suggestion", [
    ("agencie", "agencies"),
    ("site.titel", "title"),
    ("correction.phon", "phone"),
    ("remedy.review_day", "review_days"),
    ("corrections.files", "file"),
    ("datasets.penalties.record_page", "record_pages"),
    ("datasets.penalties.period.form", "from"),
    ("datasets.penalties.period.default.year", "years"),
    ("datasets.penalties.period.rules.0.basiss", "basis"),
    ("datasets.penalties.deadline.working_day", "working_days"),
    ("datasets.major_violations.group_by.by_levels", "by_level"),
    ("datasets.penalties.exports.creditchina.titel", "title"),
    ("datasets.penalties.exports.creditchina.columns.CF_NR_FK.unt", "unit"),
    ("datasets.penalties.search.name", "names"),
    ("compliance.dutie", "duties"),
    ("compliance.duties.0.workingdays", "working_days"),
    ("datasets.penalties.major.threshold", "thresholds"),
    ("datasets.penalties.major.flagg", "flag"),
    ("datasets.penalties.major.thresholds.range.shares", "share"),
    ("datasets.penalties.credit.repair.end", "ends"),
    ("compliance.certificates.warn_day", "warn_days"),
    ("compliance.repealed.cited", "cited_in"),
    ("compliance.announcements.month", "months"),
    ("compliance.expiring.day", "days"),
    ("compliance.calendar.next_year", "next_year_from"),
])
def test_unknown_key_names_its_path_and_the_nearest_key(tmp_path, path, suggestion):
    shown = path.replace(".rules.0.", ".rules[0].").replace(".duties.0.", ".duties[0].")
    line = only(problems(tmp_path, set_in(demo_config(), path, "x")),
                f"E-CONFIG 配置错误：{shown} 不是可用的设置，是否应为“{suggestion}”？")
    assert line.startswith("site_config.yaml:") and line.split(":")[1].isdigit(), line  # the key's line


def test_unknown_key_without_a_near_one_lists_the_valid_keys(tmp_path):
    only(problems(tmp_path, set_in(demo_config(), "remedy.zzz", 1)),
         "remedy.zzz 不是可用的设置（此处可用：review_days、review_basis、litigation_months、litigation_basis）")


def test_unknown_lifecycle_role(tmp_path):
    only(problems(tmp_path, set_in(demo_config(), "datasets.staff.lifecycle", {"status_not": "备注"})),
         "datasets.staff.lifecycle.status_not 只能是 published_on / reviewed_on / status / status_on / status_note，"
         "现为文字“status_not”，是否应为“status_note”？")


def test_the_issues_misspellings_no_longer_build_silently(tmp_path):
    """record_page: instead of record_pages:, titel: instead of title: (issue 11)."""
    text = DEMO_CONFIG.replace("    record_pages: true\n", "    record_page: true\n", 1)
    text = text.replace("  short_title: 宁夏人社执法公示\n", "  short_title: 宁夏人社执法公示\n  titel: 别的名字\n")
    lines = problems(tmp_path, text)
    assert [l.split(": E-CONFIG")[0] for l in lines] == ["site_config.yaml:6", "site_config.yaml:46"]
    assert "site.titel 不是可用的设置，是否应为“title”？" in lines[0]
    assert "datasets.penalties.record_page 不是可用的设置，是否应为“record_pages”？" in lines[1]


# ---------------------------------------------------------------- types and ranges

@pytest.mark.parametrize("path, value, expected", [
    ("site.page_size", 0, "site.page_size 应为 1 到 1000 之间的整数，现为 0"),
    ("site.page_size", "abc", "site.page_size 应为 1 到 1000 之间的整数，现为文字“abc”（不要加引号）"),
    ("site.page_size", 2.5, "site.page_size 应为 1 到 1000 之间的整数，现为 2.5"),
    ("site.feed_size", -1, "site.feed_size 应为 1 到 10000 之间的整数，现为 -1"),
    ("site.base_url", "gongshi.example.cn", "site.base_url “gongshi.example.cn”格式不对，应形如 https://"),
    ("site.tag", "gongshi", "site.tag “gongshi”格式不对，应形如 hrss.nx.gov.cn,2019"),
    ("site", ["x"], "site 应为映射（键: 值），现为列表"),
    ("correction.postcode", "75000", "correction.postcode “75000”格式不对"),
    ("correction.answer_working_days", "十", "correction.answer_working_days 应为 1 到 60 之间的整数"),
    ("datasets", "penalties", "datasets 应为映射（名称: 设置），现为文字“penalties”"),
    ("datasets.penalties", [1], "datasets.penalties 应为映射（键: 值），现为列表"),
    ("datasets.penalties.record_pages", "false", "datasets.penalties.record_pages 只能是 true 或 false，现为文字“false”"),
    ("datasets.penalties.feed", 1, "datasets.penalties.feed 只能是 true 或 false，现为 1"),
    ("datasets.penalties.item", 25, "datasets.penalties.item 应为 1 到 24 之间的整数，现为 25"),
    ("datasets.penalties.title", True, "datasets.penalties.title 应为文字，现为 true（作文字用请加引号）"),
    ("datasets.penalties.key", {"a": 1}, "datasets.penalties.key 应为列表（如 [甲, 乙]），现为映射"),
    ("datasets.penalties.list_columns", "处罚机关", "datasets.penalties.list_columns 应为列表"),
    ("datasets.penalties.order", [["处罚决定日期", "公示日期", "状态日期"]], "datasets.penalties.order[0] 应有 2 项，现有 3 项"),
    ("datasets.penalties.sort", "oldest", "datasets.penalties.sort 只能是 newest-first / oldest-first，现为文字“oldest”，"
                                          "是否应为“oldest-first”？"),
    ("datasets.penalties.path", "Penalties", "datasets.penalties.path “Penalties”只能含小写字母、数字和连字符"),
    ("datasets.penalties.period", "1年", "datasets.penalties.period 应为映射（键: 值），现为文字“1年”"),
    ("datasets.penalties.period.default.years", -1, "datasets.penalties.period.default.years 应为 0 到 100 之间的整数"),
    ("datasets.penalties.deadline.working_days", "七", "datasets.penalties.deadline.working_days 应为 1 到 365 之间的整数"),
    ("datasets.major_violations.group_by.default", "month", "group_by.default 只能是 quarter / half-year / year / value"),
    ("datasets.penalties.exports.creditchina.columns.CF_NR_FK", {"column": "罚款金额（元）", "unit": "元"},
     "CF_NR_FK.unit 只能是  / 万元，现为文字“元”"),
    ("datasets.penalties.exports.creditchina.columns.CF_GSJZQ", {"life": "end"},
     "CF_GSJZQ.life 只能是 last_day / credit_last_day / state / published_on / period_start"),
    ("datasets.penalties.search.names", "行政相对人名称", "datasets.penalties.search.names 应为列表"),
    ("compliance.calendar.next_year_from", "11-31", "compliance.calendar.next_year_from 应为“月-日”，如 \"11-01\"，现为“11-31”"),
    ("datasets.penalties.major.thresholds.range.share", 2, "range.share 应为 0 到 1 之间的数，现为 2"),
    ("datasets.penalties.credit.classes.一般.creditchina", {"years": 2},
     "datasets.penalties.credit.classes.一般.creditchina 为 2 年，超出法定范围"),
    ("compliance.duties.0.kind", "withdraw", "compliance.duties[0].kind 只能是 withdrawal / correction / legal_review，"
                                             "现为文字“withdraw”，是否应为“withdrawal”？"),
    ("compliance.expiring.days", "30天", "compliance.expiring.days 应为 0 到 366 之间的整数"),
])
def test_a_value_of_the_wrong_type_names_its_key(tmp_path, path, value, expected):
    only(problems(tmp_path, set_in(demo_config(), path, value)), expected)


# ---------------------------------------------------------------- what is required

@pytest.mark.parametrize("path, expected", [
    ("site.title", "缺少 site.title（必填）"),
    ("correction", "缺少 correction（必填）"),
    ("datasets.penalties.file", "缺少 datasets.penalties.file（必填）"),
    ("datasets.penalties.item", "缺少 datasets.penalties.item（附件2的事项序号；不公开的内部数据集请写 internal: true）"),
    ("datasets.penalties.period.default.basis", "缺少 datasets.penalties.period.default.basis（法律依据）"),
    ("datasets.penalties.period.rules.0.basis", "缺少 datasets.penalties.period.rules[0].basis（法律依据）"),
    ("datasets.penalties.deadline.basis", "缺少 datasets.penalties.deadline.basis（法律依据）"),
    ("datasets.penalties.period.from", "有期限时必须写明 datasets.penalties.period.from（起算日期所在的列）"),
    ("datasets.major_violations.group_by.basis", "缺少 datasets.major_violations.group_by.basis（法律依据）"),
    ("datasets.penalties.exports.creditchina.basis", "缺少 datasets.penalties.exports.creditchina.basis（法律依据）"),
    ("remedy", "缺少 remedy（数据集 penalties、random_checks、coercions、licences 设置了 remedy_notice"),
    ("datasets.penalties.major.basis", "缺少 datasets.penalties.major.basis（法律依据）"),
    ("datasets.penalties.credit.repair.portal_basis", "缺少 datasets.penalties.credit.repair.portal_basis（法律依据）"),
    ("compliance.certificates.basis", "缺少 compliance.certificates.basis（法律依据）"),
    ("compliance.duties.2.working_days", "缺少 compliance.duties[2].working_days（必填）"),
])
def test_a_missing_required_key_or_basis_is_named(tmp_path, path, expected):
    only(problems(tmp_path, set_in(demo_config(), path, ...)), expected)


def test_a_correction_duty_takes_the_promised_term(tmp_path):
    """compliance.duties[1] (correction) has no working_days of its own: correction.answer_working_days."""
    data = set_in(demo_config(), "correction.answer_working_days", 15)
    (tmp_path / "site_config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_config(tmp_path).compliance.duties[1].working_days == 15


@pytest.mark.parametrize("path, value, expected", [
    ("site.nav", ["penalties", "penalty"], "site.nav 中的“penalty”不是已配置的（公开）数据集"),
    ("site.nav", ["correction_suggestions"], "site.nav 中的“correction_suggestions”不是已配置的（公开）数据集"),
    ("datasets.staff.path", "penalties", "datasets 中有多个数据集的 path 都是“penalties”"),
    ("datasets.correction_suggestions.feed", True, "datasets.correction_suggestions.feed：内部数据集（internal: true）不能设置"),
    ("datasets", {}, "datasets 不能为空"),
])
def test_settings_that_contradict_each_other(tmp_path, path, value, expected):
    only(problems(tmp_path, set_in(demo_config(), path, value)), expected)


def test_every_problem_is_reported_at_once(tmp_path):
    data = demo_config()
    for path, value in (("site.page_size", 0), ("site.titel", "x"), ("datasets.penalties.feed", "false"),
                        ("datasets.staff.period.default.basis", ...), ("compliance.expiring.dayz", 3)):
        set_in(data, path, value)
    lines = problems(tmp_path, data)
    assert len(lines) == 5 and all(" E-CONFIG " in line for line in lines), lines


def test_bad_top_level(tmp_path):
    only(problems(tmp_path, "- site\n- datasets\n"), "site_config.yaml:1: E-CONFIG 配置错误：顶层应为映射")


# ---------------------------------------------------------------- the build and the check, end to end

def test_page_size_is_a_configuration_error_not_a_calendar_one(site, capsys):
    path = site / "site_config.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("page_size: 50", "page_size: abc"), encoding="utf-8")
    assert main(["build", "--site", str(site), "--as-of", "2025-01-15", "--no-search-index"]) == 1
    err = capsys.readouterr().err
    assert "site_config.yaml:8: E-CONFIG 配置错误：site.page_size 应为 1 到 1000 之间的整数" in err
    assert "工作日历" not in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_folder_without_site_config(tmp_path, monkeypatch, capsys, command):
    """The first thing a newcomer sees running gongshi in the wrong folder: not a TypeError."""
    monkeypatch.chdir(tmp_path)
    assert main([command, "--as-of", "2025-01-15"]) == 1
    text = "".join(capsys.readouterr())
    assert f"site_config.yaml: E-FILE-MISSING 找不到文件 {tmp_path.resolve().as_posix()}/site_config.yaml" in text
    assert "--site DIR" in text and "gongshi init" in text and "Traceback" not in text
    assert not (tmp_path / "public").exists()


@pytest.mark.parametrize("missing", ["data/penalties.csv", "data/staff.schema.json", "data/agencies.yaml"])
def test_every_missing_file_is_reported_not_raised(site, missing):
    from conftest import GOLDEN_AS_OF, run

    (site / missing).unlink()
    result, report = run(site, GOLDEN_AS_OF)
    assert result is None
    assert f"{missing}: E-FILE-MISSING 找不到文件 {missing}（规则 P1）" in [d.format().split("。")[0] for d in report.errors]


# ---------------------------------------------------------------- calendar files

def calendar_problems(tmp_path: Path, text: str | bytes) -> list[str]:
    path = tmp_path / "data" / "calendar-2027.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(ConfigError) as exc:
        WorkCalendar.load(path, root=tmp_path)
    return [d.format() for d in exc.value.diagnostics]


GOOD_YEAR = "years:\n  2027:\n    basis: 国务院办公厅关于2027年部分节假日安排的通知\n    holidays: [2027-01-01]\n"


def test_a_calendar_file_adds_a_year(tmp_path):
    path = tmp_path / "calendar-2027.yaml"
    path.write_text(GOOD_YEAR, encoding="utf-8")
    assert WorkCalendar.load(path, root=tmp_path).known(2027)


@pytest.mark.parametrize("text, expected", [
    (GOOD_YEAR.replace("holidays:", "holiday:"),
     "data/calendar-2027.yaml:4: E-CONFIG 配置错误：years.2027.holiday 不是可用的设置，是否应为“holidays”？"),
    (GOOD_YEAR.replace("    basis: 国务院办公厅关于2027年部分节假日安排的通知\n", ""),
     "data/calendar-2027.yaml:2: E-CONFIG 配置错误：缺少 years.2027.basis（法律依据）"),
    (GOOD_YEAR.replace("[2027-01-01]", "[明天]"),
     "data/calendar-2027.yaml:4: E-CONFIG 配置错误：工作日历 years.2027.holidays：“明天”不是日期"),
    (GOOD_YEAR.replace("[2027-01-01]", "[2026-12-31]"),
     "data/calendar-2027.yaml:4: E-CONFIG 配置错误：工作日历 years.2027.holidays：2027 年的安排中出现了 2026-12-31"),
    (GOOD_YEAR.replace("[2027-01-01]", "[2027-01-01..0001-01-01]"),
     "data/calendar-2027.yaml:4: E-CONFIG 配置错误：工作日历 years.2027.holidays：区间“2027-01-01..0001-01-01”首尾颠倒"),
    (GOOD_YEAR.replace("[2027-01-01]", "[2027-01-01..9999-12-31]"),  # refused before a million days are built
     "data/calendar-2027.yaml:4: E-CONFIG 配置错误：工作日历 years.2027.holidays：2027 年的安排中出现了 9999-12-31"),
    (GOOD_YEAR.replace("[2027-01-01]", "[2027-02-30]"),
     "data/calendar-2027.yaml:4: E-YAML YAML 格式错误：“2027-02-30”无法识别（day is out of range for month）"),
    (GOOD_YEAR.replace("2027:", "'2027':"), "data/calendar-2027.yaml:2: E-CONFIG 配置错误：years.2027 应为 2000 到 2100"),
    ("- 2027-01-01\n", "data/calendar-2027.yaml:1: E-CONFIG 配置错误：日历文件的顶层应为 years:"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\xff", "data/calendar-2027.yaml:1: E-YAML YAML 格式错误：不是 UTF-8 编码"),
])
def test_bad_calendar_file_names_file_key_and_line(tmp_path, text, expected):
    only(calendar_problems(tmp_path, text), expected)


def test_a_calendar_file_named_in_the_configuration_but_missing(site):
    from conftest import GOLDEN_AS_OF, run

    path = site / "site_config.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "calendar: [data/calendar-2027.yaml]\n", encoding="utf-8")
    result, report = run(site, GOLDEN_AS_OF)
    assert [d.format().split("（")[0] for d in report.errors] == [
        "data/calendar-2027.yaml: E-FILE-MISSING 找不到文件 data/calendar-2027.yaml"]


# ---------------------------------------------------------------- the YAML loader

def test_alias_bomb_in_site_config(tmp_path):
    only(problems(tmp_path, BOMB), f"site_config.yaml:1: E-YAML YAML 格式错误：别名（*名称）展开后过大（超过 {ALIAS_BUDGET} 个节点）")


def test_alias_bomb_in_agencies_yaml(tmp_path):
    (tmp_path / "agencies.yaml").write_text("agencies:\n  - 名称: 甲\n" + BOMB, encoding="utf-8")
    found: list = []
    assert read_agencies(tmp_path, "agencies.yaml", found) == []
    assert [d.location() + " " + d.code for d in found] == ["agencies.yaml:1 E-YAML"]


def test_alias_bomb_in_front_matter(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content/notice.md").write_text("---\ntitle: 通知\n" + BOMB + "---\n正文\n", encoding="utf-8")
    found: list = []
    assert read_content(tmp_path, "content", ["content/notice.md"], found) == []
    assert [d.location() + " " + d.code for d in found] == ["content/notice.md:2 E-YAML"]
    assert "展开后过大" in found[0].message


def test_front_matter_problem_names_the_file_line(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content/notice.md").write_text("---\ntitle: 通知\ntitle: 又一个\n---\n正文\n", encoding="utf-8")
    found: list = []
    read_content(tmp_path, "content", ["content/notice.md"], found)
    assert [d.format().split("（规则")[0] for d in found] == [
        "content/notice.md:3: E-YAML YAML 格式错误：键“title”重复（第 2 行已有）"]


def test_alias_bomb_in_a_calendar_file(tmp_path):
    only(calendar_problems(tmp_path, "years: {}\n" + BOMB), "data/calendar-2027.yaml:1: E-YAML")


def test_alias_bomb_in_the_packages_own_files(tmp_path, monkeypatch):
    """items.yaml and holidays.yaml go through the same loader."""
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB, encoding="utf-8")
    monkeypatch.setattr("generator.calendar.DEFAULT_DATA", bomb)
    with pytest.raises(ConfigError) as exc:
        WorkCalendar.load()
    assert [d.code for d in exc.value.diagnostics] == ["E-YAML"]
    monkeypatch.setattr(assemble, "ITEMS_FILE", bomb)
    with pytest.raises(YamlError):
        assemble._items({}, (), ())


def test_alias_bomb_fails_the_build_fast_without_a_traceback(site, capsys):
    (site / "site_config.yaml").write_text(BOMB, encoding="utf-8")
    assert main(["build", "--site", str(site), "--as-of", "2025-01-15", "--no-search-index"]) == 1
    err = capsys.readouterr().err
    assert "site_config.yaml:1: E-YAML" in err and "Traceback" not in err


def test_a_few_aliases_are_fine():
    """A site may share one period block between datasets, and merge keys (<<) work."""
    doc = parse_yaml("one: &year {years: 1, basis: 附件2}\na: *year\nb: {<<: *year, years: 3}\n", "x.yaml")
    assert doc.data["a"] == {"years": 1, "basis": "附件2"} and doc.data["b"] == {"years": 3, "basis": "附件2"}


@pytest.mark.parametrize("text, expected", [
    ("a: &x [1, *x]\n", "x.yaml:1: E-YAML YAML 格式错误：别名引用了它自身所在的结构（循环引用）"),
    ("a: 1\nb: 2\na: 3\n", "x.yaml:3: E-YAML YAML 格式错误：键“a”重复（第 1 行已有）"),
    ("a: " + "[" * 100 + "]" * 100 + "\n", "x.yaml:1: E-YAML YAML 格式错误：嵌套过深（最多 64 层）"),
    ("n: " + "9" * 5000 + "\n", "x.yaml:1: E-YAML YAML 格式错误：“9999999999999999999999999999999999999999”无法识别"),
    ("d: 2024-02-30\n", "x.yaml:1: E-YAML YAML 格式错误：“2024-02-30”无法识别（day is out of range for month）"),
    ("a: 1\n---\nb: 2\n", "x.yaml:2: E-YAML YAML 格式错误：只能有一个文档"),
    ("a:\n\t- b\n", "x.yaml:2: E-YAML YAML 格式错误：此处的字符不能开头（常见原因：用了 Tab 缩进"),
    ("a: b: c\n", "x.yaml:1: E-YAML YAML 格式错误：此处不能出现“键: 值”"),
    ("a: !!python/object/apply:os.system [ls]\n", "x.yaml:1: E-YAML YAML 格式错误：could not determine a constructor"),
    ("a: *nowhere\n", "x.yaml:1: E-YAML YAML 格式错误：引用了未定义的别名"),
])
def test_yaml_problems_are_e_yaml_with_their_line(text, expected):
    with pytest.raises(YamlError) as exc:
        parse_yaml(text, "x.yaml")
    assert exc.value.diagnostic.format().startswith(expected), exc.value.diagnostic.format()


def test_yaml_size_is_bounded(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(YamlError) as exc:
        read_yaml(path, "big.yaml", max_bytes=1000)
    assert "文件过大（2004 字节，上限 1000 字节）" in exc.value.diagnostic.message


def test_yaml_lines_of_keys_and_items():
    # the text starts at line 2 of its file (front matter): lines are the file's
    doc = parse_yaml("a:\n  b:\n    - x\n    - y: 1\n", "x.yaml", first_line=2)
    assert doc.lines[("a", "b", "1")] == 5 and doc.line(("a", "b", "1", "y")) == 5
    assert doc.line(("a", "nothing", "here")) == 2


def test_demo_yaml_files_need_no_alias_and_load():
    for path in ("site_config.yaml", "data/agencies.yaml", "generator/holidays.yaml", "generator/items.yaml"):
        assert read_yaml(REPO / path, path).data
