"""Lookup: the written public exports in, a static, sharded lookup index out (under /lookup/).

Pagefind segments Chinese into words and silently drops a query word its index lacks, so a long
or partial company name can rank the right record far down, and identifiers are cut into
pieces.  This index answers the public's first question exactly: a credit code or a document
number however it is typed (I1, I3: ``identifiers.lookup_key``), a full name, or any part of a
name of two characters or more.  The browser (generator/theme/static/lookup.js) downloads the small
manifest, one key shard, up to three name-part shards and the row blocks of the candidates.

It reads the datasets' JSON exports (``/opendata/<dataset>.json``) in the staging directory — the written public output, so
nothing private, expired, withdrawn or unpublished can be found — and nothing else.

Layout (all JSON, keys sorted, so that two builds are byte-identical):

- ``index.json``: format, rows per block, shard counts, each dataset's title and the column
  names of its rows (labels, also for its full-text results), and the name parts that occur in
  more than ``COMMON`` records (no lookup: they identify no one; full-text search
  serves them);
- ``k/<n>.json``: normalised identifier or full name → ordinals of its records;
- ``g/<n>.json``: two-character name part → ordinals of the records whose name holds it, as
  gaps (ascending, delta-coded: most gaps are short numbers);
- ``r/<n>.json``: the result rows, ``ROWS`` per block: url, name, number, kind, department,
  date, dataset.

A key's shard is the CRC-32 of its UTF-8 bytes, mixed by MurmurHash3's finaliser (``shard_hash``),
modulo the shard count, a power of two chosen so that a shard holds about ``SHARD_BYTES``.  CRC-32 because Python computes it in C
(``zlib``): a hash looped over code points in Python took 1.3 s of a 100,000-record build.

With a build cache (issue 15), the whole index is reused when no export it reads changed
(``pipeline.LookupBuild``); else each dataset's rows — what ``read_rows`` makes of its export,
most of the work — are reused from ``KeptRows`` where its export did not change, so a change in
a small dataset does not read the 100,000 penalties again.  Stored as JSON, never pickle: a
cache entry is data, and loading it must not be able to run code.
"""

from __future__ import annotations

import json
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..cache import Cache, key
from ..identifiers import USCC_PLACEHOLDER, lookup_key
from ..outputs import routes

LOOKUP_DIR = routes.LOOKUP
FORMAT = 3            # 2: each dataset's title and the labels of its row's columns; 3: shards by shard_hash
ROWS = 16             # rows per block: a lookup downloads the blocks of its candidates
SHARD_BYTES = 8192    # aimed-at size of a key shard
COMMON = 1000         # a name part in more records than this is not looked up
ROWS_SLOT = "rows"    # a dataset's rows in the cache (KeptRows)


@dataclass(frozen=True)
class LookupSpec:
    """One dataset's part of the index, from its ``search:`` configuration.  A dataset with
    record pages but nothing to look up is listed too (no rows): the search page labels its
    full-text results with the same column names."""

    dataset: object               # its DatasetConfig: the URLs of its list pages (routes)
    export: str                   # the URL of the dataset's JSON export, which it reads
    page_size: int                # records per list page: without record pages, a row links to its list page
    title: str                    # the disclosure item, shown with each result
    names: tuple[str, ...]        # looked up whole and by any 2+-character part
    identifiers: tuple[str, ...]  # looked up whole
    shown: tuple[str | None, ...]  # columns of the row: name, number, kind, department, date

    @classmethod
    def of(cls, ds, export: str, page_size: int) -> "LookupSpec":
        """A result shows the first name column (else the title column), the key's last column
        (the document number, unless it is a name), the first filter column (e.g. 处罚类别), the
        department and the date."""
        s = ds.search
        name = (s.names or (ds.title_field,))[0]
        number = ds.key[-1] if ds.key[-1] != name and ds.key[-1] not in s.names else None
        return cls(ds, export, page_size, ds.title, s.names, s.identifiers,
                   (name, number, s.filters[0] if s.filters else None, ds.agency_field, ds.date_field))

    @property
    def looked_up(self) -> bool:
        return bool(self.names or self.identifiers)


