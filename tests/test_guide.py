"""The editors' guide (docs/编辑手册.md, issue 11.9): every command it shows is run, in the order
it shows them, on a copy of the demo, with the clock at the demo's date; and what its procedures
promise is checked (a record added through a workbook is published, a correction is shown, a
withdrawal answers 410 and tells the feeds, a deleted row tells them nothing)."""

from __future__ import annotations

import re
import shlex
import threading
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO
from records import DEMO_AS_OF, copy_demo

GUIDE = REPO / "docs" / "编辑手册.md"
# lines of the guide's command blocks that the tests do not run, and why
NOT_RUN = {
    "py -m venv .venv": "makes the environment these tests already run in",
    r".venv\Scripts\pip install -e .": "installs from the network; CI installs the same project",
    r".venv\Scripts\activate": "a state of the Windows shell, nothing to run",
}


def guide_commands(text: str) -> list[str]:
    """Every command line of the ```bat blocks, and every inline `gongshi …` that is a command
    (not a bare command name), in the order of the guide."""
    found: list[tuple[int, str]] = []
    for m in re.finditer(r"```bat\n(.*?)```", text, re.S):
        found += [(m.start() + i, line.strip()) for i, line in enumerate(m.group(1).splitlines()) if line.strip()]
    for m in re.finditer(r"`(gongshi[^`]*)`", text):
        found.append((m.start(), m.group(1)))
    return [c for _, c in sorted(found)]


def bare_names(text: str) -> set[str]:
    return {c for c in guide_commands(text) if c.startswith("gongshi ") and len(c.split()) == 2
            and c.split()[1] in ("excel", "import", "init")}  # these need arguments: a bare one is a name


def run_serve(argv: list[str]) -> int:
    """``gongshi serve …`` as the guide shows it, on a free port, stopped once it answers."""
    from generator import serve as serving

    stop, answered = threading.Event(), []
    original = serving.serve

    def ready(address):
        with urllib.request.urlopen(address + "/", timeout=10) as r:
            answered.append(r.status)
        stop.set()

    def serve(site, port, as_of, search_index=False, **kw):
        return original(site, 0, as_of, search_index, ready=ready, stop=stop, log=lambda *_: None)

    serving.serve = serve
    try:
        from generator.cli import main

        code = main(argv)
    finally:
        serving.serve = original
    assert answered == [200]
    return code


@pytest.fixture
def demo_cwd(tmp_path, monkeypatch):
    site = copy_demo(tmp_path)
    monkeypatch.chdir(site)
    monkeypatch.setattr("generator.cli.today_in_china", lambda now=None: DEMO_AS_OF)
    return site


def test_every_command_of_the_guide_runs_on_the_demo(demo_cwd, capsys):
    from generator.cli import main

    text = GUIDE.read_text(encoding="utf-8")
    commands = guide_commands(text)
    assert len([c for c in commands if c.startswith("gongshi ")]) >= 12
    names = bare_names(text)
    ran = []
    for command in commands:
        if command in NOT_RUN:
            continue
        if command in names:  # “用 `gongshi excel` 生成的工作簿”: a name, run below with its arguments
            assert any(c.startswith(command + " ") for c in commands if c not in names), command
            continue
        argv = shlex.split(command, posix=False)
        assert argv[0] == "gongshi", f"a command the tests do not know: {command}"
        if argv[1:2] == ["serve"]:
            code = run_serve(argv[1:])
        else:
            try:
                code = main(argv[1:])
            except SystemExit as exit:  # --version
                code = exit.code
        out = capsys.readouterr()
        assert code == 0, f"{command}: exit {code}\n{out.out}\n{out.err}"
        ran.append(command)
    # the workbooks the guide makes are where it says, and what it imports is what it made
    assert {p.name for p in demo_cwd.glob("*.xlsx")} == {"penalties.xlsx", "corrections.xlsx", "staff.xlsx"}
    for needed in ("gongshi excel penalties", "gongshi import penalties.xlsx", "gongshi check", "gongshi serve",
                   "gongshi excel corrections", "gongshi import corrections.xlsx", "gongshi excel staff"):
        assert needed in ran


def test_the_install_lines_are_what_the_readme_installs():
    text = GUIDE.read_text(encoding="utf-8")
    shown = [c for c in guide_commands(text) if not c.startswith("gongshi")]
    assert set(shown) == set(NOT_RUN), set(shown) ^ set(NOT_RUN)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert 'pip install -e "' in readme or "pip install -e ." in readme  # the same project, installed editable
    assert "docs/编辑手册.md" in readme  # the README points editors here


def test_the_guide_covers_every_task_of_the_issue():
    text = GUIDE.read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, re.M)
    for task in ("安装", "新增一条行政处罚", "更正", "撤下", "不要删除", "执法人员", "添加页面", "附件", "预览",
                 "检查", "提交", "提交之后"):
        assert any(task in h for h in headings), task
    assert "信用中国" in text and "Excel 第62行 AI列" in text and "GitHub Desktop" in text
    # every code the guide names exists
    from generator.diagnostics import CATALOGUE

    assert set(re.findall(r"\b[EW]-[A-Z][A-Z0-9-]+\b", text)) <= set(CATALOGUE)
    # the table of contents links to every section
    assert len(re.findall(r"^\d+\. \[", text, re.M)) == len([h for h in headings if re.match(r"\d+\.", h)])


