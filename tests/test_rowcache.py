"""rowcache.py: the rows' own checks kept, encrypted, for the next build (issue 15).  Whatever the
cache holds — nothing, the last build's chunks, a chunk changed, moved or tampered with — the
records and the problems are those of a load without it (P2.4), line numbers included; the real
date's check (E-DATE-FUTURE) and the calendar's provisional years (W-CALENDAR) hold as without
it; and an entry reads as noise without the rows it was made from (P3.1)."""

from __future__ import annotations

import hashlib
import pickle
import shutil
from datetime import date
from pathlib import Path

import pytest

from conftest import GOLDEN_AS_OF, GOLDEN_SITE, edit_row, read_rows, write_rows
from records import DEMO_AS_OF, copy_demo
from generator import rowpool
from generator.cache import Cache
from generator.diagnostics import Report
from generator.load import load
from generator.meanwhile import can_fork
from generator.rowcache import RowCache
from generator.rowpool import Chunk
from generator.stages.validate import Checked
from test_rowpool import _many_penalties

ROW = "行政处罚决定书文号"


@pytest.fixture
def small_chunks(monkeypatch):
    """Processes start after 3 rows, chunks hold about 2: the penalties fall into many chunks."""
    monkeypatch.setattr(rowpool, "FIRST", 3)
    monkeypatch.setattr(rowpool, "CHUNK", 2)


