"""``gongshi check --since REV`` (compliance/since.py, gitrev.py) on real git repositories made
here: each kind of change to what was published, on main, on a branch and after a merge; what
may change freely; an unknown revision and a shallow clone (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import GOLDEN_SITE, REPO, edit_row, read_rows, write_rows
from generator.cli import main
from generator.dates import parse_date
from gitrepo import commit, git, make_repo

AS_OF = date(2025, 1, 15)
PEN = "data/penalties.csv"
N40 = {"行政处罚决定书文号": "银人社监罚〔2024〕40号"}


@pytest.fixture
def repo(tmp_path):
    return make_repo(tmp_path, GOLDEN_SITE)


def since(site, rev, *args, as_of=AS_OF):
    """(exit code, JSON report) of ``gongshi check --since rev``."""
    out = subprocess.run([sys.executable, "-m", "generator", "check", "--site", str(site), "--as-of", as_of.isoformat(),
                          "--since", rev, "--format", "json", "--fail-on", "never", *args],
                         capture_output=True, text=True, cwd=REPO)
    assert out.returncode in (0, 1, 2), out.stderr
    return out.returncode, (json.loads(out.stdout) if out.returncode != 2 else out.stderr)


def found(report, prefix="CHANGE") -> list[tuple[str, str]]:
    return sorted((p["code"], p["record"] or "") for p in report["problems"] if prefix in p["code"])


def delete_row(path, match):
    header, rows = read_rows(path)
    kept = [r for r in rows if not all(r[k] == v for k, v in match.items())]
    assert len(kept) == len(rows) - 1
    write_rows(path, header, kept)


def test_nothing_changed_nothing_found(repo):
    _repo, site = repo
    code, report = since(site, "HEAD")
    assert code == 0 and found(report) == []


def test_deleted_row_of_a_published_record_is_an_error(repo):
    _repo, site = repo
    delete_row(site / PEN, N40)
    code, report = since(site, "HEAD")
    assert found(report) == [("E-CHANGE-DELETED", "银川市人力资源和社会保障局 银人社监罚〔2024〕40号")]
    [p] = [p for p in report["problems"] if p["code"] == "E-CHANGE-DELETED"]
    assert p["file"] == PEN and p["row"] is None and "第 5 行" in p["message"] and "公示中" in p["message"]
    assert "撤下" in p["hint"]
    # a withdrawn record's row deleted loses its tombstone as well
    delete_row(site / PEN, {"行政处罚决定书文号": "银人社监罚〔2024〕33号"})
    assert ("E-CHANGE-DELETED", "银川市人力资源和社会保障局 银人社监罚〔2024〕33号") in found(since(site, "HEAD")[1])


def test_changed_key_is_one_error_not_a_deletion_and_an_addition(repo):
    _repo, site = repo
    edit_row(site / PEN, N40, 行政处罚决定书文号="银人社监罚〔2024〕42号")
    report = since(site, "HEAD")[1]
    assert found(report) == [("E-CHANGE-KEY", "银川市人力资源和社会保障局 银人社监罚〔2024〕42号")]
    [p] = report["problems"][:1]
    assert "〔2024〕40号" in p["message"] and "〔2024〕42号" in p["message"]


def test_changed_key_found_when_another_field_changed_too(repo):
    _repo, site = repo
    edit_row(site / PEN, N40, 行政处罚决定书文号="银人社监罚〔2024〕42号", 备注="文号更正")
    assert [c for c, _ in found(since(site, "HEAD")[1])] == ["E-CHANGE-KEY"]


def test_changed_public_value_needs_a_correction_in_the_log(repo):
    _repo, site = repo
    edit_row(site / PEN, N40, 违法事实="拖欠 12 名劳动者工资。")
    report = since(site, "HEAD")[1]
    assert found(report) == [("E-CHANGE-UNLOGGED", "银川市人力资源和社会保障局 银人社监罚〔2024〕40号")]
    [p] = [p for p in report["problems"] if p["code"] == "E-CHANGE-UNLOGGED"]
    assert "违法事实" in p["message"] and "拖欠 12 名劳动者工资。" in p["message"]
    # logged today: nothing to report
    header, rows = read_rows(site / "data/corrections.csv")
    rows.append({"数据集": "penalties", "记录": "银人社监罚(2024)40号", "更正日期": AS_OF.isoformat(),
                 "更正内容": "违法事实更正", "更正原因": "录入错误", "更正依据": "审批单", "经办人": "王某"})
    write_rows(site / "data/corrections.csv", header, rows)
    assert found(since(site, "HEAD")[1]) == []


def test_a_private_value_may_change_and_is_never_quoted(repo):
    _repo, site = repo
    edit_row(site / PEN, N40, 内部意见="CANARY-内部意见-不得公开", 承办人="赵某某")
    code, report = since(site, "HEAD")
    assert found(report) == [] and "CANARY" not in json.dumps(report, ensure_ascii=False)


def test_changed_publication_date_of_a_published_record(repo):
    _repo, site = repo
    edit_row(site / PEN, N40, 公示日期="2024-10-11")
    [p] = [p for p in since(site, "HEAD")[1]["problems"] if "CHANGE" in p["code"]]
    assert p["code"] == "E-CHANGE-PUBLISHED-DATE" and "2024-10-10" in p["message"] and "2024-10-11" in p["message"]


def test_published_record_hidden_without_withdrawal(repo):
    _repo, site = repo
    edit_row(site / PEN, N40, 保密审查日期="")
    [p] = [p for p in since(site, "HEAD")[1]["problems"] if "CHANGE" in p["code"]]
    assert p["code"] == "E-CHANGE-UNPUBLISHED" and "未完成保密审查" in p["message"]


def test_withdrawal_is_the_proper_way_and_passes(repo):
    _repo, site = repo
    edit_row(site / PEN, N40, 状态="撤下", 状态日期="2025-01-15", 状态说明="应处罚机关申请撤下。")
    assert found(since(site, "HEAD")[1]) == []


def test_new_record_dated_before_the_day_of_the_change_is_a_warning(repo):
    _repo, site = repo
    number = {"行政处罚决定书文号": "银人社监罚〔2025〕1号"}
    edit_row(site / PEN, number, 公示日期="2025-01-14")
    report = since(site, "HEAD")[1]
    assert found(report) == [("W-CHANGE-BACKDATED", "银川市人力资源和社会保障局 银人社监罚〔2025〕1号")]
    assert {p["severity"] for p in report["problems"] if p["code"] == "W-CHANGE-BACKDATED"} == {"warning"}
    edit_row(site / PEN, number, 公示日期="2025-01-15")  # today: consumers read it tomorrow
    assert found(since(site, "HEAD")[1]) == []


def test_correction_dated_before_the_day_of_the_change_is_a_warning(repo):
    _repo, site = repo
    edit_row(site / PEN, N40, 违法事实="拖欠 12 名劳动者工资。")
    header, rows = read_rows(site / "data/corrections.csv")
    rows.append({"数据集": "penalties", "记录": "银人社监罚〔2024〕40号", "更正日期": "2025-01-14",
                 "更正内容": "违法事实更正", "更正原因": "录入错误", "更正依据": "审批单", "经办人": "王某"})
    write_rows(site / "data/corrections.csv", header, rows)
    assert [c for c, _ in found(since(site, "HEAD")[1])] == ["W-CHANGE-CORRECTION-BACKDATED"]


def test_unpublished_rows_and_internal_datasets_change_freely(tmp_path):
    repo, site = make_repo(tmp_path, REPO, subdir="")
    pen = site / "data/penalties.csv"
    header, rows = read_rows(pen)
    day = date(2026, 11, 29)
    unpublished = [r for r in rows if not parse_date(r["保密审查日期"]) or parse_date(r["保密审查日期"]) > day
                   or not parse_date(r["公示日期"]) or parse_date(r["公示日期"]) > day]
    assert len(unpublished) > 1
    key = ("处罚机关", "行政处罚决定书文号")
    edit_row(pen, {k: unpublished[0][k] for k in key}, 违法事实="尚未公开，可以修改。")
    delete_row(pen, {k: unpublished[-1][k] for k in key})
    for internal in ("correction_suggestions", "major_violation_nil_returns"):
        path = site / "data" / f"{internal}.csv"
        header, rows = read_rows(path)
        write_rows(path, header, rows[1:])  # an internal row deleted
    code, report = since(site, "HEAD", as_of=date(2026, 11, 29))
    assert found(report) == [], found(report)


# ---------------------------------------------------------------- branches, merges, CI's command

def test_pull_request_against_its_base_and_push_against_the_previous_commit(repo):
    repo_dir, site = repo
    base = git(repo_dir, "rev-parse", "HEAD")
    git(repo_dir, "checkout", "-q", "-b", "edit")
    delete_row(site / PEN, N40)
    commit(repo_dir, "删除一行", date="2025-01-15")
    edit_row(site / PEN, {"行政处罚决定书文号": "银人社监罚〔2024〕15号"}, 处罚内容="罚款人民币25000元")
    commit(repo_dir, "改罚款", date="2025-01-15")
    # the pull request: every change since its base, the working tree clean
    codes = [c for c, _ in found(since(site, base)[1])]
    assert codes == ["E-CHANGE-DELETED", "E-CHANGE-UNLOGGED"]
    # merged (no fast-forward) into main, which moved on meanwhile
    git(repo_dir, "checkout", "-q", "main")
    (site / "content" / "note.md").write_text("---\ntitle: 说明\nslug: note\n---\n正文\n", encoding="utf-8")
    commit(repo_dir, "页面", date="2025-01-15")
    git(repo_dir, "merge", "-q", "--no-ff", "edit", "-m", "合并 edit", date="2025-01-15")
    # the push of the merge: against the previous commit on main (the first parent)
    assert [c for c, _ in found(since(site, "HEAD^1")[1])] == ["E-CHANGE-DELETED", "E-CHANGE-UNLOGGED"]
    assert found(since(site, "HEAD")[1]) == []


def test_github_format_annotates_the_changes(repo):
    _repo, site = repo
    delete_row(site / PEN, N40)
    out = subprocess.run([sys.executable, "-m", "generator", "check", "--site", str(site), "--as-of", "2025-01-15",
                          "--since", "HEAD", "--format", "github"], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 1
    assert any(line.startswith("::error file=site/data/penalties.csv") or line.startswith("::error file=data/penalties.csv")
               for line in out.stdout.splitlines()), out.stdout[:2000]
    assert "E-CHANGE-DELETED" in out.stdout


def test_unknown_revision_exits_2_with_a_message(repo, tmp_path):
    _repo, site = repo
    code, err = since(site, "no-such-branch")
    assert code == 2 and "找不到版本“no-such-branch”" in err and "Traceback" not in err
    trap = tmp_path / "x"
    assert main(["check", "--site", str(site), "--as-of", "2025-01-15", f"--since=--output={trap}"]) == 2
    assert not trap.exists()


def test_not_a_repository_exits_2(tmp_path):
    import shutil
    site = tmp_path / "plain"
    shutil.copytree(GOLDEN_SITE, site)
    assert main(["check", "--site", str(site), "--as-of", "2025-01-15", "--since", "HEAD"]) == 2


def test_shallow_clone_says_so(repo, tmp_path):
    repo_dir, site = repo
    edit_row(site / PEN, N40, 备注="第二个提交")
    commit(repo_dir, "第二个提交", date="2025-01-12")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo_dir}", str(shallow)], check=True,
                   capture_output=True)
    code, err = since(shallow / "site", "HEAD~1")
    assert code == 2 and "浅克隆" in err and "fetch-depth: 0" in err


def _steps(job: str) -> dict:
    import yaml

    doc = yaml.safe_load((REPO / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    return {s.get("name", ""): s["run"] for s in doc["jobs"][job]["steps"] if "run" in s}


def test_the_workflow_runs_this_command_on_a_pull_request_and_on_a_push(tmp_path):
    """The check job's own shell lines, run in a repository with a branch and a merge."""
    import os

    steps = _steps("check")
    resolve_step = steps["The revision to compare with"]
    check_step = next(run for name, run in steps.items() if "--since" in run and "gongshi check" in name)
    repo_dir, site = make_repo(tmp_path, GOLDEN_SITE, subdir="")
    (repo_dir / ".venv").symlink_to(Path(sys.executable).parent.parent)  # as `uv sync` leaves it
    (repo_dir / ".gitignore").write_text(".venv\n", encoding="utf-8")
    base = commit(repo_dir, "忽略 .venv", date="2025-01-14")
    git(repo_dir, "checkout", "-q", "-b", "edit")
    delete_row(site / PEN, N40)
    commit(repo_dir, "删除一行", date="2025-01-15")

    def workflow(since: str) -> subprocess.CompletedProcess:
        env_file = tmp_path / "github_env"
        env_file.write_text("", encoding="utf-8")
        env = {**os.environ, "SINCE": since, "GITHUB_ENV": str(env_file), "GONGSHI_CHECK_AS_OF": "2025-01-15"}
        subprocess.run(["bash", "-e", "-c", resolve_step], cwd=repo_dir, env=env, check=True, capture_output=True)
        for line in env_file.read_text(encoding="utf-8").splitlines():
            env[line.split("=", 1)[0]] = line.split("=", 1)[1]
        return subprocess.run(["bash", "-e", "-c", check_step], cwd=repo_dir, env=env, capture_output=True, text=True)

    pull_request = workflow(base)  # github.event.pull_request.base.sha
    assert pull_request.returncode == 1
    assert "::error file=data/penalties.csv" in pull_request.stdout and "E-CHANGE-DELETED" in pull_request.stdout
    git(repo_dir, "checkout", "-q", "main")
    git(repo_dir, "merge", "-q", "--no-ff", "edit", "-m", "合并", date="2025-01-15")
    push = workflow(base)  # github.event.before: main's head before the push of the merge
    assert push.returncode == 1 and "E-CHANGE-DELETED" in push.stdout
    new_branch = workflow("0" * 40)  # the first push of a branch: nothing to compare with
    assert "E-CHANGE-DELETED" not in new_branch.stdout
    forced = workflow("1" * 40)  # a force push left github.event.before out of the history:
    assert forced.returncode == 1 and "E-CHANGE-DELETED" in forced.stdout  # HEAD^1, the merge's first parent
