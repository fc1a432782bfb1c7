"""Cache: the work of earlier builds, reused only where its inputs are byte for byte the same.

A piece of work (a search index) is stored under a key: the SHA-256 of everything it depends
on — its exact input bytes, the tool's version, the code that makes it, its options.  A build
that computes the same key copies the stored result instead of redoing the work; any other key
is a miss and the work is done as on a cold build.  So the cache can save time, never change a
byte of the output (P2.4: the build is a pure function of its inputs and the as-of date).

Layout of the cache directory (``--cache``; never inside the output, never published):

- ``CACHEDIR.TAG``: marks the folder as a cache (backup tools skip it; ``gongshi`` refuses a
  non-empty folder without it);
- ``<stage>/<key>/``: the stored files, and ``<stage>/<key>.json``: their SHA-256 by path.

Each stage keeps its latest entry only.  An entry is read only if every file matches its
recorded SHA-256 (a truncated, edited or foreign entry is a miss, and is deleted); it is written
into a temporary folder and renamed into place, so a killed build leaves no half entry.
Everything stored is a copy of public output, so a cache holds nothing the site does not publish.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__

TAG = "CACHEDIR.TAG"
TAG_TEXT = ("Signature: 8a477f597d28d172789f06886806bc55\n"
            "# gongshi build cache: safe to delete; a missing cache only costs time.\n")


class UnsafeCache(ValueError):
    """``--cache`` names a folder the build must not write into (exit 2)."""


def key(stage: str, *parts: bytes | str) -> str:
    """The key of a piece of work: the tool's version, the stage, then each part, length-prefixed
    (so that no two different part lists hash alike)."""
    h = hashlib.sha256()
    for part in (__version__, stage, *parts):
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


@dataclass
class Cache:
    """A build cache at ``root``, or none (``root`` None: every lookup misses, nothing is stored).
    ``events`` records what each stage reused or rebuilt, and why, for ``--explain``."""

    root: Path | None = None
    events: list[tuple[str, str, str]] = field(default_factory=list)  # (stage, reused|rebuilt, why)

    def note(self, stage: str, action: str, why: str) -> None:
        self.events.append((stage, action, why))

    def prune(self) -> None:
        """Delete the entries of stages this build did not ask for (a month whose records have
        all left the site, a stage of an older version): the cache holds one build's work."""
        if self.root is None:
            return
        asked = {stage for stage, _action, _why in self.events}
        for entry in self.root.iterdir():
            if entry.name != TAG and entry.name not in asked:
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)

    def restore(self, stage: str, k: str, dest: Path) -> bool:
        """Copy the entry ``stage``/``k`` to ``dest`` (which must not exist) if present and intact."""
        if self.root is None:
            self.note(stage, "rebuilt", "没有缓存目录（未指定 --cache）")
            return False
        folder, listing = self.root / stage / k, self.root / stage / f"{k}.json"
        if not listing.is_file():
            previous = [p.stem for p in (self.root / stage).glob("*.json")] if (self.root / stage).is_dir() else []
            self.note(stage, "rebuilt", "输入已改变（缓存中的上次结果对应不同的输入）" if previous else "缓存中没有此项")
            return False
        try:
            files = json.loads(listing.read_text(encoding="utf-8"))
            _copy_verified(folder, dest, files)
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            shutil.rmtree(dest, ignore_errors=True)
            self._drop(stage, k)
            self.note(stage, "rebuilt", f"缓存项已损坏，已删除（{type(exc).__name__}）")
            return False
        self.note(stage, "reused", f"输入未变（键 {k[:12]}）")
        return True

    def store(self, stage: str, k: str, src: Path) -> None:
        """Keep a copy of ``src`` as the entry ``stage``/``k``, replacing the stage's older entries.
        A cache that cannot be written only costs time: errors are swallowed."""
        if self.root is None:
            return
        folder = self.root / stage
        tmp = folder / f".tmp-{os.getpid()}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(tmp, ignore_errors=True)
            files = _copy_listing(src, tmp)
            for old in folder.iterdir():  # one entry per stage: the cache does not grow build by build
                if old.name != tmp.name:
                    shutil.rmtree(old) if old.is_dir() else old.unlink()
            os.rename(tmp, folder / k)
            listing = folder / f"{k}.json.tmp"
            listing.write_text(json.dumps(files, sort_keys=True), encoding="utf-8")
            os.replace(listing, folder / f"{k}.json")  # last: an entry without its listing is never read
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)

    def _drop(self, stage: str, k: str) -> None:
        shutil.rmtree(self.root / stage / k, ignore_errors=True)
        with contextlib.suppress(OSError):
            (self.root / stage / f"{k}.json").unlink()


