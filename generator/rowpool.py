"""Row pool: a large table's rows checked in forked processes, or taken from the row cache,
their answers returned in row order.

Validation is CPU-bound Python on one core: at 100,000 penalties it is most of the load phase,
while a second core idles.  Each row's own checks (cells parsed, personal data, the law's rules,
its life cycle) need no other row.  So the rows are cut into chunks, and the chunks the row
cache (``rowcache.py``) does not hold are shared out: the j-th of them is checked by share
j mod n — share 0 here, the others in forked processes that inherit the checker, the
configuration, the calendar and the cache's listing, and read the CSV again themselves
(``again``), so that nothing but their answers crosses a pipe.  This process reads every row as
before and takes the answers in order; what spans rows (unique keys, the corrections' numbers)
stays with the caller.

**Chunks are cut by content**: after a row whose digest is 0 modulo ``CHUNK`` (about ``CHUNK``
rows each), or at ``4 × CHUNK`` rows.  So a row inserted or deleted changes one chunk, not every
chunk after it, and the others are still found in the row cache.

An answer is used only for the very rows it was made from: each chunk's rows are compared by a
digest (a file saved again while the build runs, a reader that went wrong), else the chunk is
checked here.  A process that fails or dies (out of memory, killed) only costs time: its chunks
are checked here.  So the records and the problems are the same whatever the number of processes.

**Side effects of a check** (the calendar's provisional years, which W-CALENDAR reports) are
collected chunk by chunk when the checker offers ``chunk`` and ``touched`` (``RowCheck``), and
handed back with the answers, from a helper process or from the row cache alike.

Small tables are checked here: no process is started before ``FIRST`` rows have been read (the
datasets of attachment 2 but the penalties hold hundreds of rows, where a fork costs more than it
saves).  One process asked for, no ``fork`` (Windows), or already a daemon's child (``check
--since`` loads a revision in one): every row is checked here.
"""

from __future__ import annotations

import multiprocessing
import pickle
import queue
import signal
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator

from .meanwhile import can_fork

FIRST = 4000   # rows checked here before processes are worth starting
CHUNK = 1000   # rows per chunk on average: a chunk's overhead vanishes, and the pipe stays a stream
AHEAD = 8      # answers a helper may send before they are asked for (about 1 MB each at 100,000)
_PICKLE = pickle.HIGHEST_PROTOCOL


class Chunk(list):
    """The rows of one chunk, and ``cells``: each row's cells as bytes, encoded once for both
    the cut (below) and the chunk's name in the row cache (``rowcache.py``)."""

    __slots__ = ("cells",)

    def __init__(self, rows: Iterable[tuple] = ()):
        super().__init__(rows)
        self.cells = [_cells(row) for row in self]


def _cells(row: tuple) -> bytes:
    return "\x1f".join(row[1]).encode()


def chunks(rows: Iterable[tuple]) -> Iterator[Chunk]:
    """``rows`` cut by content (module doc): the same rows give the same chunks in every process."""
    chunk, most = Chunk(), 4 * CHUNK
    for row in rows:
        chunk.append(row)
        chunk.cells.append(data := _cells(row))
        if len(chunk) >= most or zlib.crc32(data) % CHUNK == 0:
            yield chunk
            chunk = Chunk()
    if chunk:
        yield chunk


def checked_rows(check: Callable, rows: Iterable[tuple], jobs: int,
                 again: Callable[[], Iterable[tuple]] | None = None, kept=None) -> Iterator[tuple]:
    """``((line, cells), check(line, cells))`` for each row of ``rows``, in order.  ``again``:
    a new iterator over the same rows, read afresh (a forked process reads its own).  ``kept``:
    a ``rowcache.RowCache``, or None (every chunk checked)."""
    pieces = chunks(rows)
    done = seen = 0
    for chunk in pieces:  # the first rows, here, while processes are not worth starting
        yield from _here(check, chunk, kept)
        done, seen = done + 1, seen + len(chunk)
        if seen >= FIRST:
            break
    if seen < FIRST:
        return
    if jobs < 2 or again is None or not can_fork() or multiprocessing.current_process().daemon:
        for chunk in pieces:
            yield from _here(check, chunk, kept)
        return
    yield from _shared(check, pieces, jobs, again, done, kept)


def _here(check: Callable, chunk: list, kept, name: str | None = None) -> Iterator[tuple]:
    """A chunk's answers from the row cache, or checked in this process (and then kept).
    ``name``: the chunk's in the cache, if the caller has it already."""
    if kept is not None and name is None:
        name = kept.name(chunk)
    if name is not None and name in kept.present:
        found = kept.get(name, chunk)
        if found is not None:
            answers, years = found
            _touched(check, years)
            yield from zip(chunk, answers)
            return
    answers, years = _check_chunk(check, chunk)
    if name is not None:  # pickled before the caller adds its table-wide problems to them
        kept.put(name, chunk, [pickle.dumps(a, _PICKLE) for a in answers], answers, years)
    yield from zip(chunk, answers)


