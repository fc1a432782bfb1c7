"""Real git repositories made by tests: a copy of a site committed, changed, branched and merged."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ENV = {**os.environ, "GIT_AUTHOR_NAME": "编辑", "GIT_AUTHOR_EMAIL": "editor@example.invalid",
       "GIT_COMMITTER_NAME": "编辑", "GIT_COMMITTER_EMAIL": "editor@example.invalid",
       "GIT_CONFIG_NOSYSTEM": "1", "HOME": os.environ.get("HOME", "/tmp")}


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = dict(ENV)
    if date:  # commits dated in China, as the editors make them
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T10:00:00+08:00"
    done = subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
                          cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def make_repo(tmp: Path, site: Path, subdir: str = "site") -> tuple[Path, Path]:
    """(repository, site inside it): ``site`` copied to ``<repo>/<subdir>`` and committed on main."""
    repo = tmp / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    dest = repo / subdir if subdir else repo
    # the site's files only: never the clone's own .git (a worktree's would point back at it), venvs or output
    shutil.copytree(site, dest, ignore=shutil.ignore_patterns("public", ".git", ".venv", ".tools", "node_modules",
                                                              "__pycache__", ".pytest_cache", ".gongshi-cache"),
                    dirs_exist_ok=True)
    commit(repo, "数据：初始", date="2025-01-10")
    return repo, dest


def commit(repo: Path, message: str, date: str | None = None) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")
