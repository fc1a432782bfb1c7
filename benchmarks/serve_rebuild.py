"""Benchmark of ``gongshi serve`` (issue 11.6): how long after one changed row of the demo's
penalties the preview serves the changed page — the file watcher's notice, the rebuild, the swap
to the new build — measured from outside, as an editor sees it: from the save of the CSV to the
first HTTP answer carrying the new value.

    python benchmarks/serve_rebuild.py              # the demo, 5 changes
    python benchmarks/serve_rebuild.py --runs 10 --search-index

The preview runs in its own process (``gongshi serve --port 0`` would not say its port: a free
port is chosen here).  Limit of issue 11: ≤ 5 s; the exit status is 1 when a change takes longer.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LIMIT = 5.0  # seconds
AS_OF = "2026-11-29"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read().decode("utf-8")
    except OSError:
        return ""


def set_title(path: Path, number: str, title: str) -> None:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    i, k = rows[0].index("案件名称"), rows[0].index("行政处罚决定书文号")
    for row in rows[1:]:
        if row[k] == number:
            row[i] = title
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--search-index", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gongshi-serve-bench-"))
    site = work / "demo"
    site.mkdir()
    for part in ("site_config.yaml", "netlify.toml", "data", "content"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copyfile)(REPO / part, site / part)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", str(port), "--as-of", AS_OF]
    proc = subprocess.Popen(cmd + (["--search-index"] if args.search_index else []), cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while "<h1>" not in get(base + "/penalties/"):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("the preview did not start")
            time.sleep(0.2)
        listing = get(base + "/penalties/")
        url = base + re.findall(r'href="(/penalties/[0-9a-f]{16}/)"', listing)[0]
        number = re.search(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号", get(url)).group(0)
        times = []
        for run in range(args.runs):
            marker = f"（预览计时{run}）"
            time.sleep(1.0)  # let the watcher settle after the previous rebuild
            start = time.monotonic()
            set_title(site / "data/penalties.csv", number, f"计时用案件{marker}")
            while marker not in get(url):
                if time.monotonic() - start > 60:
                    raise SystemExit(f"run {run}: the change was not served within 60 s")
                time.sleep(0.05)
            times.append(time.monotonic() - start)
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    print(f"gongshi serve, demo, one changed row of data/penalties.csv → the changed page served "
          f"({'with' if args.search_index else 'without'} search index, {args.runs} runs): "
          f"median {statistics.median(times):.2f} s, max {max(times):.2f} s, each: "
          + ", ".join(f"{t:.2f}" for t in times))
    return 0 if max(times) <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
