"""Render and write every output of the site, phase by phase (``kinds.Phase``): the heavy
outputs and the pages in forked workers, then, once the downloads are written, what describes
them; then the theme's static files.  Workers write what they render straight into the staging
directory."""

from __future__ import annotations

import gc
import multiprocessing
import signal
from dataclasses import replace
from pathlib import Path

from ..cache import Cache
from ..pagefind_pages import Described
from ..site import Site
from ..stages.write import Writer, copy_static, file_infos
from . import routes
from .html import THEME, Renderer
from .kinds import SHARED_ROWS, Output, Phase, downloads, plan
from .reuse import Group, PageReuse, code_digest, explain
from .reuse_archives import ArchiveReuse, explain as explain_archives
from .reuse_exports import ExportReuse
from .reuse_sheets import SheetReuse

PARALLEL_THRESHOLD = 3000  # outputs; below this, forking workers costs more than it saves
CHUNK = 1000               # pages per task


class Job:
    """What a worker renders: slices of one list of outputs, into one directory; a slice is a
    (start, end) pair, or a ``reuse.Group`` of record pages that may come from the cache."""

    def __init__(self, site: Site, outputs: tuple[Output, ...], templates: Path | None, staging: Path,
                 reuse: PageReuse | None = None, archives: ArchiveReuse | None = None, describe: bool = False):
        self.outputs = outputs
        self.renderer = Renderer(site, templates, downloads)
        self.writer = Writer(staging, describe)
        self.reuse, self.archives = reuse, archives

    def run(self, task: tuple[int, int] | Group) -> tuple[int, dict, dict, list]:
        """(outputs written, their SHA-256 by site path: handed back for release.json, the
        pages' facts for the search index, what became of what the cache could give)."""
        if isinstance(task, Group):
            outcome = self.reuse.write(task, self.outputs[task.start:task.end], self.writer, self.renderer)
            return task.end - task.start, self.writer.take_digests(), self.writer.take_facts(), [outcome]
        done = []
        for output in self.outputs[task[0]:task[1]]:
            if self.archives is not None and self.archives.takes(output):
                done.append(self.archives.write(output, self.writer, self.renderer))
            else:
                self.writer.write(output.url, output.kind.render(self.renderer, output))
        kept = [r.take() for r in (self.renderer.sheets, self.renderer.export_rows) if r is not None]
        return (task[1] - task[0], self.writer.take_digests(), self.writer.take_facts(),
                done + [o for taken in kept for o in taken])


_job: Job | None = None  # in a forked worker only: the job it inherited (see _adopt)


def _adopt(job: Job) -> None:
    global _job
    _job = job  # a forked worker inherits ``job`` in its memory: nothing is pickled
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the build's to handle: it ends the pool


def _run(task) -> tuple[int, dict, dict, list]:
    return _job.run(task)


def _tally(results, digests: dict, facts: Described, outcomes: list | None = None) -> int:
    n = 0
    for count, written, described, done in results:
        n += count
        digests.update(written)
        facts.update(described)
        if outcomes is not None:
            outcomes += done
    return n


def _together(heavy: tuple[Output, ...]) -> tuple[tuple[Output, ...], list[tuple[int, int]]]:
    """``heavy`` with each dataset's outputs of ``SHARED_ROWS`` kinds first and side by side, and
    a task (start, end) for each such dataset's; the other outputs follow, in their order."""
    shared: dict[str, list[Output]] = {}
    others = []
    for o in heavy:
        (shared.setdefault(o.args[0], []) if o.kind.name in SHARED_ROWS else others).append(o)
    ordered, tasks = [], []
    for group in shared.values():
        tasks.append((len(ordered), len(ordered) + len(group)))
        ordered += group
    return tuple(ordered + others), tasks


