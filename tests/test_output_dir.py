"""The output directory (issue 10, point 7): ``--out`` must be absent, empty or marked by an earlier
build, anything else is refused (exit 2) before anything is touched; the swap is atomic, an
interrupted one is undone by the next build, leftovers of killed builds are removed, and the old
tree is deleted in the background, never in the build's time."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import GOLDEN_AS_OF, edit_row, run
from generator.cli import main
from generator.stages import output_dir
from generator.stages.write import Writer
from generator.stages.output_dir import MARKER, MARKER_TEXT, UnsafeOutput, prepare_output

AS_OF = GOLDEN_AS_OF.isoformat()


def build(site, out=None, *extra):
    args = ["build", "--site", str(site), "--as-of", AS_OF, "--no-search-index", "--jobs", "1"]
    return main(args + (["--out", str(out)] if out else []) + list(extra))


def snapshot(directory: Path) -> dict:
    """Every entry under ``directory`` (itself included) with its bytes, for "nothing was touched"."""
    if not os.path.lexists(directory):
        return {}
    if not directory.is_dir():
        return {".": directory.read_bytes()}
    return {p.relative_to(directory).as_posix(): p.read_bytes() if p.is_file() else "dir"
            for p in [directory, *directory.rglob("*")]}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def wait_until_gone(paths, seconds=20.0):
    """Background deleters are detached processes: give them time, then insist."""
    end = time.monotonic() + seconds
    while any(os.path.lexists(p) for p in paths) and time.monotonic() < end:
        time.sleep(0.05)
    return [p for p in paths if os.path.lexists(p)]


# ---------------------------------------------------------------- what --out may be

def test_marker_is_fixed_text_that_publishes_nothing(site):
    assert build(site) == 0
    marker = (site / "public" / MARKER).read_bytes()
    assert marker == MARKER_TEXT
    assert str(site).encode() not in marker and b"/" not in marker and AS_OF.encode() not in marker


@pytest.mark.parametrize("case", ["file", "foreign", "git_inside", "git_itself", "marker_link", "marker_wrong",
                                  "parent_is_file", "in_data"])
def test_refused_before_anything_is_touched(site, case, capsys):
    assert build(site) == 0  # a real earlier output, marked
    out = {"file": site / "notes.txt", "foreign": site / "docs", "git_inside": site / "public",
           "git_itself": site / ".git", "marker_link": site / "linked", "marker_wrong": site / "public",
           "parent_is_file": site / "notes.txt" / "out", "in_data": site / "data" / "out"}[case]
    if case in ("file", "parent_is_file"):
        (site / "notes.txt").write_text("编辑的笔记", encoding="utf-8")
    elif case == "foreign":
        (out / "sub").mkdir(parents=True)
        (out / "sub/说明.docx").write_bytes(b"PK\x03\x04")
    elif case == "git_inside":
        (out / ".git").mkdir()
        (out / ".git/HEAD").write_text("ref: refs/heads/gh-pages\n")
    elif case == "git_itself":
        (out / "objects").mkdir(parents=True)
        (out / "HEAD").write_text("ref: refs/heads/main\n")
    elif case == "marker_link":  # a marker must be the build's own file, not a link to one
        out.mkdir()
        (out / "keep.txt").write_text("x")
        (out / MARKER).symlink_to(site / "public" / MARKER)
    elif case == "marker_wrong":
        (out / MARKER).write_text("something else\n")
    before = {p: snapshot(p) for p in (site, site.parent)}
    capsys.readouterr()
    assert build(site, out) == 2
    err = capsys.readouterr().err
    assert err.startswith("gongshi: 输出目录") and "Traceback" not in err
    assert {p: snapshot(p) for p in (site, site.parent)} == before  # not even a staging folder


def test_unwritable_parent_is_refused(site, tmp_path, monkeypatch, capsys):
    parent = tmp_path / "readonly"
    parent.mkdir()
    real = os.access
    monkeypatch.setattr(output_dir.os, "access", lambda p, mode: False if Path(p) == parent else real(p, mode))
    assert build(site, parent / "out") == 2
    assert "不可写" in capsys.readouterr().err
    assert list(parent.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_directories_are_refused(site, tmp_path):
    parent = tmp_path / "ro"
    (parent / "out").mkdir(parents=True)
    parent.chmod(0o555)
    try:
        assert build(site, parent / "out") == 2
        assert build(site, parent / "new") == 2
        (parent / "out").chmod(0o555)
        parent.chmod(0o755)
        assert build(site, parent / "out") == 2  # its old tree could not be deleted
    finally:
        parent.chmod(0o755)
        (parent / "out").chmod(0o755)


def test_mount_point_is_refused(site, tmp_path, monkeypatch):
    (tmp_path / "mnt").mkdir()
    monkeypatch.setattr(output_dir.os.path, "ismount", lambda p: Path(p) == tmp_path / "mnt")
    with pytest.raises(UnsafeOutput, match="挂载点"):
        prepare_output(site, tmp_path / "mnt")


@pytest.mark.parametrize("state", ["absent", "empty", "marked", "absent_parents"])
def test_accepted_outputs(site, tmp_path, state):
    out = tmp_path / ("a/b/out" if state == "absent_parents" else "out")
    if state in ("empty", "marked"):
        out.mkdir()
    if state == "marked":
        (out / MARKER).write_bytes(MARKER_TEXT)
        (out / "stale.html").write_text("from an earlier build")
    assert build(site, out) == 0
    assert (out / MARKER).read_bytes() == MARKER_TEXT and (out / "index.html").is_file()
    assert not (out / "stale.html").exists()  # a marked folder is replaced as a whole


def test_symlinked_output_replaces_the_real_directory_and_keeps_the_link(site, tmp_path):
    real = tmp_path / "www"
    link = site / "public"
    real.mkdir()
    link.symlink_to(real, target_is_directory=True)
    assert build(site) == 0
    assert link.is_symlink() and (real / "index.html").is_file() and (real / MARKER).is_file()


# ---------------------------------------------------------------- the swap and its leftovers

def test_rebuild_swaps_in_one_step_and_deletes_the_old_tree_in_the_background(site):
    out = site / "public"
    assert build(site) == 0
    old_inode = os.stat(out).st_ino
    output = prepare_output(site, out)
    staging = output.stage()
    (staging / "index.html").write_text("new")
    new_inode = os.stat(staging).st_ino
    deleter = output.commit()
    assert os.stat(out).st_ino == new_inode and (out / "index.html").read_text() == "new"
    assert deleter is not None, "the old tree is handed to a background process"
    trash = [p for p in leftovers(out)]
    assert all(".trash-" in name for name in trash)
    deleter.wait(timeout=30)
    assert leftovers(out) == []
    assert old_inode != new_inode


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_linux_uses_the_exchange_of_two_names():
    assert output_dir._RENAMEAT2, "glibc renameat2 not found: the swap would fall back to two renames"


def test_fallback_swap_of_two_renames(site, monkeypatch):
    monkeypatch.setattr(output_dir, "_RENAMEAT2", None)
    out = site / "public"
    assert build(site) == 0
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": "宁人社监罚〔2023〕8号"}, 案件名称="改过的案件名称")
    assert build(site) == 0
    assert "改过的案件名称" in "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert wait_until_gone([out.parent / n for n in leftovers(out)]) == []


def test_failure_of_the_second_rename_puts_the_old_output_back(site, monkeypatch):
    monkeypatch.setattr(output_dir, "_RENAMEAT2", None)
    out = site / "public"
    assert build(site) == 0
    before = snapshot(out)
    output = prepare_output(site, out)
    staging = output.stage()
    real_rename = os.rename

    def rename(src, dst):
        if Path(src) == staging:
            raise OSError(28, "No space left on device", str(dst))
        return real_rename(src, dst)

    monkeypatch.setattr(output_dir.os, "rename", rename)
    with pytest.raises(OSError):
        output.commit()
    monkeypatch.setattr(output_dir.os, "rename", real_rename)
    output.discard()
    assert snapshot(out) == before and leftovers(out) == []


def test_interrupted_swap_is_undone_by_the_next_build_even_a_failing_one(site):
    """A crash between the two renames of the fallback swap left no output at all."""
    out = site / "public"
    assert build(site) == 0
    before = snapshot(out)
    os.rename(out, site / f".public.old-{_dead_pid()}")
    edit_row(site / "data/penalties.csv", {"行政处罚决定书文号": "宁人社监罚〔2023〕8号"}, 处罚决定日期="2023-02-30")
    assert build(site) == 1
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_old_tree_left_by_a_swap_cut_short_after_its_second_rename_is_deleted(site):
    out = site / "public"
    assert build(site) == 0
    shutil.copytree(out, site / f".public.old-{_dead_pid()}")
    before = snapshot(out)
    assert build(site, None, "--as-of", AS_OF) == 0
    assert snapshot(out) == before
    assert wait_until_gone([site / n for n in leftovers(out)]) == []


def test_stale_staging_of_a_killed_build_is_removed(site):
    """A build killed mid-render leaves .public.staging-PID (100–400 MB on a real site)."""
    out = site / "public"
    staging = site / f".public.staging-{_dead_pid()}"
    (staging / "penalties/abc").mkdir(parents=True)
    (staging / "penalties/abc/index.html").write_text("half-written")
    trash = site / ".public.trash-1-0badf00d"  # a deleter that was killed too
    (trash / "x").mkdir(parents=True)
    assert build(site) == 0
    assert wait_until_gone([staging, trash]) == []
    assert (out / "index.html").is_file()


def test_staging_of_a_live_build_is_left_alone(site):
    """Liveness is the build's lock on its staging folder, not a guess from the pid."""
    staging = site / ".public.staging-999999999"
    staging.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDONLY); "
        "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)"), str(staging)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert build(site) == 0
        time.sleep(0.3)
        assert staging.is_dir()
    finally:
        holder.kill()
        holder.wait()
    assert build(site) == 0  # now its owner is dead
    assert wait_until_gone([staging]) == []