def _check_chunk(check: Callable, chunk: list) -> tuple[list, frozenset]:
    if hasattr(check, "chunk"):
        return check.chunk(chunk)
    return [check(*row) for row in chunk], frozenset()


def _touched(check: Callable, years) -> None:
    if years and hasattr(check, "touched"):
        check.touched(years)


def _shared(check: Callable, pieces: Iterator[list], shares: int, again: Callable, done: int,
            kept=None) -> Iterator[tuple]:
    context = multiprocessing.get_context("fork")
    started = []
    for share in range(1, shares):  # every fork before any thread starts
        answers, send = context.Pipe(duplex=False)
        process = context.Process(target=_helper, args=(send, check, again, share, shares, done, kept), daemon=True)
        process.start()
        send.close()
        started.append((share, process, answers, queue.Queue(AHEAD)))
    helpers: dict[int, queue.Queue] = {}  # share → its answers as they came
    threads = []
    for share, _, answers, came in started:
        # a thread takes each answer as soon as it is sent (the read waits outside the GIL), so
        # that a helper never waits for this process to come to its chunk
        threads.append(threading.Thread(target=_receive, args=(answers, came), daemon=True))
        threads[-1].start()
        helpers[share] = came
    try:
        j = 0  # the chunks to check, counted as the helpers count them
        for chunk in pieces:
            name = kept.name(chunk) if kept is not None else None
            if name is not None and name in kept.present:
                yield from _here(check, chunk, kept, name)
                continue
            share, j = j % shares, j + 1
            answer = _answer(helpers, share, chunk) if share else None
            if answer is None:
                yield from _here(check, chunk, kept, name)
                continue
            pickled, years = answer
            _touched(check, years)
            clean = kept is not None
            answers = []
            for row, one in zip(chunk, pickled):  # each read just before it is merged, as if checked here (below)
                value = pickle.loads(one)
                if clean:
                    answers.append(value)
                yield row, value
            if clean:
                kept.put(name, chunk, pickled, answers, years)
    finally:
        for (_, process, answers, came), thread in zip(started, threads):
            process.terminate()
            process.join()
            while thread.is_alive():  # its last answers, unread when the rows stopped early
                try:
                    came.get(timeout=0.05)
                except queue.Empty:
                    pass
            answers.close()


def _answer(helpers: dict, share: int, chunk: list) -> tuple | None:
    """The helper's answers for ``chunk`` (pickled, row by row) and the years they touched, or
    None: a helper lost, rows that differ."""
    if share not in helpers:
        return None
    message = helpers[share].get()
    if message is None:  # it stopped or died: its chunks are checked here from now on
        del helpers[share]
        return None
    digest, answer, years = pickle.loads(message)
    return (answer, years) if digest == _digest(chunk) else None


def _receive(answers, came: queue.Queue) -> None:
    """Each answer's bytes as they come, then None when the helper has no more (or died)."""
    try:
        while True:
            came.put(answers.recv_bytes())
    except (EOFError, OSError):
        came.put(None)


def _helper(send, check: Callable, again: Callable, share: int, shares: int, done: int, kept) -> None:
    """A forked process: every row read afresh, the chunks of ``share`` among those the row cache
    does not hold checked and sent.  It stops at the first thing that goes wrong (a check that
    raises, a file gone): the build's process then checks those rows itself, and reports or
    raises what happens there — nothing is printed from here, where a message could quote a
    private cell."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the build's to handle: it stops this one
    try:
        pieces = chunks(again())
        for _ in range(done):  # the chunks checked before the processes started
            next(pieces)
        j = 0
        for chunk in pieces:
            if kept is not None and kept.name(chunk) in kept.present:
                continue
            if j % shares == share:
                answers, years = _check_chunk(check, chunk)
                # one pickle per row: the build's process reads a row's answer when it merges
                # that row, so that its memory fills as when it checks rows itself (a chunk's
                # answers read at once left 60 MiB more of its heap in holes)
                send.send((_digest(chunk), [pickle.dumps(a, _PICKLE) for a in answers], years))
            j += 1
    except BaseException:  # noqa: BLE001 (see above: the end of the pipe says it)
        pass
    finally:
        send.close()


def _digest(chunk: list) -> int:
    """Which rows a chunk holds.  ``hash`` of the same strings is the same in a forked process
    (the same interpreter, the same hash seed), and costs little: a string keeps its hash."""
    return hash(tuple(chunk))
