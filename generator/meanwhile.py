"""Meanwhile: a function run in a forked process while this one goes on, its result taken later.

The build and the check are CPU-bound Python, one core each; a second core idles while the
first loads or plans.  Two pieces of work that share nothing but their inputs (``check --since``
loads REV while the working tree loads; the lookup index is built while the search index is
planned) run side by side in a forked copy of this process: nothing is pickled on the way in,
the result is sent back through a pipe.

Where there is no ``fork`` (Windows) or one process was asked for, the function runs when its
result is asked for: the same result, one after the other.  If the forked process dies without
an answer (out of memory, killed), the function runs here: a lost helper only costs time.

``in_turn``: many pieces of such work (the search index's parts), a few forked processes at once.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import signal
from collections.abc import Callable


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class Meanwhile:
    """``fn(*args)`` in a forked process started now (``fork``: False runs it at ``result``)."""

    def __init__(self, fn: Callable, *args, fork: bool = True):
        self._fn, self._args = fn, args
        self._process = None
        if fork and can_fork():
            context = multiprocessing.get_context("fork")
            self._answer, send = context.Pipe(duplex=False)
            self._process = context.Process(target=_answer, args=(send, fn, *args), daemon=True)
            self._process.start()
            send.close()

    @property
    def forked(self) -> bool:
        return self._process is not None

    def result(self):
        """What ``fn`` returned; what it raised is raised here."""
        if self._process is None:
            return self._fn(*self._args)
        try:
            kind, value = self._answer.recv()  # before join: a large answer fills the pipe
        except EOFError:  # the process died without an answer: do the work here instead
            kind, value = "ok", self._fn(*self._args)
        finally:
            self._answer.close()
        self._process.join()
        if kind == "error":
            raise value
        return value

    def cancel(self) -> None:
        """The result is not wanted: stop the process."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._answer.close()


def _answer(send, fn: Callable, *args) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the caller's to handle: it stops this one
    try:
        send.send(("ok", fn(*args)))
    except Exception as exc:  # noqa: BLE001 (raised again in the process that asks)
        send.send(("error", exc))
    finally:
        send.close()


def in_turn(work: Callable[[int], object], count: int, jobs: int, failed: Callable[[object], bool]) -> list:
    """The results of ``work(0)`` … ``work(count - 1)`` in order, up to the first that ``failed``
    (what one raised is raised here, in order too); the ones after it are not made.

    Each in a forked process of its own (``Meanwhile``), ``jobs`` at once, the next started as
    one ends.  After a failure none is started and the running ones are waited for: a process
    stopped midway would leave what it started (a program writing into a folder about to be
    deleted) running on.  A process lost without an answer has its work done here, as any
    ``Meanwhile``'s.  Without ``fork``, or with one job, one after the other in this process."""
    if jobs <= 1 or count <= 1 or not can_fork():
        made = []
        for n in range(count):
            made.append(result := work(n))
            if failed(result):
                break
        return made
    running: dict = {}  # the connection its answer comes on → (number, its Meanwhile)
    results: dict[int, object] = {}
    started, stop = 0, False
    try:
        while running or (not stop and started < count):
            while not stop and started < count and len(running) < jobs:
                piece = Meanwhile(work, started)
                running[piece._answer] = (started, piece)
                started += 1
            for ready in multiprocessing.connection.wait(list(running)):
                n, piece = running.pop(ready)
                try:
                    results[n] = piece.result()
                except Exception as exc:  # noqa: BLE001 (raised below, in order)
                    results[n] = exc
                stop = stop or isinstance(results[n], Exception) or failed(results[n])
    finally:
        for _n, piece in running.values():  # only when this process was interrupted
            piece.cancel()
    made = []
    for n in range(len(results)):  # the started pieces are the first ones: in order, to the first failure
        if isinstance(result := results[n], Exception):
            raise result
        made.append(result)
        if failed(result):
            break
    return made
