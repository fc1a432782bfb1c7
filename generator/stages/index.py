"""Index: the written site in, a Pagefind full-text search index out (under /pagefind/).

Pagefind's extended build segments Chinese text.  Only what the pages mark with
``data-pagefind-body`` is indexed (record and content pages), and the pages hold public fields
only, so the index cannot hold more than the pages do.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import cbor2

PAGEFIND_DIR = "pagefind"
_MAGIC = b"pagefind_dcd"  # what Pagefind puts before the CBOR of each index file


def build_index(root: Path) -> str | None:
    """None on success, else the error text."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(root), "--output-subdir", PAGEFIND_DIR, "--silent"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if proc.returncode != 0:
        return (proc.stderr or proc.stdout).strip()[-500:] or f"exit {proc.returncode}"
    try:
        canonical_filters(root / PAGEFIND_DIR)
    except (OSError, ValueError, KeyError, IndexError, cbor2.CBORDecodeError) as exc:
        return f"Pagefind 筛选索引：{type(exc).__name__}: {exc}"
    return None


def _load(path: Path):
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_MAGIC):
        raise ValueError(f"{path.name}: not a Pagefind index file")
    return cbor2.loads(data[len(_MAGIC):])


def _save(folder: Path, prefix: str, digits: int, suffix: str, obj) -> str:
    """Write ``obj`` under a name made from its content; returns the name without the suffix."""
    data = _MAGIC + cbor2.dumps(obj)
    name = f"{prefix}_{hashlib.sha256(data).hexdigest()[:digits]}"
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(data, mtime=0))
    return name


def canonical_filters(out: Path) -> None:
    """Pagefind (1.5) writes each filter's values, its filters and its sort orders in hash-map
    order, which changes from run to run (its issue #638: "filter/metadata indexes" still
    change).  Sort them, and name the files by their content, so that two builds are
    byte-identical."""
    entry_path = out / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for lang, info in entry["languages"].items():
        meta_path = out / f"pagefind.{info['hash']}.pf_meta"
        meta = _load(meta_path)
        filters = []
        for name, old in meta[3]:  # [version, index chunks, …, [[filter, file]], sorts, meta keys]
            path = out / "filter" / f"{old}.pf_filter"
            key, values = _load(path)
            path.unlink()
            filters.append([name, _save(out / "filter", lang, 7, ".pf_filter", [key, sorted(values)])])
        meta[3] = sorted(filters)
        meta[4] = sorted(meta[4])  # the sort orders ([name, pages in order]), also in hash-map order
        meta_path.unlink()
        info["hash"] = _save(out, f"pagefind.{lang}", 13, ".pf_meta", meta).removeprefix("pagefind.")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
