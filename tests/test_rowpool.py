"""rowpool.py: a large table's rows checked in forked processes give, row for row, what they
give checked here — in order, whatever the number of processes; an answer made from other rows
(a file saved again during the build), a helper that fails or dies only cost time; and a build
or a check whose rows were shared among processes has the same output bytes and the same
problems (P2.4: the build is a pure function of its inputs)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import GOLDEN_AS_OF, GOLDEN_SITE, read_rows, tree, write_rows
from generator import rowpool
from generator.diagnostics import BuildFailed, Report
from generator.load import load
from generator.meanwhile import Meanwhile, can_fork
from generator.pipeline import build

needs_fork = pytest.mark.skipif(not can_fork(), reason="no fork on this platform: every row is checked here")


@pytest.fixture
def small_chunks(monkeypatch):
    """Processes start after 3 rows, and chunks hold 2: the fixtures' tables are cut many times."""
    monkeypatch.setattr(rowpool, "FIRST", 3)
    monkeypatch.setattr(rowpool, "CHUNK", 2)


def _rows(n, offset=0):
    return [(line, (f"a{line + offset}", f"b{line}")) for line in range(2, n + 2)]


def _check(line, cells):
    return os.getpid(), line, cells[0] + "|" + cells[1]


def _answers(results):
    return [(row, answer[1:]) for row, answer in results]


@needs_fork
@pytest.mark.parametrize("jobs", [2, 3])
def test_rows_come_back_in_order_with_the_answers_checked_here(small_chunks, jobs):
    rows = _rows(25)
    shared = list(rowpool.checked_rows(_check, rows, jobs, lambda: iter(_rows(25))))
    alone = list(rowpool.checked_rows(_check, rows, 1, lambda: iter(_rows(25))))
    assert _answers(shared) == _answers(alone) == [(row, (row[0], "|".join(row[1]))) for row in rows]
    pids = {answer[0] for _, answer in shared}
    assert len(pids) == jobs  # the work was shared: this process and jobs - 1 helpers
    assert {answer[0] for _, answer in alone} == {os.getpid()}


def test_a_small_table_or_one_job_is_checked_here(small_chunks):
    for rows, jobs in ((_rows(3), 2), (_rows(25), 1)):
        results = list(rowpool.checked_rows(_check, rows, jobs, lambda: iter(rows)))
        assert {answer[0] for _, answer in results} == {os.getpid()}
        assert [row for row, _ in results] == rows


def test_without_a_way_to_read_the_rows_again_they_are_checked_here(small_chunks):
    results = list(rowpool.checked_rows(_check, _rows(25), 2, None))
    assert {answer[0] for _, answer in results} == {os.getpid()}


@needs_fork
def test_answers_made_from_other_rows_are_not_used(small_chunks):
    """The helper reads a file saved again meanwhile: its rows differ, so their answers would be
    another record's — each such chunk is checked here."""
    rows = _rows(25)
    results = list(rowpool.checked_rows(_check, rows, 2, lambda: iter(_rows(25, offset=1))))
    assert _answers(results) == [(row, (row[0], "|".join(row[1]))) for row in rows]
    assert {answer[0] for _, answer in results} == {os.getpid()}


def _dies_in_helper(parent):
    def check(line, cells):
        if os.getpid() != parent:
            os._exit(3)  # killed for memory, say
        return _check(line, cells)
    return check


def _fails_in_helper(parent):
    def check(line, cells):
        if os.getpid() != parent and line > 8:
            raise RuntimeError("a bug in a check")
        return _check(line, cells)
    return check


@needs_fork
@pytest.mark.parametrize("make", [_dies_in_helper, _fails_in_helper])
def test_a_helper_lost_or_failing_only_costs_time(small_chunks, make):
    rows = _rows(25)
    results = list(rowpool.checked_rows(make(os.getpid()), rows, 2, lambda: iter(_rows(25))))
    assert _answers(results) == [(row, (row[0], "|".join(row[1]))) for row in rows]


@needs_fork
def test_a_helper_that_cannot_read_the_rows_prints_nothing(small_chunks, capfd):
    """A file gone while the build runs: the helper stops without a word (a traceback on the
    build's stderr could quote a cell), and the rows are checked here."""
    def gone():
        raise FileNotFoundError("data/penalties.csv")
    rows = _rows(25)
    results = list(rowpool.checked_rows(_check, rows, 2, gone))
    assert _answers(results) == [(row, (row[0], "|".join(row[1]))) for row in rows]
    assert capfd.readouterr().err == ""


