"""The peak of the summed resident memory of a process and all its descendants (the build, its
forked render workers and its Pagefind processes together), sampled every 0.2 s until it exits.
/usr/bin/time -v reports the largest single process only.

    python benchmarks/tree_rss.py PID                  # prints the peak in MiB when PID has exited
    python benchmarks/tree_rss.py PID --series FILE    # and writes every sample to FILE
    python benchmarks/tree_rss.py --phases LOG FILE    # the peaks of each phase of the build

A sample is "time total largest": the monotonic clock (seconds), the RSS of all the processes
together and of the largest one (KiB).  ``gongshi build --timings`` prints its phases' lengths and
where the first began on the same clock (Linux: CLOCK_MONOTONIC, shared by every process), so
``--phases`` places each sample in its phase: the memory per stage of the growth table
(README.md, issue 15).  A phase shorter than the sampling interval may have no sample.
"""

import os
import re
import sys
import time
from pathlib import Path


def children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return tree


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def sample(root: int, series=None) -> int:
    """Sample until ``root`` exits; the peak of all its processes together (KiB)."""
    peak = 0
    while os.path.exists(f"/proc/{root}"):
        tree, todo, total, largest = children(), [root], 0, 0
        while todo:
            pid = todo.pop()
            rss = rss_kib(pid)
            total, largest = total + rss, max(largest, rss)
            todo += tree.get(pid, [])
        peak = max(peak, total)
        if series is not None:
            series.write(f"{time.monotonic():.3f} {total} {largest}\n")
        time.sleep(0.2)
    return peak


_PHASE = re.compile(r"^  ([a-z+]+): ([0-9.]+) s$")
_STARTED = re.compile(r"^  \(phases from ([0-9.]+) s on the monotonic clock\)$")


def timings(log: str) -> tuple[float, list[tuple[str, float]]]:
    """Where the build's first phase began on the monotonic clock, and (phase, seconds) in order:
    read from its ``--timings`` in ``log``."""
    lengths, start = [], None
    for line in Path(log).read_text(encoding="utf-8").splitlines():
        if m := _PHASE.match(line):
            lengths.append((m[1], float(m[2])))
        elif m := _STARTED.match(line):
            start = float(m[1])
    if start is None:
        raise SystemExit(f"{log}: no “phases from … on the monotonic clock” line (gongshi build --timings)")
    return start, lengths


def phases(log: str, series: str) -> list[tuple[str, float, int | None, int | None]]:
    """(phase, seconds, peak of all processes MiB, peak of the largest MiB) for each phase of the
    build whose ``--timings`` are in ``log``; None where no sample fell in the phase."""
    start, lengths = timings(log)
    samples = [tuple(map(float, line.split())) for line in Path(series).read_text().splitlines() if line.strip()]
    rows = []
    for name, seconds in lengths:
        inside = [(total, largest) for t, total, largest in samples if start <= t < start + seconds]
        rows.append((name, seconds, max(total for total, _ in inside) // 1024 if inside else None,
                     max(largest for _, largest in inside) // 1024 if inside else None))
        start += seconds
    return rows

if __name__ == "__main__":
    if sys.argv[1] == "--phases":
        for name, seconds, total, largest in phases(sys.argv[2], sys.argv[3]):
            shown = f"{int(total):,} / {int(largest):,} MiB" if total is not None else "no sample"
            print(f"{name}: {seconds:.2f} s, {shown}")
    elif len(sys.argv) == 4 and sys.argv[2] == "--series":
        with open(sys.argv[3], "w") as out:
            print(sample(int(sys.argv[1]), out) // 1024)
    else:
        print(sample(int(sys.argv[1])) // 1024)
