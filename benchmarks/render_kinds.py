"""CPU per output of each kind, rendered in one process without writing (the best of --repeat
runs): what a template or renderer change costs, kind by kind.

    python benchmarks/render_kinds.py /tmp/gongshi-bench/site-10000 [--kinds record list] [--repeat 5]
    python benchmarks/render_kinds.py SITE --kinds export-csv export-json --cache /tmp/kinds-cache

With ``--cache``, the downloads' and workbooks' rows are taken from that build cache as a build
with ``--cache`` takes them (``outputs/reuse_exports.py``, ``reuse_sheets.py``), after a first,
untimed run has filled it: what those kinds cost in a rebuild whose records did not change.

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
from generator.cache import Cache  # noqa: E402
from generator.outputs.kinds import downloads, plan  # noqa: E402
from generator.outputs.reuse import code_digest  # noqa: E402
from generator.outputs.reuse_exports import ExportReuse  # noqa: E402
from generator.outputs.reuse_sheets import SheetReuse  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 29))
    ap.add_argument("--kinds", nargs="*", default=["record", "list", "agency", "home"])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cache", type=Path, help="reuse the rows kept in this build cache (filled first)")
    args = ap.parse_args()
    report = Report()
    site = load(args.site, args.as_of, report).site
    if site is None:
        sys.exit("the site has errors: " + "; ".join(d.format() for d in report.errors[:3]))
    gc.freeze()
    renderer = Renderer(site, args.site / "templates", downloads).preload()
    outputs = [o for phase in plan(site).values() for o in phase]
    store, code = (Cache(args.cache), code_digest()) if args.cache else (None, b"")
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)

    def fresh_reuse():  # a build's worker starts with none of the slots' digests made
        if store is not None:
            renderer.sheets, renderer.export_rows = SheetReuse(store, code), ExportReuse(store, code)
    print("| kind | outputs | CPU per output | bytes per output |\n|---|---:|---:|---:|")
    for kind in args.kinds:
        chosen = [o for o in outputs if o.kind.name == kind]
        if not chosen:
            continue
        best, size = float("inf"), 0
        if store is not None:  # fill the cache
            fresh_reuse()
            for o in chosen:
                for _chunk in o.kind.render(renderer, o):
                    pass
        for _ in range(args.repeat):
            fresh_reuse()
            start, size = time.process_time(), 0
            for o in chosen:
                for chunk in o.kind.render(renderer, o):
                    size += len(chunk)
            best = min(best, time.process_time() - start)
        print(f"| {kind} | {len(chosen):,} | {best / len(chosen) * 1e6:,.0f} µs | {size // len(chosen):,} |")


if __name__ == "__main__":
    main()
