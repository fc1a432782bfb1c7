"""Benchmark of the Excel round trip (issue 11): ``gongshi excel penalties`` writing a workbook
of N penalties, then ``gongshi import`` of that unchanged workbook validating it and writing the
CSV back — each in its own process, timed from outside (wall, CPU, peak RSS of the process).

    python benchmarks/excel_bench.py                 # N = 100,000 (makes the site first: ~1 min)
    python benchmarks/excel_bench.py --n 10000 --work /tmp/gongshi-bench/excel

The limits of issue 11 are checked: import ≤ 60 s and ≤ 1 GiB, writing ≤ 60 s; the exit status
is 1 when one is exceeded, or when the imported CSV differs from the canonical form of the CSV
the workbook was made from (the round trip must be byte-identical).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.excel.canonical import canonical_bytes  # noqa: E402

LIMITS = {"excel": (60.0, None), "import": (60.0, 1024.0)}  # seconds, MiB


def measure(cmd: list[str]) -> dict:
    """Wall and CPU seconds and peak RSS (MiB) of one process, from the kernel's accounting."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{' '.join(cmd)} failed ({code}):\n{output.decode('utf-8', 'replace')[-3000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024,
            "out": output.decode("utf-8", "replace").strip().splitlines()[-1]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--work", type=Path, default=Path("/tmp/gongshi-bench/excel"))
    args = ap.parse_args()
    site = args.work / f"site-{args.n}"
    if not (site / "data" / "penalties.csv").is_file():
        shutil.rmtree(site, ignore_errors=True)
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "make_site.py"), "--n", str(args.n),
                        "--out", str(site)], check=True)
    csv_path = site / "data" / "penalties.csv"
    original = args.work / f"penalties-{args.n}.csv"
    shutil.copyfile(csv_path, original)
    # this process stays small while it starts the measured ones: Linux counts the memory a
    # child had before exec in its peak RSS
    xlsx = args.work / f"penalties-{args.n}.xlsx"
    gongshi = [sys.executable, "-m", "generator"]
    figures = {
        "excel": measure(gongshi + ["excel", "penalties", "--site", str(site), "--out", str(xlsx)]),
        "import": measure(gongshi + ["import", str(xlsx), "--site", str(site)]),
    }
    expected = canonical_bytes(original)
    identical = csv_path.read_bytes() == expected
    shutil.copyfile(original, csv_path)  # the site as it was, for the next run
    print(f"N = {args.n:,} penalties; workbook {xlsx.stat().st_size / 2**20:.1f} MiB, "
          f"CSV {len(expected) / 2**20:.1f} MiB; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print("| step | wall s | CPU s | peak RSS MiB | limit |")
    print("|---|---:|---:|---:|---|")
    failed = False
    for step, f in figures.items():
        wall_max, rss_max = LIMITS[step]
        ok = f["wall"] <= wall_max and (rss_max is None or f["rss"] <= rss_max)
        failed |= not ok
        limit = f"≤ {wall_max:.0f} s" + (f", ≤ {rss_max:.0f} MiB" if rss_max else "")
        print(f"| gongshi {step} | {f['wall']:.1f} | {f['cpu']:.1f} | {f['rss']:.0f} | {limit} {'ok' if ok else 'EXCEEDED'} |")
    print(f"round trip byte-identical: {'yes' if identical else 'NO'}")
    print(f"import said: {figures['import']['out']}")
    return 1 if failed or not identical else 0


if __name__ == "__main__":
    sys.exit(main())