def test_out_turned_foreign_during_the_build_is_not_replaced(site):
    out = site / "public"
    assert build(site) == 0
    output = prepare_output(site, out)
    staging = output.stage()
    (out / MARKER).unlink()  # someone put their own folder there meanwhile
    before = snapshot(out)
    with pytest.raises(UnsafeOutput):
        output.commit()
    output.discard()
    assert snapshot(out) == before and not staging.exists()


def test_write_failure_is_an_error_not_a_traceback_and_leaves_the_output(site, monkeypatch, capsys):
    out = site / "public"
    assert build(site) == 0
    before = snapshot(out)

    def full_disk(self, url, chunks):
        raise OSError(28, "No space left on device", url)

    monkeypatch.setattr(Writer, "write", full_disk)
    capsys.readouterr()
    assert build(site) == 1
    err = capsys.readouterr().err
    assert "E-OUTPUT" in err and "Traceback" not in err and "输出目录未改动" in err
    assert snapshot(out) == before
    assert wait_until_gone([site / n for n in leftovers(out)]) == []


def test_library_build_into_a_foreign_folder_raises_unsafe_output(site):
    (site / "public").mkdir()
    (site / "public/mine.txt").write_text("x")
    with pytest.raises(UnsafeOutput):
        run(site, GOLDEN_AS_OF)
    assert (site / "public/mine.txt").read_text() == "x"


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid
