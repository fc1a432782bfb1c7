"""meanwhile.py: a function run in a forked process while the caller goes on — the same result
as run in place, its exception raised in the caller, and run in place when the process is lost
or no fork was asked for; and the build's lookup index, built that way beside the search index's
plan, gives the same bytes as built one after the other (P2.4)."""

from __future__ import annotations

import os

import pytest

from conftest import GOLDEN_AS_OF, tree
from generator import pipeline
from generator.diagnostics import BuildFailed
from generator.meanwhile import Meanwhile, can_fork

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
