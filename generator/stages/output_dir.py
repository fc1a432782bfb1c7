"""The output directory (``--out``): checked, staged beside, swapped in, its old tree deleted.

The output directory (``--out``) is the one place where the build deletes anything, so it is
guarded (README, "Security: hostile input, exports and the output directory"):

- it must be absent, empty, or a directory that a previous build marked as its own (the file
  ``.gongshi-output``, whose fixed text says nothing about the site or the machine); anything
  else — a file, a foreign folder, a ``.git``, a mount point, an unwritable place — is refused
  before anything is touched;
- the build writes beside it, into ``.OUT.staging-PID``, and swaps the two names at the end in
  one step (Linux: ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames, recovered by the next
  build if interrupted between them);
- the old tree is deleted by a detached background process, never in the build's time;
- leftovers of killed builds (a staging folder no live build holds, an old tree whose deletion
  was cut short) are found by the next build and deleted the same way.

Liveness is an advisory lock (``flock``): each build holds one on its staging directory and each
deleter on its tree, and the kernel drops it when the process dies however it dies; the swap
and the recovery run under a lock on the parent directory.  Where ``flock`` is missing (Windows)
or refused (some network file systems), the process id in the name decides.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

MARKER = ".gongshi-output"
MARKER_TEXT = (b"gongshi build output. This folder is replaced as a whole by every build of the site;\n"
               b"do not keep anything else in it.\n")
_VCS = frozenset({".git", ".hg", ".svn"})
_OURS = re.compile(r"\.(?P<name>.+)\.(?P<kind>staging|old|trash)-(?P<pid>\d+)(?:-[0-9a-f]+)?")


class UnsafeOutput(ValueError):
    """``--out`` names something the build must not replace; nothing was touched (exit 2)."""


def check_output(root: Path, out: Path) -> Path:
    """The output directory, resolved, if the build may replace it; else UnsafeOutput.  Reads
    only: nothing on disk changes here."""
    try:
        root, out = root.resolve(), out.resolve()
    except (OSError, RuntimeError) as exc:  # a symbolic link loop
        raise UnsafeOutput(f"输出目录 {out} 无法解析：{exc}") from None
    if out.parent == out:
        raise UnsafeOutput(f"输出目录 {out} 是文件系统的根目录")
    if out == root or root.is_relative_to(out):
        raise UnsafeOutput(f"输出目录 {out} 包含站点目录本身，生成时会被整体替换")
    for part in ("data", "content", "templates", "site_config.yaml"):
        if out.is_relative_to(root / part):
            raise UnsafeOutput(f"输出目录 {out} 位于站点的 {part} 中")
    if vcs := _VCS.intersection(out.parts):
        raise UnsafeOutput(f"输出目录 {out} 位于版本库的 {min(vcs)} 目录中")
    if os.path.lexists(out):
        _check_existing(out)
    ancestor = out.parent
    while not os.path.lexists(ancestor):
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise UnsafeOutput(f"输出目录的上级 {ancestor} 不是目录")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise UnsafeOutput(f"输出目录的上级目录 {ancestor} 不可写（新输出在它里面生成后与旧输出交换）")
    return out


def _check_existing(out: Path) -> None:
    if not out.is_dir():
        raise UnsafeOutput(f"输出目录 {out} 已存在，但不是目录")
    if os.path.ismount(out):
        raise UnsafeOutput(f"输出目录 {out} 是挂载点，无法整体替换（请挂载它的上级目录）")
    try:
        with os.scandir(out) as it:
            names = {entry.name for _, entry in zip(range(1000), it)}
    except OSError as exc:
        raise UnsafeOutput(f"输出目录 {out} 无法读取：{exc.strerror}") from None
    if vcs := _VCS.intersection(names):
        raise UnsafeOutput(f"输出目录 {out} 中有 {min(vcs)}：它不是 gongshi 生成的，不能被替换")
    if names and not is_marked(out):
        raise UnsafeOutput(f"输出目录 {out} 不是空目录，也不是 gongshi 生成的目录（其中没有 {MARKER}）："
                           f"为免误删，请先清空或删除它")
    if not os.access(out, os.W_OK | os.X_OK):
        raise UnsafeOutput(f"输出目录 {out} 不可写")


def is_marked(directory: Path) -> bool:
    """Whether a previous build marked ``directory`` as its own (a regular file, not a link)."""
    try:
        fd = os.open(directory / MARKER, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        return (stat.S_ISREG(info.st_mode) and info.st_size == len(MARKER_TEXT)
                and os.read(fd, len(MARKER_TEXT)) == MARKER_TEXT)
    except OSError:
        return False
    finally:
        os.close(fd)


class Output:
    """The output directory through one build: checked (``prepare_output``), staged, then
    swapped in or discarded."""

    def __init__(self, out: Path):
        self.out = out
        self.staging: Path | None = None
        self.committed = False
        self._lock: int | None = None  # fd of the staging directory, flock-ed while the build runs

    def stage(self) -> Path:
        """This build's staging directory beside the output (same file system, so the swap is a
        rename), holding the marker."""
        parent, pid = self.out.parent, os.getpid()
        try:
            parent.mkdir(parents=True, exist_ok=True)
            staging = parent / f".{self.out.name}.staging-{pid}"
            with _locked(parent):
                if os.path.lexists(staging):  # left by a dead build whose pid was ours
                    _to_trash(staging, self.out)
                os.mkdir(staging)
            self.staging, self._lock = staging, _lock_dir(staging, wait=False)
            (staging / MARKER).write_bytes(MARKER_TEXT)
        except OSError as exc:
            raise UnsafeOutput(f"无法在 {parent} 中生成新输出：{exc.strerror or exc}") from None
        return staging

    def commit(self) -> subprocess.Popen | None:
        """Swap the staging directory in.  An OSError means that nothing was moved; after the
        move nothing can fail: the old tree is renamed aside and deleted in the background (the
        Popen of its deleter is returned, for tests to wait on)."""
        out, staging = self.out, self.staging
        with _locked(out.parent):
            if os.path.lexists(out):
                _check_existing(out)  # again: it may have changed while the site was rendered
                if _exchange(staging, out):
                    old = staging
                else:
                    old = out.parent / f".{out.name}.old-{os.getpid()}"
                    os.rename(out, old)
                    try:
                        os.rename(staging, out)
                    except BaseException:
                        os.rename(old, out)
                        raise
            else:
                os.rename(staging, out)
                old = None
            self.committed = True
            trash = _to_trash(old, out) if old else None
        self._release()
        return _delete_in_background(trash) if trash else None

    def discard(self) -> None:
        """A failed build: its staging directory goes (the output was never touched)."""
        self._release()
        if self.committed or self.staging is None or not os.path.lexists(self.staging):
            return
        with contextlib.suppress(OSError), os.scandir(self.staging) as it:
            if len([e for _, e in zip(range(2), it)]) <= 1:  # not rendered yet: only the marker
                shutil.rmtree(self.staging, ignore_errors=True)
                return
        trash = _to_trash(self.staging, self.out)
        if trash:
            _delete_in_background(trash)

    def _release(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock)
            self._lock = None


def prepare_output(root: Path, out: Path) -> Output:
    """Check ``out`` (UnsafeOutput: nothing touched), then put right what earlier builds left:
    an interrupted swap is undone (the previous output comes back) and stale staging folders and
    old trees are deleted in the background."""
    out = check_output(root, out)
    if os.path.isdir(out.parent):
        with contextlib.suppress(OSError), _locked(out.parent) as exclusive:
            for trash in _recover(out, exclusive):
                _delete_in_background(trash)
    return Output(out)


def _recover(out: Path, exclusive: bool) -> list[Path]:
    """Under the parent's lock: the leftovers of dead builds beside ``out``, as trees to delete."""
    trash = []
    with os.scandir(out.parent) as it:
        found = [(m, Path(e.path)) for e in it
                 if (m := _OURS.fullmatch(e.name)) and m["name"] == out.name and e.is_dir(follow_symlinks=False)]
    for m, path in sorted(found, key=lambda f: f[0]["kind"] != "old"):  # restore before deleting
        if m["kind"] == "old":  # a two-rename swap cut short between its renames
            if not exclusive and _pid_alive(int(m["pid"])):
                continue
            if not os.path.lexists(out):
                os.rename(path, out)
                continue
            path = _to_trash(path, out)
        elif not _unowned(path, int(m["pid"])):  # a live build's staging, or a deleter at work
            continue
        elif m["kind"] == "staging":
            path = _to_trash(path, out)
        if path:
            trash.append(path)
    return trash


