"""The peak of the summed resident memory of a process and all its descendants (the build, its
forked render workers and its Pagefind processes together), sampled every 0.2 s until it exits.
/usr/bin/time -v reports the largest single process only.

    python benchmarks/tree_rss.py PID      # prints the peak in MiB when PID has exited
"""

import os
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


if __name__ == "__main__":
    root, peak = int(sys.argv[1]), 0
    while os.path.exists(f"/proc/{root}"):
        tree, todo, total = children(), [root], 0
        while todo:
            pid = todo.pop()
            total += rss_kib(pid)
            todo += tree.get(pid, [])
        peak = max(peak, total)
        time.sleep(0.2)
    print(peak // 1024)