# ---------------------------------------------------------------- what the procedures promise

def _build(site):
    from generator.pipeline import build

    result = build(site, site / "public", DEMO_AS_OF, search_index=False, jobs=1)
    assert result.report.error_count == 0
    return site / "public"


def _feed_ids(out: Path) -> tuple[set, set]:
    """(ids of the entries, ids of the tombstones) of the penalties feed and its archives."""
    entries, gone = set(), set()
    for feed in [out / "feeds/penalties.xml", *(out / "feeds/penalties").glob("*.xml")]:
        text = feed.read_text(encoding="utf-8")
        entries |= set(re.findall(r"<id>tag:[^<]*:penalties/([0-9a-f]{16})</id>", text))
        gone |= set(re.findall(r'deleted-entry[^>]*ref="tag:[^"]*:penalties/([0-9a-f]{16})"', text))
    return entries, gone


def _record_id(number: str, agency: str) -> str:
    from generator.cells import key_part, record_id
    from generator.schema import load_schema

    schema = load_schema(REPO, "data/penalties.schema.json")
    return record_id("penalties", (key_part(schema.field("处罚机关"), agency),
                                   key_part(schema.field("行政处罚决定书文号"), number)))


def test_section_4_a_penalty_added_in_the_workbook_is_published(demo_cwd):
    from openpyxl import load_workbook

    from generator.cli import main

    assert main(["excel", "penalties"]) == 0
    book = demo_cwd / "penalties.xlsx"
    wb = load_workbook(book)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[2]]
    last = ws.max_row
    for col in range(1, len(header) + 1):  # a new decision, filled in like the last one
        ws.cell(last + 1, col).value = ws.cell(last, col).value
    ws.cell(last + 1, header.index("行政处罚决定书文号") + 1).value = "银人社监罚〔2026〕88号"
    ws.cell(last + 1, header.index("处罚机关") + 1).value = "银川市人力资源和社会保障局"
    for column, day in (("处罚决定日期", 20), ("保密审查日期", 23), ("公示日期", 24)):  # decided, reviewed, published
        ws.cell(last + 1, header.index(column) + 1).value = date(2026, 11, day)
    for column in ("状态", "状态日期", "状态说明", "撤回日期"):
        ws.cell(last + 1, header.index(column) + 1).value = None
    wb.save(book)
    assert main(["import", "penalties.xlsx"]) == 0
    out = _build(demo_cwd)
    rid = _record_id("银人社监罚〔2026〕88号", "银川市人力资源和社会保障局")
    assert "银人社监罚〔2026〕88号" in (out / f"penalties/{rid}/index.html").read_text(encoding="utf-8")


def test_section_5_a_correction_is_shown_with_its_record(demo_cwd):
    from conftest import read_rows, write_rows

    header, rows = read_rows(demo_cwd / "data/corrections.csv")
    pen_header, pens = read_rows(demo_cwd / "data/penalties.csv")
    target = next(r for r in pens if r["公示日期"] and not r["状态"] and r["处罚机关"] == "银川市人力资源和社会保障局")
    rows.append(dict.fromkeys(header, "") | {"数据集": "penalties", "记录": target["行政处罚决定书文号"],
                                            "更正日期": DEMO_AS_OF.isoformat(), "更正内容": "罚款金额更正（手册第5节）",
                                            "更正原因": "录入错误", "经办人": "测试"})
    write_rows(demo_cwd / "data/corrections.csv", header, rows)
    out = _build(demo_cwd)
    rid = _record_id(target["行政处罚决定书文号"], target["处罚机关"])
    assert "罚款金额更正（手册第5节）" in (out / f"penalties/{rid}/index.html").read_text(encoding="utf-8")


def test_sections_6_and_7_withdraw_tells_the_feeds_delete_does_not(demo_cwd):
    from conftest import edit_row, read_rows, write_rows
    from generator.hosting import Hosting

    header, pens = read_rows(demo_cwd / "data/penalties.csv")
    shown = [r for r in pens if r["公示日期"] and not r["状态"] and r["保密审查日期"]][:2]
    withdrawn, deleted = ((r["行政处罚决定书文号"], r["处罚机关"]) for r in shown)
    out = _build(demo_cwd)
    entries, _ = _feed_ids(out)
    ids = [_record_id(*withdrawn), _record_id(*deleted)]
    assert set(ids) <= entries  # both were announced to the sync consumers
    edit_row(demo_cwd / "data/penalties.csv", {"行政处罚决定书文号": withdrawn[0]}, 状态="撤下",
             状态日期=DEMO_AS_OF.isoformat(), 状态说明="本单位申请撤下（手册第6节）")
    header, pens = read_rows(demo_cwd / "data/penalties.csv")
    write_rows(demo_cwd / "data/penalties.csv", header, [r for r in pens if r["行政处罚决定书文号"] != deleted[0]])
    out = _build(demo_cwd)
    entries, gone = _feed_ids(out)
    assert ids[0] in gone  # 撤下: a tombstone, so 信用中国 removes its copy
    assert ids[1] not in entries and ids[1] not in gone  # deleted: the feeds say nothing; its copy stays
    hosting = Hosting.load(out, REPO / "netlify.toml")
    assert hosting.respond(f"/penalties/{ids[0]}/").status == 410
