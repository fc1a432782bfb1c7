"""Cache: the work of earlier builds, reused only where its inputs are byte for byte the same.

A piece of work (a search index, a slot of record pages) is stored under a key: the SHA-256 of
everything it depends on — its exact input bytes, the tool's version, the code that makes it,
its options.  A build that computes the same key copies the stored result instead of redoing
the work; any other key is a miss and the work is done as on a cold build.  So the cache can save time, never change a
byte of the output (P2.4: the build is a pure function of its inputs and the as-of date).

Layout of the cache directory (``--cache``; never inside the output, never published):

- ``CACHEDIR.TAG``: marks the folder as a cache (backup tools skip it; ``gongshi`` refuses a
  non-empty folder without it);
- ``<stage>/<key>.pack``: the stored files one after the other, and ``<stage>/<key>.json``: their
  paths and lengths, and the SHA-256 of the listing and the pack together.  One file per entry,
  not thousands: restoring reads it in one go (the search index of 100,000 pages is 100,000
  small files).
- ``<stage>/<slot>`` (``get``/``put``): a stage of many small pieces — the record pages of one
  slot (``outputs/reuse.py``), a slot of a workbook's rows (``outputs/reuse_sheets.py``) or of a
  CSV or JSON download's (``outputs/reuse_exports.py``), a feed archive
  (``outputs/reuse_archives.py``), a dataset's rows of the lookup index
  (``stages/lookup.py``), a chunk of a table's rows as checked (``rowcache.py``) — one file
  each: the key, the data, and the SHA-256 of both.

Each stage (or slot) keeps its latest entry only.  An entry is read only if its SHA-256 matches
(a truncated, edited or foreign entry is a miss, and is deleted); the listing is written last,
and a slot's file is renamed into place whole, so a killed build leaves no entry that would be
read.  Everything stored is public output (record pages with the as-of date's place marked,
the downloads' rows and feed archives as published, the lookup's rows as read from the published JSON exports),
but for the rows as checked, which hold private fields: those are encrypted under a key that
only the rows themselves give (``rowcache.py``).  So a cache holds nothing readable that the site
does not publish, nor anything that whoever has the inputs could not read there.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
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

    def restore(self, stage: str, k: str, dest: Path, same: str = "输入未变", digests: dict | None = None) -> bool:
        """Write the files of the entry ``stage``/``k`` under ``dest`` if it is present and intact.
        ``same``: what ``--explain`` says of a reused entry (what did not change).  ``digests``:
        receives the SHA-256 of each file written, by its path under ``dest`` (for release.json,
        which then need not read them back)."""
        if self.root is None:
            self.note(stage, "rebuilt", "没有缓存目录（未指定 --cache）")
            return False
        pack, listing = self.root / stage / f"{k}.pack", self.root / stage / f"{k}.json"
        if not listing.is_file():
            previous = list((self.root / stage).glob("*.json")) if (self.root / stage).is_dir() else []
            self.note(stage, "rebuilt", "输入已改变（缓存中的上次结果对应不同的输入）" if previous else "缓存中没有此项")
            return False
        try:
            written: dict = {}
            _unpack(listing.read_bytes(), pack.read_bytes(), dest, written)
        except (OSError, ValueError, TypeError, KeyError, IndexError) as exc:
            shutil.rmtree(dest, ignore_errors=True)
            self._drop(stage, k)
            self.note(stage, "rebuilt", f"缓存项已损坏，已删除（{type(exc).__name__}）")
            return False
        if digests is not None:  # only of an entry restored whole
            digests.update(written)
        self.note(stage, "reused", f"{same}（键 {k[:12]}）")
        return True

    def store(self, stage: str, k: str, src: Path, digests: dict | None = None) -> None:
        """Keep the files under ``src`` as the entry ``stage``/``k``, replacing the stage's older
        entries.  A cache that cannot be written only costs time: errors are swallowed.
        ``digests``: receives the SHA-256 of each file read, by its path under ``src``."""
        if self.root is None:
            return
        folder = self.root / stage
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.iterdir():  # one entry per stage: the cache does not grow build by build
                old.unlink() if old.is_file() else shutil.rmtree(old)
            table, pack = _pack(src, digests)
            (folder / f"{k}.pack").write_bytes(pack)
            listing = json.dumps({"files": table, "sha256": _digest(table, pack)}).encode()
            (folder / f"{k}.json.tmp").write_bytes(listing)
            os.replace(folder / f"{k}.json.tmp", folder / f"{k}.json")  # last: only a whole entry is read
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)

    # ------------------------------------------------------------ slots: many small entries
    # A stage whose work falls into many independent pieces (the record pages, a few hundred
    # groups) keeps one file per piece: ``<stage>/<slot>``, holding the key, the data and the
    # SHA-256 of both.  Each slot holds its latest entry only; ``keep`` drops the slots a build
    # did not use.  Written from the render workers: each slot is one worker's, and a file is
    # replaced whole (``os.replace``), so a reader never sees half of one.

    def get(self, stage: str, slot: str, k: str) -> tuple[memoryview | None, str]:
        """(the data of ``stage``/``slot`` if it was stored under ``k`` and is intact, else None;
        why not, for ``--explain``).  A view of the file's bytes: an entry of 20 MB is not copied."""
        if self.root is None:
            return None, "没有缓存目录（未指定 --cache）"
        path = self.root / stage / slot
        try:
            blob = path.read_bytes()
        except OSError:
            return None, "缓存中没有此项"
        view = memoryview(blob)
        head, data, digest = blob[:64], view[64:-32], blob[-32:]
        if len(blob) < 96 or hashlib.sha256(view[:-32]).digest() != digest:
            with contextlib.suppress(OSError):
                path.unlink()
            return None, "缓存项已损坏，已删除"
        if head != k.encode():
            return None, "输入已改变"
        return data, ""

    def put(self, stage: str, slot: str, k: str, *data: bytes) -> None:
        """Store ``data`` (the pieces one after the other: a 20 MB entry is never copied whole) as
        ``stage``/``slot`` under the key ``k``; errors only cost time."""
        if self.root is None:
            return
        folder = self.root / stage
        tmp = folder / f".{slot}.{os.getpid()}.tmp"
        try:
            folder.mkdir(exist_ok=True)
            digest = hashlib.sha256()
            with open(tmp, "wb") as f:
                for piece in (k.encode(), *data):
                    digest.update(piece)
                    f.write(piece)
                f.write(digest.digest())
            os.replace(tmp, folder / slot)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()

    def keep(self, stage: str, slots: set[str]) -> None:
        """Delete the files of ``stage`` other than ``slots`` (slots no build will ask for again)."""
        if self.root is None or not (self.root / stage).is_dir():
            return
        for f in (self.root / stage).iterdir():
            if f.name not in slots:
                shutil.rmtree(f, ignore_errors=True) if f.is_dir() else f.unlink(missing_ok=True)

    def _drop(self, stage: str, k: str) -> None:
        for suffix in (".json", ".pack"):
            with contextlib.suppress(OSError):
                (self.root / stage / f"{k}{suffix}").unlink()


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