@pytest.fixture
def many(tmp_path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(GOLDEN_SITE, site, ignore=shutil.ignore_patterns("public"))
    _many_penalties(site)  # 44 penalties, some with problems (a duplicate, personal data, a bad date …)
    return site


def loaded(site: Path, cache: Path | None, jobs: int = 1, today: date | None = None):
    """(every problem, every dataset's validated records, what the row cache did)."""
    report, store = Report(None), Cache(cache) if cache else Cache(None)
    if cache:
        cache.mkdir(exist_ok=True)
    result = load(site, GOLDEN_AS_OF, report, full_records=True, jobs=jobs, today=today, store=store)
    rows = {stage: (action, why) for stage, action, why in store.events if stage.startswith("rows-")}
    return [repr(d) for d in report.items], {n: t.records for n, t in result.tables.items()}, rows


def counts(explained: tuple) -> tuple[int, int]:
    """(rows checked again, rows) from a rows- line of --explain: "12/44 行重新校验：…"."""
    action, why = explained
    if action == "reused":
        n = int(why.split(" ")[0])
        return 0, n
    checked, total = why.split(" ")[0].split("/")
    return int(checked), int(total)


@pytest.mark.parametrize("jobs", [1, pytest.param(2, marks=pytest.mark.skipif(not can_fork(), reason="no fork"))])
def test_a_warm_row_cache_gives_the_same_records_and_problems(many, tmp_path, small_chunks, jobs):
    expected = loaded(many, None, jobs)[:2]
    cache = tmp_path / "cache"
    cold = loaded(many, cache, jobs)
    assert cold[:2] == expected
    assert cold[2]["rows-penalties"][0] == "rebuilt"
    assert list((cache / "rows-penalties").iterdir())
    warm = loaded(many, cache, jobs)
    assert warm[:2] == expected
    # the chunks with a problem are never stored (their answers hold line numbers): checked again
    checked, total = counts(warm[2]["rows-penalties"])
    assert 0 < checked < total, warm[2]
    assert warm[2]["rows-staff"][0] == "reused"


@pytest.mark.parametrize("which", ["golden", "demo"])
def test_every_answer_of_the_shipped_sites_is_built_from_the_cache(tmp_path, which):
    """Each answer's types are on the unpickler's short list (rowcache._TYPES): a type missing
    from it would refuse every entry (--explain: 缓存项已损坏) and only cost time, unseen."""
    if which == "demo":
        site = copy_demo(tmp_path)
        as_of = DEMO_AS_OF
    else:
        site = tmp_path / "site"
        shutil.copytree(GOLDEN_SITE, site, ignore=shutil.ignore_patterns("public"))
        as_of = GOLDEN_AS_OF
    cache = tmp_path / "cache"
    cache.mkdir()
    runs = []
    for _ in range(2):
        store = Cache(cache)
        report = Report(None)
        load(site, as_of, report, full_records=True, store=store)
        runs.append(([repr(d) for d in report.items], {s: w for s, a, w in store.events if s.startswith("rows-")}))
    assert runs[0][0] == runs[1][0]
    assert len(runs[1][1]) >= 4 and not [w for w in runs[1][1].values() if "已损坏" in w], runs[1][1]
    assert [w for w in runs[1][1].values() if "输入未变" in w]


def test_a_changed_or_inserted_row_checks_one_chunk_again_and_lines_stay_right(many, tmp_path, small_chunks):
    cache = tmp_path / "cache"
    loaded(many, cache)
    path = many / "data/penalties.csv"
    header, rows = read_rows(path)
    rows.insert(0, dict(rows[5], **{ROW: "银人社监罚〔2024〕99号"}))  # every row below moves down a line
    write_rows(path, header, rows)
    warm = loaded(many, cache)
    assert warm[:2] == loaded(many, None)[:2]  # the problems' lines: those of a load without the cache
    checked, total = counts(warm[2]["rows-penalties"])
    assert checked < total // 2, warm[2]  # chunks are cut by content: most are found again


def test_a_date_after_today_is_reported_from_the_cache_too(tmp_path, small_chunks):
    site = tmp_path / "site"
    shutil.copytree(GOLDEN_SITE, site, ignore=shutil.ignore_patterns("public"))
    _many_penalties(site, problems=False)
    cache = tmp_path / "cache"
    later, earlier = date(2026, 12, 1), date(2024, 3, 1)  # the rows are decided in 2024 and 2025
    loaded(site, cache, today=later)
    warm = loaded(site, cache, today=earlier)
    assert warm[:2] == loaded(site, None, today=earlier)[:2]
    assert any("E-DATE-FUTURE" in p for p in warm[0])
    assert "晚于今天" in warm[2]["rows-penalties"][1]


def test_the_calendars_provisional_years_come_back_from_the_cache(site, tmp_path, small_chunks):
    """A deadline reaching into 2027, a year without a holiday notice: W-CALENDAR (C4)."""
    edit_row(site / "data/penalties.csv", {ROW: "银人社监罚〔2024〕15号"},
             处罚决定日期="2026-12-28", 保密审查日期="2026-12-29", 公示日期="2026-12-30")
    expected = loaded(site, None)[0]
    assert any("W-CALENDAR" in p and "2027" in p for p in expected)
    cache = tmp_path / "cache"
    loaded(site, cache)
    warm = loaded(site, cache)
    assert warm[2]["rows-penalties"][0] == "reused"
    assert warm[0] == expected


def test_an_entry_changed_even_with_its_digest_mended_is_refused(many, tmp_path, small_chunks):
    cache = tmp_path / "cache"
    loaded(many, cache)
    for entry in (cache / "rows-penalties").iterdir():  # one bit of the ciphertext; the outer SHA-256 redone
        blob = bytearray(entry.read_bytes()[:-32])
        blob[len(blob) // 2] ^= 1
        entry.write_bytes(bytes(blob) + hashlib.sha256(blob).digest())
    warm = loaded(many, cache)
    assert warm[:2] == loaded(many, None)[:2]
    assert "已损坏" in warm[2]["rows-penalties"][1]


def test_an_entry_under_another_chunks_name_is_refused(many, tmp_path, small_chunks):
    cache = tmp_path / "cache"
    loaded(many, cache)
    entries = sorted((cache / "rows-penalties").iterdir())
    assert len(entries) > 2
    first, second = entries[0], entries[1]  # the first's ciphertext stored as the second
    data = first.read_bytes()[64:-32]
    blob = second.name.encode() + data
    second.write_bytes(blob + hashlib.sha256(blob).digest())
    warm = loaded(many, cache)
    assert warm[:2] == loaded(many, None)[:2]


def test_an_entry_holds_nothing_readable_and_is_not_the_same_twice(tmp_path):
    """The private cells of a chunk: neither in the entry nor in its name; and an entry stored
    again (the same rows) has another nonce, so two caches cannot be compared byte for byte."""
    chunk = Chunk([(2, ("640102198001011232", "张建国")), (3, ("640102198001011233", "李娟"))])
    answers = [answer((c[1][0], date(2024, 3, 5))) for c in chunk]

    blobs = []
    for run in range(2):
        store = Cache(tmp_path / f"c{run}")
        store.root.mkdir()
        kept = RowCache(store, "staff", b"base", [1], None)
        name = kept.name(chunk)
        kept.put(name, chunk, [pickle.dumps(a) for a in answers], answers, frozenset({2027}))
        blob = (store.root / "rows-staff" / name).read_bytes()
        assert b"640102198001011232" not in blob and "张建国".encode() not in blob
        blobs.append(blob)
        again = RowCache(store, "staff", b"base", [1], None)
        assert again.get(name, chunk) == (answers, {2027})
        other = RowCache(store, "staff", b"another configuration", [1], None)
        assert other.name(chunk) != name
    assert blobs[0] != blobs[1]


def test_a_chunk_with_a_problem_is_not_stored(tmp_path):
    store = Cache(tmp_path / "c")
    store.root.mkdir()
    kept = RowCache(store, "staff", b"base", [], None)
    chunk = Chunk([(2, ("a",)), (3, ("b",))])
    kept.put(kept.name(chunk), chunk, [b"", b""], [answer(("a",)), answer(("b",), ["E-DATE"])], frozenset())
    assert not (store.root / "rows-staff").exists() or not list((store.root / "rows-staff").iterdir())


def test_an_entry_that_would_build_any_other_type_is_refused(tmp_path):
    """Loading a cache entry must not be able to run code: an entry made with the chunk's own key
    (by someone who has the rows) that holds another type is refused, not loaded."""
    store = Cache(tmp_path / "c")
    store.root.mkdir()
    kept = RowCache(store, "staff", b"base", [], None)
    chunk = Chunk([(2, ("a",))])
    name = kept.name(chunk)
    kept.put(name, chunk, [pickle.dumps(Path("/etc/passwd"))], [answer(("a",))], frozenset())
    assert RowCache(store, "staff", b"base", [], None).get(name, chunk) is None


def answer(values: tuple, problems: list | None = None) -> Checked:
    return Checked(values, problems or [], set(), [], None, None, (), (), "id")


class _Years:
    """A checker that, like RowCheck, touches provisional years as a side effect."""

    def __init__(self):
        self.years: set[int] = set()

    def __call__(self, line, cells):
        return line, cells

    def chunk(self, rows):  # RowCheck leaves them in the calendar, and hands them back
        years = frozenset(2000 + line for line, _ in rows if line % 7 == 0)
        self.years |= years
        return [self(*r) for r in rows], years

    def touched(self, years):
        self.years |= set(years)


@pytest.mark.skipif(not can_fork(), reason="no fork on this platform")
def test_the_years_a_helper_process_touched_come_back(small_chunks):
    rows = [(line, (f"a{line}", "b")) for line in range(2, 60)]
    alone, shared = _Years(), _Years()
    one = list(rowpool.checked_rows(alone, rows, 1, lambda: iter(rows)))
    two = list(rowpool.checked_rows(shared, rows, 2, lambda: iter(rows)))
    assert one == two
    assert alone.years == shared.years == {2000 + line for line, _ in rows if line % 7 == 0}
