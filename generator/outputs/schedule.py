"""Render and write every output of the site, phase by phase (``kinds.Phase``): the heavy
outputs and the pages in forked workers, then, once the downloads are written, what describes
them; then the theme's static files.  Workers write what they render straight into the staging
directory."""

from __future__ import annotations

import gc
import multiprocessing
from dataclasses import replace
from pathlib import Path

from ..site import Site
from ..stages.write import Writer, copy_static, file_infos
from . import routes
from .html import THEME, Renderer
from .kinds import Output, Phase, downloads, plan

PARALLEL_THRESHOLD = 3000  # outputs; below this, forking workers costs more than it saves
CHUNK = 1000               # pages per task


class Job:
    """What a worker renders: slices of one list of outputs, into one directory."""

    def __init__(self, site: Site, outputs: tuple[Output, ...], templates: Path | None, staging: Path):
        self.outputs = outputs
        self.renderer = Renderer(site, templates, downloads)
        self.writer = Writer(staging)

    def run(self, bounds: tuple[int, int]) -> tuple[int, dict]:
        """(outputs written, their SHA-256 by site path: handed back for release.json)."""
        for output in self.outputs[bounds[0]:bounds[1]]:
            self.writer.write(output.url, output.kind.render(self.renderer, output))
        return bounds[1] - bounds[0], self.writer.take_digests()


_job: Job | None = None  # in a forked worker only: the job it inherited (see _adopt)


def _adopt(job: Job) -> None:
    global _job
    _job = job  # a forked worker inherits ``job`` in its memory: nothing is pickled


def _run(bounds: tuple[int, int]) -> tuple[int, dict]:
    return _job.run(bounds)


def _tally(results, digests: dict) -> int:
    n = 0
    for count, written in results:
        n += count
        digests.update(written)
    return n


def render_site(site: Site, staging: Path, templates: Path | None, jobs: int, digests: dict | None = None) -> int:
    """Write every output of ``site`` into ``staging``, and the static files of the theme and of
    the site's ``templates``; returns how many outputs.  ``digests`` receives the SHA-256 of each
    output as it was written (not of the static files, which release.py reads)."""
    digests = {} if digests is None else digests
    by_phase = plan(site)
    heavy, rest = by_phase[Phase.HEAVY], by_phase[Phase.PAGES]
    job = Job(site, heavy + rest, templates, staging)
    job.renderer.preload()  # before any fork: a template's syntax error is raised in this process
    chunks = [(i, i + 1) for i in range(len(heavy))]
    chunks += [(i, min(i + CHUNK, len(job.outputs))) for i in range(len(heavy), len(job.outputs), CHUNK)]
    if jobs <= 1 or len(job.outputs) < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        written = _tally(map(job.run, chunks), digests)
    else:
        gc.freeze()  # keep the site model's pages shared between the forked workers
        try:
            with multiprocessing.get_context("fork").Pool(jobs, initializer=_adopt, initargs=(job,)) as pool:
                written = _tally(pool.imap_unordered(_run, chunks), digests)
        finally:
            gc.unfreeze()
    # what describes the downloads, with their sizes and hashes
    urls = [f.url for view in site.datasets.values() for f in downloads(site, view)]
    site = replace(site, downloads=file_infos(staging, urls))
    last = Job(site, by_phase[Phase.MANIFEST], templates, staging)
    written += _tally([last.run((0, len(last.outputs)))], digests)
    # CSS and scripts; the theme's root/ holds what browsers ask for at the root (/favicon.ico)
    static = [(THEME / "static", routes.ASSETS), (THEME / "root", ".")] + \
        ([(templates / "static", routes.ASSETS), (templates / "root", ".")] if templates else [])
    copy_static(static, staging)
    for source, target in static:  # a file copied over an output: its digest is read again
        if source.is_dir():
            for f in source.rglob("*"):
                digests.pop(Path(target, f.relative_to(source)).as_posix(), None)
    return written
