"""The build, as a table of contents: load (read → validate → redact → expire → assemble) →
render and write (``outputs/``) → index → swap.  ``build()`` is a pure function of (site
inputs, as-of date)."""

from __future__ import annotations

import gc
import hashlib
import os
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jinja2 import TemplateError

from .cache import Cache, UnsafeCache, key, open_cache  # noqa: F401 (the CLI catches UnsafeCache from here)
from .diagnostics import DEFAULT_MAX_PER_CODE, BuildFailed, Report, diag
from .load import load
from .meanwhile import Meanwhile
from .release import ReleaseInputs, write_release
from .outputs import routes
from .outputs.schedule import render_site
from .pagefind_pages import Described
from .stages.index import build_index
from .stages.assets import write_assets
from .stages.lookup import LOOKUP_DIR, KeptRows, LookupSpec, build_lookup, lookup_index
from .stages.output_dir import UnsafeOutput, prepare_output  # noqa: F401 (the CLI catches UnsafeOutput from here)


@dataclass
class BuildResult:
    report: Report
    out: Path
    counts: dict = field(default_factory=dict)  # dataset → {visibility: n}
    files: int = 0
    timings: dict = field(default_factory=dict)  # phase → seconds (wall), for benchmarks
    explain: list = field(default_factory=list)  # (stage, reused|rebuilt, why): what the cache did
    started: float = 0.0  # the first phase's start on the monotonic clock (benchmarks/tree_rss.py)


def build(root: Path, out: Path | None = None, as_of: date | None = None, *,
          search_index: bool = True, jobs: int | None = None,
          max_per_code: int | None = DEFAULT_MAX_PER_CODE, release: ReleaseInputs | None = None,
          today: date | None = None, cache: Path | None = None) -> BuildResult:
    """Build the site at ``root`` for the day ``as_of`` into ``out`` (default ``root/public``).

    Raises BuildFailed (with the full report) when the inputs have errors; ``out`` is then left
    as it was.  ``max_per_code``: problems kept per file and code (all are counted; see Report).
    ``release``: the revision, previous release and signing key of ``release.json`` (release.py).
    ``today``: the real date, after which no event date can be (E-DATE-FUTURE; None: unchecked).
    ``cache``: a folder where the record pages and the search indexes are kept for the next
    build (cache.py, outputs/reuse.py): the output is byte-identical with or without it."""
    if as_of is None:
        raise ValueError("as_of is required: only the CLI reads the clock (P2.4)")
    root = Path(root)
    out = Path(out) if out else root / "public"
    output = check_output_dir(root, out)  # UnsafeOutput (exit 2) before anything is touched
    store = open_cache(cache, out, root)  # UnsafeCache (exit 2), likewise
    report = Report(max_per_code)
    clock = _Clock()
    gc.disable()  # the records hold no reference cycles; collecting while loading 100k is waste
    try:
        site = load(root, as_of, report, out=out, today=today, jobs=jobs or os.cpu_count() or 1, store=store).site
        # The site model lives until ``del site`` below and is freed by reference counts: left to
        # the collector, its first collection once enabled would walk the millions of objects
        # the load made, and so would every collection of the oldest generation while rendering
        # (about 1 s each at 100,000 records, benchmarks/README.md): frozen before it runs again
        if site is not None:
            gc.freeze()
    finally:
        gc.enable()
    if site is None:
        raise BuildFailed(report)
    clock.lap("read+validate+redact+expire+assemble")
    try:
        staging = output.stage()  # UnsafeOutput: discard() has nothing to remove; the site is unfrozen
        try:  # the site's own templates/ over the theme's, file by file
            digests: dict = {}  # site path → SHA-256 of what the writers wrote, for release.json
            facts = Described() if search_index else None  # what the search index reads of each page
            files = render_site(site, staging, root / "templates", jobs or os.cpu_count() or 1, digests, store, facts)
        except TemplateError as exc:  # a site's own template is input too: report, don't crash
            report.add(_template_problem(exc, root))
            raise BuildFailed(report) from None
        if changed := write_assets(root, site.assets, staging):  # content/: checked files only
            report.extend(changed)
            raise BuildFailed(report)
        clock.lap("render+write")
        config, counts = site.config, site.counts
        del site  # free the site model before Pagefind runs beside this process: the build's peak
        gc.unfreeze()
        gc.collect()  # what rendering left in cycles (Jinja's); never the site (tests/test_build.py)
        if search_index:
            if error := search_indexes(staging, config, store, jobs or os.cpu_count() or 1, digests, facts):
                report.add(diag("E-SEARCH-INDEX", "public", detail=error))
                raise BuildFailed(report)
            store.prune()
        clock.lap("index")
        # last: what describes every other file, the search indexes included (release.py)
        write_release(staging, site=config.base_url, as_of=as_of, counts=counts, inputs=release or ReleaseInputs(),
                      known=digests)
        clock.lap("release")
        output.commit()  # the old tree is deleted in the background, not in the build's time
        clock.lap("swap")
    except OSError as exc:  # a full disk, a file system that refuses: the old output is untouched
        output.discard()
        report.add(diag("E-OUTPUT", out.as_posix(), detail=f"{exc.strerror or exc}（{exc.filename or ''}）"))
        raise BuildFailed(report) from None
    except BaseException:
        output.discard()
        raise
    finally:
        gc.unfreeze()  # a failed build's objects are collected as any (gongshi serve builds again)
    return BuildResult(report, out, counts, files, clock.laps, store.events, started=clock.started)


