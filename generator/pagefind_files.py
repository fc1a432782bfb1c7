"""Pagefind's program run, and its index files read and rewritten (Pagefind 1.5): made canonical (byte-identical from
run to run), their fragments named by number (a smaller metadata file), listed (which page is
which), and given sort orders that hold across the shards of a split index.

A Pagefind index folder holds ``pagefind-entry.json`` (naming the metadata file of each
language), ``pagefind.<lang>_<hash>.pf_meta`` (gzip of ``pagefind_dcd`` + CBOR: version, pages
as [fragment, word count], index chunks, filters as [name, file], sort orders as [name, page
numbers in order], meta keys) and the folders ``index/``, ``filter/`` and ``fragment/``.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import cbor2

from .tree import read_bytes

# The folders of an index whose files stay as ``rewrite`` left them: ``set_sort_orders`` replaces
# the metadata file and ``pagefind-entry.json`` only (stages/index.py hands the digests of these
# folders' files, taken as the cache stored or restored them, to release.json)
SETTLED = ("fragment/", "index/", "filter/")
MAGIC = b"pagefind_dcd"  # what Pagefind puts before the CBOR (or JSON) of each index file
ERRORS = (OSError, ValueError, KeyError, IndexError, TypeError, cbor2.CBORDecodeError)


# How Pagefind's allocator (jemalloc, which reads this variable) takes memory: in huge pages.
# Else a part's 400 MB is touched 4 KB at a time, about 50 page faults a page indexed, and a
# run takes 12-20 % longer (benchmarks/README.md).  It changes how Pagefind allocates, not what it
# writes; a value the environment sets wins, and a Pagefind without jemalloc ignores it.
PAGEFIND_ENV = {"_RJEM_MALLOC_CONF": "thp:always,metadata_thp:always"}


@functools.cache
def _pagefind_command() -> tuple[str, ...]:
    """Pagefind's program as ``python -m pagefind`` finds it (the extended build, which segments
    Chinese), started directly: one Python start less for each part."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        get_executable = None
    binary = get_executable() if get_executable is not None else None
    return (os.fspath(binary),) if binary is not None else (sys.executable, "-m", "pagefind")


def run_pagefind(source: Path, out: Path) -> str | None:
    """Index the pages under ``source`` into ``out`` with Pagefind's program, then ``rewrite``
    what it wrote; None, or the error text."""
    cmd = [*_pagefind_command(), "--site", str(source), "--output-path", str(out), "--silent"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, env={**PAGEFIND_ENV, **os.environ})
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if proc.returncode != 0:
        return (proc.stderr or proc.stdout).strip()[-500:] or f"exit {proc.returncode}"
    try:
        rewrite(out)
    except ERRORS as exc:
        return f"Pagefind 索引文件：{type(exc).__name__}: {exc}"
    return None


def load(path: Path):
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(MAGIC):
        raise ValueError(f"{path.name}: not a Pagefind index file")
    return cbor2.loads(data[len(MAGIC):])


def save(folder: Path, prefix: str, digits: int, suffix: str, obj) -> str:
    """Write ``obj`` under a name made from its content; returns the name without the suffix."""
    data = MAGIC + cbor2.dumps(obj)
    name = f"{prefix}_{hashlib.sha256(data).hexdigest()[:digits]}"
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(data, mtime=0))
    return name


def _metas(out: Path):
    """(entry, language, its entry record, meta path, meta) of each language of the index."""
    entry = json.loads((out / "pagefind-entry.json").read_text(encoding="utf-8"))
    for lang, info in entry["languages"].items():
        path = out / f"pagefind.{info['hash']}.pf_meta"
        yield entry, lang, info, path, load(path)


