"""The supervision report at scale (issue 16): what ``gongshi check --format html`` costs beyond the
check itself on a site of N penalties, and whether the report renders in a browser without errors
(axe-core, WCAG 2.1 A/AA).

    python benchmarks/supervision_bench.py              # N = 100,000; about 3 minutes
    python benchmarks/supervision_bench.py --n 10000 --runs 1

The site is make_site.py's, with every 40th penalty published 25 days after its decision (late)
and every 100th not published at all (overdue), so that every figure and list of the report has
work to do.  Timed in one process, each ``--runs`` times (the median is printed):

- ``check``: ``run_check`` as every format uses it;
- ``figures``: what ``run_check(figures=True)`` adds — the figures (supervision.py), the map of
  records to departments and the inputs' digest — timed where it runs;
- ``render``: the HTML report from that result (html_report.py).

"beyond the check" = figures + render.  The whole commands are then timed once
with /usr/bin/time -v (wall and peak RSS), and the report is opened in Chromium (if installed) at
360 and 1280 px: requests, script errors, axe violations, and a screenshot of each in --out.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

AS_OF = date(2026, 11, 29)


def make_site(n: int, out: Path) -> Path:
    site = out / f"site-{n}"
    subprocess.run([sys.executable, str(REPO / "benchmarks/make_site.py"), "--n", str(n), "--out", str(site),
                    "--as-of", AS_OF.isoformat()], check=True, stdout=subprocess.DEVNULL)
    path = site / "data/penalties.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    for i, row in enumerate(rows):
        decided = date.fromisoformat(row["处罚决定日期"])
        if i % 100 == 99:  # never published: overdue (decided 20+ days before the as-of date)
            row.update({"公示日期": "", "保密审查人": "", "保密审查日期": ""})
        elif i % 40 == 39 and decided + timedelta(days=25) <= AS_OF:  # published late
            row.update({"公示日期": (decided + timedelta(days=25)).isoformat(),
                        "保密审查日期": (decided + timedelta(days=24)).isoformat()})
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header)
        writer.writeheader()
        writer.writerows(rows)
    return site


def in_process(site: Path, runs: int) -> dict[str, float]:
    import generator.compliance as compliance
    from generator.report_formats import as_html

    laps: dict[str, list[float]] = {"check": [], "figures": [], "render": []}
    figures = compliance._figures

    def timed(*args):  # the figures' own part of run_check(figures=True), timed where it runs
        t = time.perf_counter()
        figures(*args)
        laps["figures"].append(time.perf_counter() - t)

    compliance._figures = timed
    compliance.run_check(site, AS_OF)  # warm-up: imports, first reads
    for _ in range(runs):
        t = time.perf_counter()
        result = compliance.run_check(site, AS_OF, figures=True)
        laps["check"].append(time.perf_counter() - t - laps["figures"][-1])
        t = time.perf_counter()
        html = as_html(result, "error")
        laps["render"].append(time.perf_counter() - t)
    medians = {k: statistics.median(v) for k, v in laps.items()}
    medians["beyond the check"] = statistics.median(f + r for f, r in zip(laps["figures"], laps["render"]))
    medians["report bytes"] = len(html.encode("utf-8"))
    return medians


def whole(site: Path, out: Path, *args: str) -> tuple[float, int]:
    """(wall seconds, peak RSS KiB) of one ``gongshi check`` by /usr/bin/time -v."""
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "generator", "check", "--site", str(site),
           "--as-of", AS_OF.isoformat(), "--fail-on", "never", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    wall = rss = 0
    for line in done.stderr.splitlines():
        if "Elapsed (wall clock)" in line:
            parts = line.rsplit(" ", 1)[1].split(":")
            wall = sum(float(p) * 60 ** i for i, p in enumerate(reversed(parts)))
        elif "Maximum resident set size" in line:
            rss = int(line.rsplit(" ", 1)[1])
    return wall, rss


def browse(report: Path, out: Path) -> list[str]:
    """What Chromium and axe-core say about the report, one line per width."""
    try:
        from axe_playwright_python.sync_playwright import Axe
        from playwright.sync_api import sync_playwright
    except ImportError:
        return ["(playwright or axe-playwright-python missing: pip install -e '.[test]')"]
    chromium = os.environ.get("GONGSHI_CHROMIUM") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        return [f"(no Chromium at {chromium})"]
    lines = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for width in (360, 1280):
            page = browser.new_page(viewport={"width": width, "height": 900})
            requests, errors = [], []
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            t = time.perf_counter()
            page.goto(report.as_uri())
            loaded = time.perf_counter() - t
            result = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                                                   "wcag21aa"]}})
            wide = page.evaluate("document.scrollingElement.scrollWidth")
            page.screenshot(path=str(out / f"report-{width}.png"))
            lines.append(f"{width} px: loaded in {loaded:.2f} s, {len(requests) - 1} other requests, "
                         f"{len(errors)} script errors, page width {wide} px, axe violations "
                         f"{result.violations_count}")
            page.close()
        browser.close()
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=Path("/tmp/gongshi-bench/supervision"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    site = make_site(args.n, args.out)
    figures = in_process(site, args.runs)
    print(f"N = {args.n:,} penalties, median of {args.runs} run(s) in one process:")
    print("| step | seconds |\n|---|---:|")
    for k in ("check", "figures", "render", "beyond the check"):
        print(f"| {k} | {figures[k]:.2f} |")
    print(f"report: {figures['report bytes'] / 1024:.0f} KiB")
    report = args.out / "report.html"
    text = whole(site, args.out)
    html = whole(site, args.out, "--format", "html", "--out", str(report))
    print(f"whole command (/usr/bin/time -v): check {text[0]:.2f} s, {text[1] / 1024:.0f} MiB; "
          f"check --format html --out {html[0]:.2f} s, {html[1] / 1024:.0f} MiB")
    for line in browse(report, args.out):
        print(line)


if __name__ == "__main__":
    main()