def search_indexes(staging: Path, config, store: Cache, jobs: int, digests: dict | None = None,
                   facts: Described | None = None) -> str | None:
    """The lookup index, built meanwhile in another process, and the full-text index; None, or
    the error text of the first that failed.  ``digests``: receives the SHA-256 of the index
    files the cache stored or restored, by site path (for release.json).  ``facts``: what the
    full-text index reads of the pages the writers described (``pagefind_pages``)."""
    lookup = LookupBuild(staging, config, store, jobs, known=digests)
    try:
        return build_index(staging, store, jobs, planned=lookup.result, digests=digests,
                           known=facts.known() if facts else None)
    finally:
        lookup.cancel()  # when the full-text index failed before it asked: the lookup is not wanted


class LookupBuild:
    """The lookup index: restored from the cache when what it reads of the JSON exports (their
    ``records``), its specification and its code are those of the cached build; else built in a
    forked process (``meanwhile.py``) while the search index is planned — two CPU-bound pieces of
    Python, one core each — from the rows of the datasets whose exports did not change
    (``KeptRows``) and the others read again, and stored in the cache once built.  ``result()``:
    None, or the error.  ``known``: receives the SHA-256 of its files, by site path, as the cache
    restored or stored them (for release.json; nothing rewrites them after)."""

    def __init__(self, staging: Path, config, store: Cache, jobs: int, known: dict | None = None):
        specs = lookup_specs(config)
        code = hashlib.sha256(Path(build_lookup.__code__.co_filename).read_bytes()).hexdigest()
        digests = [hashlib.sha256(records_part(staging / s.export.lstrip("/"))).hexdigest() for s in specs]
        self._key = key("lookup", code, repr(specs), config.base_url, *digests)
        self._staging, self._store, self._work, self._kept = staging, store, None, None
        # the digests of its files as the cache restores or stores them: nothing rewrites them
        self._known, self._got = known, {}
        if store.restore(LOOKUP_DIR, self._key, staging / LOOKUP_DIR, digests=self._got):
            self._hand_over()
        else:
            self._kept = KeptRows(store, code, specs, config.base_url, digests) if store.root is not None else None
            self._work = Meanwhile(lookup_index, staging, specs, config.base_url, self._kept, fork=jobs > 1)

    def result(self) -> str | None:
        work, self._work = self._work, None
        if work is None:
            return None
        error, refused = work.result()
        if self._kept is not None:
            self._kept.note(refused)
        if error:
            return error
        self._store.store(LOOKUP_DIR, self._key, self._staging / LOOKUP_DIR, self._got)
        self._hand_over()
        return None

    def _hand_over(self) -> None:
        if self._known is not None:
            self._known.update((f"{LOOKUP_DIR}/{rel}", d) for rel, d in self._got.items())

    def cancel(self) -> None:
        if self._work is not None:
            self._work.cancel()
            self._work = None


def records_part(export: Path) -> bytes:
    """A JSON export's ``records`` (what the lookup reads): its head holds the as-of date, and its
    ``withdrawn`` records the day a record deleted without withdrawal is taken down (the as-of
    date until the ledger records it), either of which would make every day's key new.  The
    whole file if the layout is not the one ``outputs/exports.py`` writes (a key that changes too
    often only costs time)."""
    data = export.read_bytes() if export.is_file() else b""
    at = data.find(b'\n "records": [\n')
    if at < 0:
        return data
    end = data.find(b'\n ],\n "withdrawn": [\n', at)  # a record is one line: no line of one starts so
    return data[at:end] if end >= 0 else data[at:]


def lookup_specs(config) -> list[LookupSpec]:
    """The published datasets with record pages or something to look up, in configuration order:
    the lookup index finds those whose ``search:`` names ``names`` or ``identifiers``, read from
    their JSON exports."""
    specs = (LookupSpec.of(ds, routes.export(ds, "json"), config.page_size) for ds in config.datasets
             if not ds.internal)
    return [s for s in specs if s.dataset.record_pages or s.looked_up]


def check_output_dir(root: Path, out: Path):
    """``out`` if the build may replace it (absent, empty, or marked by an earlier build), with
    what earlier builds left beside it put right; else UnsafeOutput (stages/output_dir.py)."""
    return prepare_output(root, out)


def _template_problem(exc: TemplateError, root: Path):
    where = Path(getattr(exc, "filename", None) or "templates")
    if where.is_absolute() and where.is_relative_to(root.resolve()):
        where = where.relative_to(root.resolve())
    return diag("E-TEMPLATE", where.as_posix(), getattr(exc, "lineno", 0) or 0, detail=f"{type(exc).__name__}: {exc}")


class _Clock:
    """Wall time per phase, for benchmarks only: it never reaches the output."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        # perf_counter is CLOCK_MONOTONIC on Linux, one clock for every process: a sampler of the
        # processes' memory can place its samples in the phases (benchmarks/tree_rss.py)
        self.started = self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now