def _replace_meta(out: Path, entry: dict, lang: str, info: dict, path: Path, meta) -> None:
    path.unlink()
    info["hash"] = save(out, f"pagefind.{lang}", 13, ".pf_meta", meta).removeprefix("pagefind.")
    (out / "pagefind-entry.json").write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def rewrite(out: Path) -> None:
    """Rewrite the index Pagefind just wrote, one pass over each language's metadata: its filters
    and sort orders made canonical, its fragments named by number."""
    for entry, lang, info, path, meta in _metas(out):
        _canonical_filters(out, lang, meta)
        _number_fragments(out, lang, meta)
        _replace_meta(out, entry, lang, info, path, meta)


def _canonical_filters(out: Path, lang: str, meta) -> None:
    """Pagefind (1.5) writes each filter's values, its filters and its sort orders in hash-map
    order, which changes from run to run (its issue #638: "filter/metadata indexes" still
    change).  Sort them, and name the files by their content, so that two builds are
    byte-identical."""
    filters = []
    for name, old in meta[3]:  # [version, pages, index chunks, [[filter, file]], sorts, meta keys]
        fpath = out / "filter" / f"{old}.pf_filter"
        key, values = load(fpath)
        fpath.unlink()
        filters.append([name, save(out / "filter", lang, 7, ".pf_filter", [key, sorted(values)])])
    meta[3] = sorted(filters)
    meta[4] = sorted(meta[4])  # the sort orders ([name, pages in order]), also in hash-map order


def _number_fragments(out: Path, lang: str, meta) -> None:
    """Name each page's fragment by its number in the index, after a digest of the names Pagefind
    gave them (``zh-cn_<8 hex>-<number in hex>``), instead of by a hash of each fragment.

    The metadata lists every page's fragment and the browser loads the metadata of every part for
    a first full-text query: Pagefind's names (a 7-hex hash each) are 540 of its 1,000 KB at
    100,000 penalties, and numbers in order compress to less than half of that.  The names stay
    content-addressed, for the year-long caching of ``netlify.toml``: Pagefind's names are hashes
    of the fragments, so their digest changes when any fragment of the index does, and a name
    never stands for two contents."""
    digest = hashlib.sha256("\n".join(h for h, _words in meta[1]).encode()).hexdigest()[:8]
    folder = os.fspath(out / "fragment")  # os-level calls on strings: 12,000 fragments a part
    for n, page in enumerate(meta[1]):
        new = f"{lang}_{digest}-{n:x}"
        os.rename(f"{folder}/{page[0]}.pf_fragment", f"{folder}/{new}.pf_fragment")
        page[0] = new


def page_urls(out: Path) -> list[str]:
    """The URL of each page of the index, by its number (the order of the metadata's pages)."""
    urls, folder = [], os.fspath(out / "fragment")
    for _entry, _lang, _info, _path, meta in _metas(out):
        for fragment, _words in meta[1]:
            data = gzip.decompress(read_bytes(f"{folder}/{fragment}.pf_fragment"))
            urls.append(json.loads(data[len(MAGIC):])["url"])
    return urls


def sort_counts(out: Path) -> dict[str, int]:
    """How many pages each sort order of the index holds."""
    return {k: len(order) for _e, _l, _i, _p, meta in _metas(out) for k, order in meta[4]}


def set_sort_orders(out: Path, orders: dict[str, list[int | None]]) -> None:
    """Replace the index's sort orders: ``orders[key][place]`` is the number of this index's page
    at that place of a scale shared by every index (``stages/index.py``: ``sort_places``), or
    None where no page of this index is.  Pagefind scores a sorted result by its position in this
    list, and the browser merges the results of all indexes by score: with every index's
    positions on the same scale, the merged results are sorted across the indexes (asc: it
    negates the scores).  A place without a page holds a page number this index does not have."""
    for entry, lang, info, path, meta in _metas(out):
        absent = len(meta[1])
        meta[4] = [[k, [absent if p is None else p for p in order]] for k, order in sorted(orders.items())]
        _replace_meta(out, entry, lang, info, path, meta)