def _pack(src: Path, digests: dict | None = None) -> tuple[list, bytes]:
    """The files under ``src`` (sorted) as [[path, length], …] and their bytes one after the other
    (and, into ``digests``, each file's SHA-256)."""
    table, chunks = [], []
    for dirpath, dirs, names in os.walk(src):
        dirs.sort()
        rel_dir = os.path.relpath(dirpath, src)
        for name in sorted(names):
            with open(os.path.join(dirpath, name), "rb") as fh:
                data = fh.read()
            rel = name if rel_dir == "." else f"{rel_dir}/{name}".replace(os.sep, "/")
            table.append([rel, len(data)])
            chunks.append(data)
            if digests is not None:
                digests[rel] = hashlib.sha256(data).hexdigest()
    return table, b"".join(chunks)


def _digest(table: list, pack: bytes) -> str:
    h = hashlib.sha256(json.dumps(table, ensure_ascii=False).encode())
    h.update(pack)
    return h.hexdigest()


def _unpack(listing: bytes, pack: bytes, dest: Path, digests: dict) -> None:
    """Write the files of a pack under ``dest`` (and, into ``digests``, each one's SHA-256, of the
    bytes written); ValueError if the listing and the pack do not match their SHA-256 or a path
    would leave ``dest``."""
    entry = json.loads(listing)
    table = entry["files"]
    if _digest(table, pack) != entry["sha256"] or sum(n for _p, n in table) != len(pack):
        raise ValueError("SHA-256 differs")
    dest_s, made, at = str(dest), set(), 0
    view = memoryview(pack)
    for rel, n in table:
        if rel.startswith("/") or ".." in rel.split("/"):
            raise ValueError(f"{rel}: not a path inside the entry")
        target = os.path.join(dest_s, rel)
        parent = os.path.dirname(target)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            chunk = view[at:at + n]
            digests[rel] = hashlib.sha256(chunk).hexdigest()
            while chunk:
                chunk = chunk[os.write(fd, chunk):]
        finally:
            os.close(fd)
        at += n


def explain_text(events: list[tuple[str, str, str]], no_search: bool) -> str:
    """What the build reused from its cache and what it made anew, and why (--explain)."""
    lines = ["缓存说明：",
             "  读取、脱敏、过期处理，记录页以外的页面、最新订阅源：重新生成（每次构建都完整生成，不使用缓存）"]
    if no_search:
        lines.append("  检索索引：未生成（--no-search-index）")
    names = {"lookup": "查询索引（名称、代码、文号）", "pagefind-main": "全文检索索引（Pagefind）：页面和较小的数据集",
             "pages": "记录页"}
    for stage, action, why in events:
        lines.append(f"  {names.get(stage) or _part_name(stage)}：{'复用缓存' if action == 'reused' else '重新生成'}（{why}）")
    return "\n".join(lines)


_PART = re.compile(r"(.+)-(\d{4}-\d{2}(?:-\d{2})?)")  # a part of the index: <section>-<YYYY-MM>[-<DD>]


def _part_name(stage: str) -> str:
    """pagefind-penalties-2026-01 → 全文检索索引（Pagefind）：penalties 2026-01 起 (a part is named
    by its first month, or its first day when months are cut: stages/index.py)"""
    if stage.startswith("export-"):
        return f"下载文件中的记录：{stage.removeprefix('export-')}"
    if stage.startswith("xlsx-"):
        return f"Excel 工作簿的记录表：{stage.removeprefix('xlsx-')}"
    if stage.startswith("pages-"):
        return f"记录页：{stage.removeprefix('pages-')}"
    if stage.startswith("rows-"):
        return f"校验过的记录行（加密保存）：{stage.removeprefix('rows-')}"
    if stage.startswith("lookup-"):
        return f"查询索引中一个数据集的记录行：{stage.removeprefix('lookup-')}"
    if stage.startswith("archives-"):
        return f"订阅源的归档文档：{stage.removeprefix('archives-')}"
    if stage.startswith("pagefind-"):
        if named := _PART.fullmatch(stage.removeprefix("pagefind-")):
            return f"全文检索索引（Pagefind）：{named[1]} {named[2]} 起"
    return stage
