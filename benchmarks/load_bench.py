"""The load phase alone (read → validate → redact → expire → assemble), with its rows checked in
one process and shared among more (generator/rowpool.py): wall and CPU seconds of each, runs
alternated, and whether every run found the same problems and the same records.

    python benchmarks/load_bench.py /tmp/gongshi-bench/site-100000 [--jobs 1 2] [--repeat 3]

Each run is a fresh process (an interpreter's start and imports included, as in a build), so
that no run inherits another's memory.  Prints one line per run and the medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_ONE_RUN = r"""
import gc, hashlib, json, os, sys, time
sys.path.insert(0, sys.argv[1])
from datetime import date
from pathlib import Path
from generator.diagnostics import Report
from generator.load import load
gc.disable()  # as build() does while loading
report = Report(None)
wall, cpu = time.perf_counter(), time.process_time()
loaded = load(Path(sys.argv[2]), date.fromisoformat(sys.argv[3]), report, jobs=int(sys.argv[4]))
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
children = os.times()
digest = hashlib.sha256(repr(list(report.items)).encode())
for name, view in sorted(loaded.site.datasets.items()) if loaded.site else ():
    for record in (*view.listed, *view.withdrawn):
        digest.update(repr((record.id, record.values, record.life)).encode())
print(json.dumps({"wall": wall, "cpu": cpu + children.children_user + children.children_system,
                  "digest": digest.hexdigest()[:16]}))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--as-of", default="2026-11-29")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    date.fromisoformat(args.as_of)
    runs: dict[int, list[dict]] = {j: [] for j in args.jobs}
    for i in range(args.repeat):
        for jobs in args.jobs:
            out = subprocess.run([sys.executable, "-c", _ONE_RUN, str(REPO), str(args.site), args.as_of, str(jobs)],
                                 check=True, capture_output=True, text=True).stdout
            run = json.loads(out.splitlines()[-1])
            runs[jobs].append(run)
            print(f"run {i + 1}, --jobs {jobs}: {run['wall']:.2f} s wall, {run['cpu']:.2f} s CPU, {run['digest']}")
    digests = {r["digest"] for rs in runs.values() for r in rs}
    for jobs, rs in runs.items():
        print(f"--jobs {jobs}: median {statistics.median(r['wall'] for r in rs):.2f} s wall, "
              f"{statistics.median(r['cpu'] for r in rs):.2f} s CPU")
    print("same problems and records in every run" if len(digests) == 1 else f"!! runs differ: {sorted(digests)}")
    return 0 if len(digests) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
