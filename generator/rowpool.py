"""Row pool: a large table's rows checked in forked processes, their answers taken in row order.

Validation is CPU-bound Python on one core: at 100,000 penalties it is most of the load phase,
while a second core idles.  Each row's own checks (cells parsed, personal data, the law's rules,
its life cycle) need no other row.  So the rows are cut into chunks, and chunk k is checked by
share k mod n: share 0 here, the others in forked processes that inherit the checker, the
configuration and the calendar, and read the CSV again themselves (``again``), so that nothing
but their answers crosses a pipe.  This process reads every row as before and takes the answers
in order; what spans rows (unique keys, the corrections' numbers) stays with the caller.

An answer is used only for the very rows it was made from: each chunk's rows are compared by a
digest (a file saved again while the build runs, a reader that went wrong), else the chunk is
checked here.  A process that fails or dies (out of memory, killed) only costs time: its chunks
are checked here.  So the records and the problems are the same whatever the number of processes.

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
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from .meanwhile import can_fork

FIRST = 4000   # rows checked here before processes are worth starting
CHUNK = 1000   # rows per chunk: a chunk's overhead vanishes, and the pipe stays a stream
AHEAD = 8      # answers a helper may send before they are asked for (about 1 MB each at 100,000)


def checked_rows(check: Callable, rows: Iterable[tuple], jobs: int,
                 again: Callable[[], Iterable[tuple]] | None = None) -> Iterator[tuple]:
    """``((line, cells), check(line, cells))`` for each row of ``rows``, in order.  ``again``:
    a new iterator over the same rows, read afresh (a forked process reads its own)."""
    rows = iter(rows)
    first = list(islice(rows, FIRST))
    for row in first:
        yield row, check(*row)
    if len(first) < FIRST:
        return
    if jobs < 2 or again is None or not can_fork() or multiprocessing.current_process().daemon:
        for row in rows:
            yield row, check(*row)
        return
    yield from _shared(check, rows, jobs, again)


def _shared(check: Callable, rows: Iterator[tuple], shares: int, again: Callable) -> Iterator[tuple]:
    context = multiprocessing.get_context("fork")
    started = []
    for share in range(1, shares):  # every fork before any thread starts
        answers, send = context.Pipe(duplex=False)
        process = context.Process(target=_helper, args=(send, check, again, share, shares), daemon=True)
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
        k = 0
        while chunk := list(islice(rows, CHUNK)):
            answer = _answer(helpers, k % shares, chunk)
            if answer is None:
                for row in chunk:
                    yield row, check(*row)
            else:  # each row's answer read just before it is merged, as if checked here (below)
                for row, pickled in zip(chunk, answer):
                    yield row, pickle.loads(pickled)
            k += 1
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


def _answer(helpers: dict, share: int, chunk: list) -> list | None:
    """The helper's answers for ``chunk`` (pickled, row by row), or None: share 0, a helper
    lost, rows that differ."""
    if share not in helpers:
        return None
    message = helpers[share].get()
    if message is None:  # it stopped or died: its chunks are checked here from now on
        del helpers[share]
        return None
    digest, answer = pickle.loads(message)
    return answer if digest == _digest(chunk) else None


def _receive(answers, came: queue.Queue) -> None:
    """Each answer's bytes as they come, then None when the helper has no more (or died)."""
    try:
        while True:
            came.put(answers.recv_bytes())
    except (EOFError, OSError):
        came.put(None)


def _helper(send, check: Callable, again: Callable, share: int, shares: int) -> None:
    """A forked process: every row read afresh, the chunks of ``share`` checked and sent.  It
    stops at the first thing that goes wrong (a check that raises, a file gone): the build's
    process then checks those rows itself, and reports or raises what happens there — nothing
    is printed from here, where a message could quote a private cell."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the build's to handle: it stops this one
    try:
        rows = iter(again())
        next(islice(rows, FIRST, FIRST), None)  # the rows checked before the processes started
        k = 0
        while chunk := list(islice(rows, CHUNK)):
            if k % shares == share:
                # one pickle per row: the build's process reads a row's answer when it merges
                # that row, so that its memory fills as when it checks rows itself (a chunk's
                # answers read at once left 60 MiB more of its heap in holes)
                send.send((_digest(chunk), [pickle.dumps(check(*row), pickle.HIGHEST_PROTOCOL) for row in chunk]))
            k += 1
    except BaseException:  # noqa: BLE001 (see above: the end of the pipe says it)
        pass
    finally:
        send.close()


def _digest(chunk: list) -> int:
    """Which rows a chunk holds.  ``hash`` of the same strings is the same in a forked process
    (the same interpreter, the same hash seed), and costs little: a string keeps its hash."""
    return hash(tuple(chunk))