@needs_fork
def test_a_check_that_fails_fails_here_too(small_chunks):
    def check(line, cells):
        if line == 20:
            raise ValueError("row 20")
        return _check(line, cells)
    with pytest.raises(ValueError, match="row 20"):
        list(rowpool.checked_rows(check, _rows(25), 2, lambda: iter(_rows(25))))


def test_within_a_daemon_process_every_row_is_checked_here(small_chunks):
    """``check --since`` loads a revision in a daemon process, which may not start others."""
    def work():
        rows = _rows(25)
        return {answer[0] for _, answer in rowpool.checked_rows(_check, rows, 2, lambda: iter(rows))}, os.getpid()
    pids, where = Meanwhile(work).result()
    assert pids == {where}


# ---------------------------------------------------------------- the build and the load

def _many_penalties(site: Path, copies: int = 4, problems: bool = True) -> None:
    """The golden site's penalties, each row again under other numbers, and problems scattered
    through the chunks: a number repeated far from its first row, personal data in a public
    cell, a bad date, a control character, a short row."""
    path = site / "data" / "penalties.csv"
    header, rows = read_rows(path)
    out = []
    for copy in range(copies):
        for row in rows:
            row = dict(row)
            row["行政处罚决定书文号"] = row["行政处罚决定书文号"].replace("号", f"{copy}1号") if copy else row["行政处罚决定书文号"]
            out.append(row)
    write_rows(path, header, out)
    if not problems:
        return
    out[-3]["行政处罚决定书文号"] = out[1]["行政处罚决定书文号"]        # E-DUPLICATE, rows apart
    out[-3]["处罚机关"] = out[1]["处罚机关"]
    out[17]["违法事实"] = "当事人身份证号 640102198001011232 未整改"    # E-PERSONAL-DATA
    out[23]["处罚决定日期"] = "2024-13-40"                              # E-DATE
    out[30]["案件名称"] = "拖欠工资\x1b案"                              # E-CONTROL-CHAR
    write_rows(path, header, out)
    with path.open("a", encoding="utf-8", newline="") as fh:
        fh.write("短行,只有三列,\r\n")                                     # E-ROW-LENGTH


@pytest.fixture
def shared_tables(monkeypatch):
    """The tables whose rows were shared among processes (so that a test knows they were)."""
    seen = []
    real = rowpool._shared

    def spy(check, pieces, shares, again, *rest):
        seen.append(check.path)
        return real(check, pieces, shares, again, *rest)
    monkeypatch.setattr(rowpool, "_shared", spy)
    return seen


def _loaded(site: Path, jobs: int):
    report = Report(None)
    loaded = load(site, GOLDEN_AS_OF, report, full_records=True, jobs=jobs)
    return [repr(d) for d in report.items], {name: t.records for name, t in loaded.tables.items()}


@needs_fork
def test_the_same_problems_and_records_whatever_the_processes(small_chunks, shared_tables, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(GOLDEN_SITE, site, ignore=shutil.ignore_patterns("public"))
    _many_penalties(site)
    problems, records = _loaded(site, 1)
    codes = {p.split("'")[1] for p in problems}
    assert {"E-DUPLICATE", "E-PERSONAL-DATA", "E-DATE", "E-CONTROL-CHAR", "E-ROW-LENGTH"} <= codes
    assert len(records["penalties"]) > 30
    assert not shared_tables
    for jobs in (2, 3):
        assert _loaded(site, jobs) == (problems, records)
    assert shared_tables.count("data/penalties.csv") == 2


@needs_fork
def test_a_build_with_rows_shared_among_processes_has_the_same_bytes_or_problems(small_chunks, shared_tables,
                                                                                 tmp_path):
    site = tmp_path / "site"
    shutil.copytree(GOLDEN_SITE, site, ignore=shutil.ignore_patterns("public"))
    _many_penalties(site, problems=False)
    one = build(site, tmp_path / "one", GOLDEN_AS_OF, search_index=False, jobs=1)
    two = build(site, tmp_path / "two", GOLDEN_AS_OF, search_index=False, jobs=2)
    assert one.counts == two.counts and sum(one.counts["penalties"].values()) == 44
    assert "data/penalties.csv" in shared_tables
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    assert [repr(d) for d in one.report.items] == [repr(d) for d in two.report.items]

    _many_penalties(site)  # and a site that fails: the same report, the output untouched
    failed = []
    for jobs in (1, 2):
        with pytest.raises(BuildFailed) as exc:
            build(site, tmp_path / "two", GOLDEN_AS_OF, search_index=False, jobs=jobs)
        failed.append([repr(d) for d in exc.value.report.items])
    assert failed[0] == failed[1] and any("E-DUPLICATE" in d for d in failed[0])
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
