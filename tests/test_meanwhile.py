"""meanwhile.py: a function run in a forked process while the caller goes on — the same result
as run in place, its exception raised in the caller, and run in place when the process is lost
or no fork was asked for; and the build's lookup index, built that way beside the search index's
plan, gives the same bytes as built one after the other (P2.4).  ``in_turn``: many such pieces, a
few processes at once, in order to the first failure."""

from __future__ import annotations

import os
import time

import pytest

from conftest import GOLDEN_AS_OF, tree
from generator import pipeline
from generator.diagnostics import BuildFailed
from generator.meanwhile import Meanwhile, can_fork, in_turn

needs_fork = pytest.mark.skipif(not can_fork(), reason="no fork on this platform: run in place")


def _pid_and(x):
    return os.getpid(), x * 2


def _fails(x):
    raise ValueError(f"bad {x}")


def _dies(x):
    os._exit(3)  # a process that dies without an answer (as when killed for memory)


@needs_fork
def test_the_work_runs_in_another_process_and_its_result_comes_back():
    work = Meanwhile(_pid_and, 21)
    assert work.forked
    pid, value = work.result()
    assert value == 42 and pid != os.getpid()


def test_without_fork_the_work_runs_here_when_asked():
    work = Meanwhile(_pid_and, 21, fork=False)
    assert not work.forked and work.result() == (os.getpid(), 42)


@needs_fork
def test_what_the_work_raised_is_raised_in_the_caller():
    with pytest.raises(ValueError, match="bad 7"):
        Meanwhile(_fails, 7).result()


@needs_fork
def test_a_lost_process_only_costs_time_the_work_is_done_here():
    work = Meanwhile(_dies, 1)
    work._fn = _pid_and  # what runs in place when the process died without an answer
    assert work.result() == (os.getpid(), 2)


def _noted(log, n, result, pause=0.05):
    """A piece of work that notes when it ran, and where."""
    began = time.monotonic()
    time.sleep(pause)
    with open(log, "a") as fh:
        fh.write(f"{n} {os.getpid()} {began} {time.monotonic()}\n")
    return result


def _runs(log):
    return {int(n): (int(pid), float(a), float(b)) for n, pid, a, b in (line.split() for line in open(log))}


@needs_fork
def test_pieces_in_turn_run_in_forked_processes_jobs_at_once_results_in_order(tmp_path):
    log = tmp_path / "runs"
    assert in_turn(lambda n: _noted(log, n, n * 10), 6, 2, failed=lambda r: False) == [0, 10, 20, 30, 40, 50]
    runs = _runs(log)
    assert sorted(runs) == list(range(6)) and os.getpid() not in {pid for pid, _a, _b in runs.values()}
    assert len({pid for pid, _a, _b in runs.values()}) == 6  # a process of its own each
    for _pid, began, _end in runs.values():  # never more than two at once
        assert sum(a <= began < b for _p, a, b in runs.values()) <= 2


@needs_fork
def test_after_a_failure_no_piece_is_started_and_the_running_ones_end(tmp_path):
    log = tmp_path / "runs"
    pause = {0: 0.6, 1: 0.05}  # 1 fails while 0 still runs
    made = in_turn(lambda n: _noted(log, n, "失败" if n == 1 else n, pause.get(n, 0.05)), 8, 2,
                   failed=lambda r: r == "失败")
    assert made == [0, "失败"]
    runs = _runs(log)
    assert sorted(runs) == [0, 1]  # 0 ran to its end; nothing was started after 1 failed


@needs_fork
def test_what_a_piece_raised_is_raised_in_turn_and_a_lost_one_is_done_here(tmp_path):
    def work(n):
        if n == 2:
            raise ValueError(f"bad {n}")
        if n == 1 and os.getpid() != here:
            os._exit(3)  # lost without an answer, as when killed for memory
        return n, os.getpid()

    here = os.getpid()
    with pytest.raises(ValueError, match="bad 2"):
        in_turn(work, 4, 2, failed=lambda r: False)
    made = in_turn(work, 2, 2, failed=lambda r: False)
    assert made[0][1] != here and made[1] == (1, here)


def test_with_one_job_the_pieces_run_here_one_after_the_other(tmp_path):
    assert in_turn(lambda n: (n, os.getpid()), 3, 1, failed=lambda r: False) == [(n, os.getpid()) for n in range(3)]
    assert in_turn(lambda n: n, 5, 1, failed=lambda r: r == 1) == [0, 1]


@needs_fork
def test_the_lookup_built_meanwhile_is_the_lookup_built_in_turn(site, tmp_path, monkeypatch):
    forked, inline = [], []
    real = pipeline.LookupBuild.__init__

    def spy(self, staging, config, store, jobs, **kw):
        real(self, staging, config, store, jobs, **kw)
        (forked if self._work is not None and self._work.forked else inline).append(jobs)

    monkeypatch.setattr(pipeline.LookupBuild, "__init__", spy)
    pipeline.build(site, tmp_path / "two", GOLDEN_AS_OF, search_index=True, jobs=2)
    pipeline.build(site, tmp_path / "one", GOLDEN_AS_OF, search_index=True, jobs=1)
    assert forked == [2] and inline == [1]
    a, b = tree(tmp_path / "two"), tree(tmp_path / "one")
    assert any(name.startswith("lookup/") for name in a) and a == b


@needs_fork
def test_a_lookup_that_fails_in_its_process_fails_the_build_and_the_output_stays(site, tmp_path, monkeypatch):
    out = tmp_path / "out"
    pipeline.build(site, out, GOLDEN_AS_OF, search_index=True, jobs=2)
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    monkeypatch.setattr(pipeline, "lookup_index", lambda *a: ("查询索引：测试中的失败", ()))
    with pytest.raises(BuildFailed) as failed:
        pipeline.build(site, out, GOLDEN_AS_OF, search_index=True, jobs=2)
    errors = failed.value.report.errors
    assert [d.code for d in errors] == ["E-SEARCH-INDEX"] and "测试中的失败" in errors[0].format()
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
