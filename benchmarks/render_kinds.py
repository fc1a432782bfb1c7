"""CPU per output of each kind, rendered in one process without writing (the best of --repeat
runs): what a template or renderer change costs, kind by kind.

    python benchmarks/render_kinds.py /tmp/gongshi-bench/site-10000 [--kinds record list] [--repeat 5]

The site model is loaded once and frozen out of the garbage collector's way, as the build's
forked workers have it.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.diagnostics import Report  # noqa: E402
from generator.load import load  # noqa: E402
from generator.outputs.html import Renderer  # noqa: E402
from generator.outputs.kinds import downloads, plan  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 29))
    ap.add_argument("--kinds", nargs="*", default=["record", "list", "agency", "home"])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    report = Report()
    site = load(args.site, args.as_of, report).site
    if site is None:
        sys.exit("the site has errors: " + "; ".join(d.format() for d in report.errors[:3]))
    gc.freeze()
    renderer = Renderer(site, args.site / "templates", downloads).preload()
    outputs = [o for phase in plan(site).values() for o in phase]
    print("| kind | outputs | CPU per output | bytes per output |\n|---|---:|---:|---:|")
    for kind in args.kinds:
        chosen = [o for o in outputs if o.kind.name == kind]
        if not chosen:
            continue
        best, size = float("inf"), 0
        for _ in range(args.repeat):
            start, size = time.process_time(), 0
            for o in chosen:
                for chunk in o.kind.render(renderer, o):
                    size += len(chunk)
            best = min(best, time.process_time() - start)
        print(f"| {kind} | {len(chosen):,} | {best / len(chosen) * 1e6:,.0f} µs | {size // len(chosen):,} |")


if __name__ == "__main__":
    main()
