"""Bounded reports: a site whose N penalty rows each hold a dozen bad cells (public and private),
then `gongshi build` and `gongshi check` in every format, each with the report's line count, size
and the command's peak memory (issue 10, point 9: a few thousand lines at most, under 600 MB).

    python benchmarks/report_bench.py                 # N = 100,000; about 2 minutes
    python benchmarks/report_bench.py --n 10000 --max-per-code 5

The bad rows are the benchmark site of make_site.py with these cells made invalid in every row:
see BAD below.  Every 10th row also repeats the document number of the row before (E-DUPLICATE).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-29"

# column → an invalid value (the code it gives; private columns marked P)
BAD = {
    "行政相对人类别": "公司",                 # E-ENUM
    "统一社会信用代码": "91640100MA7XXXXXX0",  # E-USCC
    "证件号码": "640102199003071230",          # E-RESIDENT-ID, P
    "联系电话": "0951-123",                    # E-NUMBER, P
    "处罚类别": "罚金",                        # E-ENUM
    "罚款金额（元）": "五千元",                # E-NUMBER
    "处罚决定日期": "2026-02-30",              # E-DATE
    "是否重大": "重大",                        # E-ENUM
    "法制审核日期": "上周三",                  # E-DATE, P
    "法制审核结论": "原则同意",                # E-ENUM, P
    "涉及劳动者人数": "-3",                    # E-MINIMUM, P
    "公示日期": "2026/11/31",                  # E-DATE
    "状态": "有效",                            # E-ENUM
}


def make_bad_site(n: int, site: Path) -> None:
    subprocess.run([sys.executable, str(REPO / "benchmarks/make_site.py"), "--n", str(n), "--out", str(site),
                    "--as-of", AS_OF], check=True, stdout=subprocess.DEVNULL)
    path = site / "data/penalties.csv"
    good = path.with_suffix(".good")
    path.rename(good)
    with good.open(encoding="utf-8", newline="") as src, path.open("w", encoding="utf-8", newline="") as dst:
        reader, writer = csv.DictReader(src), None
        previous = None
        for i, row in enumerate(reader):
            if writer is None:
                writer = csv.DictWriter(dst, reader.fieldnames)
                writer.writeheader()
            row.update(BAD)
            if i % 10 == 9 and previous:
                row["处罚机关"], row["行政处罚决定书文号"] = previous
            previous = row["处罚机关"], row["行政处罚决定书文号"]
            writer.writerow(row)
    good.unlink()


def measure(argv: list[str], log: Path) -> dict:
    """Run a command with its stdout and stderr to files: exit status, lines, MB, peak RSS."""
    with (log.with_suffix(".out")).open("wb") as out, (log.with_suffix(".err")).open("wb") as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    lines = size = 0
    for stream in (".out", ".err"):
        with log.with_suffix(stream).open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                lines += chunk.count(b"\n")
                size += len(chunk)
    return {"exit": proc.returncode, "lines": lines, "MB": size / 1e6, "rss": usage.ru_maxrss / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--scratch", type=Path, default=Path("/tmp/gongshi-report-bench"))
    ap.add_argument("--max-per-code", type=int, default=None, help="passed on to gongshi (default: its own)")
    ap.add_argument("--formats", default="text,github,json,markdown")
    args = ap.parse_args()
    site = args.scratch / f"site-{args.n}"
    args.scratch.mkdir(parents=True, exist_ok=True)
    make_bad_site(args.n, site)
    gongshi = [sys.executable, "-m", "generator"]
    cap = ["--max-per-code", str(args.max_per_code)] if args.max_per_code is not None else []
    runs = [("build", [*gongshi, "build", "--site", str(site), "--out", str(args.scratch / "out"),
                       "--as-of", AS_OF, "--no-search-index", *cap])]
    runs += [(f"check --format {f}", [*gongshi, "check", "--site", str(site), "--as-of", AS_OF, "--format", f, *cap])
             for f in args.formats.split(",")]
    print(f"{args.n:,} penalty rows, {len(BAD)} bad cells each\n")
    print("| command | exit | report lines | report MB | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|")
    for name, argv in runs:
        r = measure(argv, args.scratch / name.replace(" ", "_").replace("-", ""))
        print(f"| gongshi {name} | {r['exit']} | {r['lines']:,} | {r['MB']:.2f} | {r['rss']:.0f} |", flush=True)
    print(f"\n(reports under {args.scratch})")


if __name__ == "__main__":
    os.chdir(REPO)
    main()
