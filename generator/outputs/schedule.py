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

    def run(self, bounds: tuple[int, int]) -> int:
        for output in self.outputs[bounds[0]:bounds[1]]:
            self.writer.write(output.url, output.kind.render(self.renderer, output))
        return bounds[1] - bounds[0]


_job: Job | None = None  # in a forked worker only: the job it inherited (see _adopt)


def _adopt(job: Job) -> None:
    global _job
    _job = job  # a forked worker inherits ``job`` in its memory: nothing is pickled


def _run(bounds: tuple[int, int]) -> int:
    return _job.run(bounds)


def render_site(site: Site, staging: Path, templates: Path | None, jobs: int) -> int:
    """Write every output of ``site`` into ``staging``, and the static files of the theme and of
    the site's ``templates``; returns how many outputs."""
    by_phase = plan(site)
    heavy, rest = by_phase[Phase.HEAVY], by_phase[Phase.PAGES]
    job = Job(site, heavy + rest, templates, staging)
    job.renderer.preload()  # before any fork: a template's syntax error is raised in this process
    chunks = [(i, i + 1) for i in range(len(heavy))]
    chunks += [(i, min(i + CHUNK, len(job.outputs))) for i in range(len(heavy), len(job.outputs), CHUNK)]
    if jobs <= 1 or len(job.outputs) < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        written = sum(map(job.run, chunks))
    else:
        gc.freeze()  # keep the site model's pages shared between the forked workers
        try:
            with multiprocessing.get_context("fork").Pool(jobs, initializer=_adopt, initargs=(job,)) as pool:
                written = sum(pool.imap_unordered(_run, chunks))
        finally:
            gc.unfreeze()
    # what describes the downloads, with their sizes and hashes
    urls = [f.url for view in site.datasets.values() for f in downloads(site, view)]
    site = replace(site, downloads=file_infos(staging, urls))
    last = Job(site, by_phase[Phase.MANIFEST], templates, staging)
    written += last.run((0, len(last.outputs)))
    # CSS and scripts; the theme's root/ holds what browsers ask for at the root (/favicon.ico)
    copy_static([(THEME / "static", routes.ASSETS), (THEME / "root", ".")] +
                ([(templates / "static", routes.ASSETS), (templates / "root", ".")] if templates else []), staging)
    return written