def render_site(site: Site, staging: Path, templates: Path | None, jobs: int, digests: dict | None = None,
                store: Cache | None = None, facts: Described | None = None) -> int:
    """Write every output of ``site`` into ``staging``, and the static files of the theme and of
    the site's ``templates``; returns how many outputs.  ``digests`` receives the SHA-256 of each
    output as it was written (not of the static files, which release.py reads).  ``store``: the
    build cache, from which record pages, the downloads' rows and feed archives are reused
    (``reuse.py``, ``reuse_exports.py``, ``reuse_sheets.py``, ``reuse_archives.py``; what it did:
    ``store.events``).  ``facts``: receives what the search index reads of each page written
    (``pagefind_pages``), by site path; None: not kept (a build without a search index)."""
    digests = {} if digests is None else digests
    describe, facts = facts is not None, Described() if facts is None else facts
    by_phase = plan(site)
    heavy, rest = by_phase[Phase.HEAVY], by_phase[Phase.PAGES]
    reuse, sheets, rows, archives, groups = None, None, None, None, []
    if store is not None:
        code = code_digest() if store.root is not None else b""
        reuse = PageReuse(site, templates, downloads, store, code)
        if not reuse.off:
            rest, grouped, groups = reuse.arrange(rest)
            rest += grouped
        if store.root is not None:
            sheets, rows, archives = SheetReuse(store, code), ExportReuse(store, code), ArchiveReuse(site, store, code)
            for view in site.datasets.values():  # once, here: every worker's keys read them
                view.fingerprints
    chunks: list = []
    if rows is not None:  # a dataset's downloads that read its rows' slots: one task (kinds.SHARED_ROWS)
        heavy, chunks = _together(heavy)
    chunks += [(i, i + 1) for i in range(len(chunks) and chunks[-1][1], len(heavy))]
    job = Job(site, heavy + rest, templates, staging, reuse, archives, describe)
    job.renderer.sheets, job.renderer.export_rows = sheets, rows
    job.renderer.preload()  # before any fork: a template's syntax error is raised in this process
    at = len(heavy) + len(rest) - (groups[-1].end if groups else 0)  # where the grouped pages start
    chunks += [replace(g, start=at + g.start, end=at + g.end) for g in groups]
    chunks += [(i, min(i + CHUNK, at)) for i in range(len(heavy), at, CHUNK)]
    outcomes: list = []
    if jobs <= 1 or len(job.outputs) < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        written = _tally(map(job.run, chunks), digests, facts, outcomes)
    else:
        frozen = gc.get_freeze_count()  # the caller's (pipeline.py): it unfreezes them itself
        gc.freeze()  # keep the site model's pages shared between the forked workers
        try:
            with multiprocessing.get_context("fork").Pool(jobs, initializer=_adopt, initargs=(job,)) as pool:
                written = _tally(pool.imap_unordered(_run, chunks), digests, facts, outcomes)
        finally:
            if not frozen:
                gc.unfreeze()
    if reuse is not None:
        explain(outcomes, reuse, store)
        if not reuse.off:
            reuse.keep_only(groups)
    if archives is not None:
        explain_archives(outcomes, archives, store)
        archives.keep_only()
    # what describes the downloads, with their sizes and hashes
    urls = [f.url for view in site.datasets.values() for f in downloads(site, view)]
    site = replace(site, downloads=file_infos(staging, urls))
    last = Job(site, by_phase[Phase.MANIFEST], templates, staging, describe=describe)
    written += _tally([last.run((0, len(last.outputs)))], digests, facts)
    # CSS and scripts; the theme's root/ holds what browsers ask for at the root (/favicon.ico)
    static = [(THEME / "static", routes.ASSETS), (THEME / "root", ".")] + \
        ([(templates / "static", routes.ASSETS), (templates / "root", ".")] if templates else [])
    copy_static(static, staging)
    for source, target in static:  # a file copied over an output: its digest and facts are read again
        if source.is_dir():
            for f in source.rglob("*"):
                digests.pop(rel := Path(target, f.relative_to(source)).as_posix(), None)
                facts.forget(rel)
    return written