def _to_trash(path: Path, out: Path) -> Path | None:
    trash = out.parent / f".{out.name}.trash-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        os.rename(path, trash)
    except OSError:  # left where it is: the next build finds it
        return None
    return trash


@contextlib.contextmanager
def _locked(directory: Path):
    """An exclusive lock on ``directory`` for a short section; yields whether it is held (it is
    not where flock is missing or refused)."""
    fd = _lock_dir(directory, wait=True)
    try:
        yield fd is not None
    finally:
        if fd is not None:
            os.close(fd)


def _lock_dir(directory: Path, wait: bool) -> int | None:
    """An open descriptor of ``directory`` holding an exclusive flock, or None (no flock here;
    BlockingIOError when ``wait`` is false and another process holds it)."""
    if fcntl is None:
        return None
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        os.close(fd)
        raise
    except OSError:  # not supported on this file system
        os.close(fd)
        return None
    return fd


def _unowned(path: Path, pid: int) -> bool:
    """Whether no live process holds ``path`` (a staging folder or an old tree)."""
    try:
        fd = _lock_dir(path, wait=False)
    except BlockingIOError:
        return False
    except OSError:
        return False
    if fd is None:
        return not _pid_alive(pid)
    os.close(fd)
    return True


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill would terminate it there: ask for a handle instead
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if handle:
            ctypes.windll.kernel32.CloseHandle(handle)
        return bool(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


# Linux ≥ 3.15 swaps two names in one step (renameat2 with RENAME_EXCHANGE, glibc ≥ 2.28);
# None where the C library lacks it, False once the file system has refused it.
_RENAMEAT2 = None
if sys.platform.startswith("linux"):
    try:
        import ctypes

        _libc = ctypes.CDLL(None, use_errno=True)
        _RENAMEAT2 = getattr(_libc, "renameat2", None)
        if _RENAMEAT2 is not None:
            _RENAMEAT2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
            _RENAMEAT2.restype = ctypes.c_int
    except (OSError, AttributeError):
        _RENAMEAT2 = None
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap the names ``a`` and ``b`` atomically; False when the system cannot (then nothing
    happened).  Any other failure is an OSError, and nothing happened either."""
    if not _RENAMEAT2:
        return False
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    import ctypes
    import errno

    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):  # kernel or file system
        return False
    raise OSError(err, os.strerror(err), str(b))


_DELETER = """
import os, shutil, sys
path = sys.argv[1]
try:
    import fcntl
    fd = os.open(path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held until this process ends: the tree is ours
except ImportError:
    pass
except BlockingIOError:
    sys.exit(0)  # another deleter is at it
except OSError:
    if not os.path.isdir(path):
        sys.exit(0)
try:
    os.nice(10)
except (AttributeError, OSError):
    pass
shutil.rmtree(path, ignore_errors=True)
"""


def _delete_in_background(path: Path) -> subprocess.Popen | None:
    """Delete a tree in a detached process that outlives this one: the build does not wait for
    100,000 old files to go.  If it cannot start, the next build finds the tree and tries again."""
    detach = ({"creationflags": subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP}
              if os.name == "nt" else {"start_new_session": True})
    try:
        return subprocess.Popen([sys.executable, "-I", "-c", _DELETER, str(path)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True,
                                cwd=path.parent, **detach)
    except (OSError, ValueError):
        return None