def shard_hash(text: str) -> int:
    """The hash that places a key in its shard; lookup.js computes the same (``shardHash``).
    CRC-32 is linear: on two-character keys its low bits left the largest name-part shard at
    17 KB against 12 KB; MurmurHash3's finaliser mixes them (11.9 KB at 100,000 penalties)."""
    h = zlib.crc32(text.encode("utf-8"))
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    return h ^ (h >> 16)


def shown_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def values_of(value) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [] if value is None else [str(value)]


def read_rows(root: Path, specs, base_url: str, kept: "KeptRows | None" = None):
    """(row, exact keys, name keys) of every published record, in dataset order; a dataset's
    from ``kept`` where it holds them, else read from its export (and kept)."""
    for n, spec in enumerate(specs):
        if not spec.looked_up:
            continue
        rows = kept.rows(n) if kept is not None else None
        if rows is None:
            rows = dataset_rows(root, spec, n, base_url)
            if kept is not None:
                rows = kept.keep(n, rows)
        yield from rows


def dataset_rows(root: Path, spec: LookupSpec, n: int, base_url: str):
    """(row, exact keys, name keys) of the records of ``spec``, the ``n``-th dataset."""
    with (root / spec.export.lstrip("/")).open(encoding="utf-8") as fh:
        records = json.load(fh)["records"]  # the listed records only; `withdrawn` is ignored
    for i, record in enumerate(records):
        url = record.get("url")  # none without record pages: the list page that shows it
        path = routes.relative(base_url, url) if url else routes.dataset(spec.dataset, i // spec.page_size + 1)
        row = [path, *(shown_text(record.get(c)) if c else "" for c in spec.shown), n]
        names = [lookup_key(v) for c in spec.names for v in values_of(record.get(c))]
        exact = {lookup_key(v) for c in spec.identifiers for v in values_of(record.get(c))}
        exact.discard(USCC_PLACEHOLDER)  # a 个体工商户 without a code (I1) identifies no one
        exact.update(names)
        exact.discard("")
        extra = [shown_text(record.get(c)) for c in spec.names[1:]]
        if extra:
            row.append(extra)  # other name columns, which the browser checks a part against
        yield row, sorted(exact), [k for k in names if len(k) >= 2]


class KeptRows:
    """Each looked-up dataset's rows as an earlier build read them from the same export, from
    ``store`` (stage ``lookup-<dataset>``): keyed by the lookup's code, the dataset's place and
    specification, the base URL and the SHA-256 of the export's records (``digests``, one per
    spec).  Looked up when made, in the build's process; read (``rows``) and stored (``keep``, as
    a dataset's rows are read from its export) in the lookup's (``lookup_index``)."""

    def __init__(self, store: Cache, code: str, specs, base_url: str, digests: list[str]):
        self._store = store
        self._entries: dict[int, tuple[str, str, memoryview | None, str]] = {}
        self.refused: list[int] = []  # datasets whose stored entry was not rows (read again)
        for n, (spec, digest) in enumerate(zip(specs, digests)):
            if not spec.looked_up:
                continue
            stage = f"{LOOKUP_DIR}-{spec.dataset.name}"
            k = key(stage, code, str(n), repr(spec), base_url, digest)
            data, why = store.get(stage, ROWS_SLOT, k)
            self._entries[n] = (stage, k, data, why or f"输入未变（键 {k[:12]}）")

    def note(self, refused) -> None:
        """Tell the cache what became of each dataset's rows (``--explain``), in the build's
        process, once the lookup's process has said which stored entries it ``refused``."""
        for n, (stage, _k, data, why) in self._entries.items():
            if n in refused:
                self._store.note(stage, "rebuilt", "缓存项不是查询索引的记录行，已重新读取")
            else:
                self._store.note(stage, "rebuilt" if data is None else "reused", why)
        self._entries = {}  # the stored rows (33 MB at 100,000) are not kept while Pagefind runs

    def rows(self, n: int) -> list | None:
        """The stored rows of the ``n``-th dataset; None if none are, or not in the shape this
        module stores (a foreign entry: read the export instead)."""
        data = self._entries[n][2]
        if data is None:
            return None
        try:
            rows = json.loads(bytes(data))
        except ValueError:
            rows = None
        if not isinstance(rows, list) or not all(_is_row(r) for r in rows):
            self.refused.append(n)
            return None
        return rows

    def keep(self, n: int, rows):
        """``rows`` passed on, and stored once all have passed."""
        stage, k, _data, _why = self._entries[n]
        lines, encode = [], _ROW_JSON.encode  # one encoder: json.dumps with options makes one per call
        for item in rows:
            lines.append(encode(item))
            yield item
        self._store.put(stage, ROWS_SLOT, k, ("[" + ",\n".join(lines) + "]").encode())


_ROW_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _is_row(item) -> bool:
    return (isinstance(item, list) and len(item) == 3 and isinstance(item[0], list)
            and isinstance(item[1], list) and isinstance(item[2], list)
            and all(isinstance(k, str) for k in item[1]) and all(isinstance(k, str) for k in item[2]))


def bigrams(key: str) -> set[str]:
    return {key[i:i + 2] for i in range(len(key) - 1)}


def shard_count(total_bytes: int) -> int:
    n = 1
    while n * SHARD_BYTES < total_bytes:
        n *= 2
    return n


def write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8")


def write_shards(folder: Path, postings: dict[str, list[int]], gaps: bool) -> int:
    size = sum(len(k.encode()) + 7 * len(v) for k, v in postings.items())
    n = shard_count(size)
    shards: list[dict] = [{} for _ in range(n)]
    for key, ordinals in postings.items():
        if gaps:
            ordinals = [b - a for a, b in zip([0] + ordinals, ordinals)]
        shards[shard_hash(key) % n][key] = ordinals
    os.mkdir(folder)
    for i, shard in enumerate(shards):
        write_json(folder / f"{i}.json", shard)
    return n


def lookup_index(root: Path, specs, base_url: str, kept: KeptRows | None) -> tuple[str | None, tuple[int, ...]]:
    """``build_lookup`` with ``kept``, as the build runs it in another process: (None or the
    error text, the datasets whose stored rows were refused), for ``KeptRows.note``."""
    error = build_lookup(root, specs, base_url, kept)
    return error, tuple(kept.refused) if kept is not None else ()


def build_lookup(root: Path, specs, base_url: str, kept: KeptRows | None = None) -> str | None:
    """Write ``root/lookup/``; None on success, else the error text.  ``kept``: the datasets'
    rows of earlier builds (None: every export is read)."""
    out = root / LOOKUP_DIR
    exact: dict[str, list[int]] = {}
    parts: dict[str, list[int]] = {}
    try:
        os.mkdir(out)
        os.mkdir(out / "r")
        block: list = []
        ordinal = -1
        for ordinal, (row, keys, names) in enumerate(read_rows(root, specs, base_url, kept)):
            for key in keys:
                exact.setdefault(key, []).append(ordinal)
            for part in set().union(*map(bigrams, names)) if names else ():
                parts.setdefault(part, []).append(ordinal)
            block.append(row)
            if len(block) == ROWS:
                write_json(out / "r" / f"{ordinal // ROWS}.json", block)
                block = []
        if block:
            write_json(out / "r" / f"{ordinal // ROWS}.json", block)
        common = sorted(p for p, ordinals in parts.items() if len(ordinals) > COMMON)
        for p in common:
            del parts[p]
        manifest = {
            "format": FORMAT, "rows": ROWS, "records": ordinal + 1, "common": common,
            "datasets": [{"title": s.title, "labels": list(s.shown)} for s in specs],
            "k": write_shards(out / "k", {k: v for k, v in exact.items() if len(v) <= COMMON}, gaps=False),
            "g": write_shards(out / "g", parts, gaps=True),
        }
        write_json(out / "index.json", manifest)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"查询索引：{type(exc).__name__}: {exc}"
    return None