def open_cache(path: Path | None, out: Path, site: Path) -> Cache:
    """The cache at ``path`` (made if absent), after checking that it is a place the build may
    write: not inside the output (it would be published) nor the output inside it, not inside
    the site's inputs, and either empty or marked by an earlier build."""
    if path is None:
        return Cache(None)
    path, out, site = Path(path).resolve(), Path(out).resolve(), Path(site).resolve()
    if path == out or path.is_relative_to(out) or out.is_relative_to(path):
        raise UnsafeCache(f"缓存目录 {path} 与输出目录 {out} 重叠：缓存不得发布，也不得被输出替换")
    for part in ("data", "content", "templates", "site_config.yaml"):
        if path.is_relative_to(site / part) or (site / part).is_relative_to(path):
            raise UnsafeCache(f"缓存目录 {path} 与站点的 {part} 重叠")
    if path.exists():
        if not path.is_dir():
            raise UnsafeCache(f"缓存目录 {path} 不是目录")
        if any(path.iterdir()) and not (path / TAG).is_file():
            raise UnsafeCache(f"缓存目录 {path} 不是空目录，也不是 gongshi 的缓存（缺少 {TAG}）")
    try:
        path.mkdir(parents=True, exist_ok=True)
        if not (path / TAG).is_file():
            (path / TAG).write_text(TAG_TEXT, encoding="utf-8")
    except OSError as exc:
        raise UnsafeCache(f"缓存目录 {path} 无法写入：{exc.strerror or exc}") from None
    return Cache(path)


def _copy_listing(src: Path, dest: Path) -> dict[str, str]:
    """Copy the tree ``src`` to ``dest``; returns the SHA-256 of each file by relative path."""
    files = {}
    for dirpath, _dirs, names in os.walk(src):
        rel_dir = Path(dirpath).relative_to(src)
        os.makedirs(dest / rel_dir, exist_ok=True)
        for name in names:
            data = (Path(dirpath) / name).read_bytes()
            (dest / rel_dir / name).write_bytes(data)
            files[(rel_dir / name).as_posix()] = hashlib.sha256(data).hexdigest()
    return files


def _copy_verified(src: Path, dest: Path, files: dict[str, str]) -> None:
    """Copy the listed files, each checked against its SHA-256; ValueError on any difference
    (a file missing, changed, or one more than listed).  A file is hard-linked where the cache
    and the output share a file system (nothing writes into an output file in place: writers
    create new files), else copied."""
    src_s, dest_s = str(src), str(dest)
    present = {os.path.relpath(os.path.join(d, n), src_s).replace(os.sep, "/") for d, _s, ns in os.walk(src_s) for n in ns}
    if present != set(files):
        raise ValueError("files differ from the listing")
    made: set[str] = set()
    link = True
    for rel, digest in sorted(files.items()):
        source, target = os.path.join(src_s, rel), os.path.join(dest_s, rel)
        with open(source, "rb") as fh:
            data = fh.read()
        if hashlib.sha256(data).hexdigest() != digest:
            raise ValueError(f"{rel}: SHA-256 differs")
        parent = os.path.dirname(target)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        if link:
            try:
                os.link(source, target)
                continue
            except OSError:
                link = False  # another file system (or no hard links): copy from now on
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)


def explain_text(events: list[tuple[str, str, str]], no_search: bool) -> str:
    """What the build reused from its cache and what it made anew, and why (--explain)."""
    lines = ["缓存说明：",
             "  读取、校验、脱敏、过期处理、页面、订阅源和下载文件：重新生成（每次构建都完整生成，不使用缓存）"]
    if no_search:
        lines.append("  检索索引：未生成（--no-search-index）")
    names = {"lookup": "查询索引（名称、代码、文号）", "pagefind-main": "全文检索索引（Pagefind）：页面和较小的数据集"}
    for stage, action, why in events:
        lines.append(f"  {names.get(stage) or _part_name(stage)}：{'复用缓存' if action == 'reused' else '重新生成'}（{why}）")
    return "\n".join(lines)


def _part_name(stage: str) -> str:
    """pagefind-penalties-2026-01 → 全文检索索引（Pagefind）：penalties 2026-01"""
    if stage.startswith("pagefind-"):
        part = stage.removeprefix("pagefind-")
        return f"全文检索索引（Pagefind）：{part[:-8]} {part[-7:]}"
    return stage
