"""A site's files as they were at a git revision, read with the ``git`` command.

Why the command and not a library: git is on every machine that holds the repository (the
editors' with GitHub Desktop, GitHub's runners, Netlify's build image), it understands every
repository feature the project may meet (packs, shallow clones, worktrees, partial clones,
alternates), and ``git archive`` streams a whole tree in one process.  GitPython drives the same
command underneath; pygit2 brings libgit2 and its binary wheels, which disagree with git about
shallow boundaries and worktrees; dulwich re-implements git in Python and reads large packed
blobs an order of magnitude slower.  Nothing here parses git's porcelain output.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class RevisionError(Exception):
    """The revision cannot be read: the message (Chinese) says why and how to fix it."""


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise RevisionError("找不到 git 命令：请安装 git（https://git-scm.com），或在 CI 中使用带 git 的运行环境") from None


def repository(root: Path) -> tuple[Path, str]:
    """(top of the working tree, the site's folder inside it as ``a/b/`` or "")."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise RevisionError(f"站点目录 {root} 不在 git 仓库中：--since 要比较的是 git 中的历史版本")
    prefix = _git(root, "rev-parse", "--show-prefix").stdout.strip()
    return Path(top.stdout.strip()), prefix


def is_shallow(root: Path) -> bool:
    return _git(root, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"


def resolve(root: Path, rev: str) -> str:
    """The full commit id of ``rev``, or RevisionError: unknown, or beyond a shallow clone's history."""
    if not rev or rev.startswith("-"):
        raise RevisionError(f"“{rev}”不是 git 版本号")
    found = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if found.returncode == 0:
        return found.stdout.strip()
    if is_shallow(root):
        raise RevisionError(
            f"找不到版本“{rev}”：本仓库是浅克隆（shallow clone），只有最近的历史。请先取回完整历史："
            "git fetch --unshallow（GitHub Actions 中为 actions/checkout 设置 fetch-depth: 0）")
    raise RevisionError(f"找不到版本“{rev}”：请检查拼写，或先 git fetch 取回该版本（分支名、标签或提交号均可）")


def head(root: Path) -> str:
    """The commit the working tree is on, "" outside a repository or before the first commit."""
    found = _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    return found.stdout.strip() if found.returncode == 0 else ""


def commit_day(root: Path, rev: str) -> str:
    """The committer date of ``rev`` (ISO 8601 with its offset)."""
    return _git(root, "show", "-s", "--format=%cI", rev).stdout.strip()


@contextmanager
def site_at(root: Path, rev: str) -> Iterator[Path]:
    """A temporary copy of the site's folder as it was at ``rev`` (an empty folder when the site
    did not exist then); removed afterwards."""
    root = Path(root).resolve()
    commit = resolve(root, rev)
    top, prefix = repository(root)
    tmp = Path(tempfile.mkdtemp(prefix="gongshi-since-"))
    try:
        tree = f"{commit}:{prefix}" if prefix else commit
        if _git(root, "cat-file", "-e", tree).returncode == 0:
            # from the top: git archive run in a subfolder archives only what lies below it
            proc = subprocess.Popen(["git", "archive", "--format=tar", tree], cwd=top,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
                tar.extractall(tmp, filter="data")  # no links out of the folder, no special files
            error = proc.stderr.read().decode("utf-8", "replace")
            if proc.wait() != 0:
                raise RevisionError(f"无法读取版本“{rev}”中的文件：{error.strip()}")
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def changed_files(root: Path, rev: str, paths: list[str]) -> set[str]:
    """Which of ``paths`` (relative to the site folder ``root``) differ between ``rev`` and the
    working tree: changed, added, deleted, or not tracked by git at all."""
    if not paths:
        return set()
    diff = _git(root, "diff", "--name-only", "--no-renames", "--relative", "-z", rev, "--", *paths)
    if diff.returncode != 0:
        raise RevisionError(f"无法比较版本“{rev}”与工作区：{diff.stderr.strip()}")
    untracked = _git(root, "ls-files", "--others", "-z", "--", *paths)
    return {p for p in (diff.stdout + untracked.stdout).split("\0") if p}


def file_at(root: Path, rev: str, relpath: str) -> bytes | None:
    """The bytes of ``relpath`` (relative to the site folder ``root``) at ``rev``; None when the
    file did not exist then."""
    try:
        found = subprocess.run(["git", "cat-file", "blob", f"{rev}:./{relpath}"], cwd=root, capture_output=True, check=False)
    except FileNotFoundError:
        raise RevisionError("找不到 git 命令：请安装 git（https://git-scm.com），或在 CI 中使用带 git 的运行环境") from None
    return found.stdout if found.returncode == 0 else None
