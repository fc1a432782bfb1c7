"""What a browser downloads for one search on a built site: serves it on 127.0.0.1, opens
/search/?q=… in headless Chromium (Debian's, as in the tests) with an empty cache, and adds up
the bytes of the responses under /lookup/ and under /pagefind/.

    python benchmarks/search_bytes.py /tmp/gongshi-bench/out/search-100000 --samples 20

Queries per sampled penalty: its credit code, its document number typed with [] brackets, its
full name, and 4 characters from the middle of its name.  Prints a Markdown table (median and
maximum per kind of query; lookup bytes also gzip-compressed, as a server sends JSON) and checks
that the record is the first result.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import random
import shutil
import statistics
import threading
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import sync_playwright


def serve(root: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def queries(record: dict) -> dict[str, str]:
    name = record["行政相对人名称"]
    return {"credit code": record["统一社会信用代码"],
            "document number, [] brackets": record["行政处罚决定书文号"].replace("〔", "[").replace("〕", "]"),
            "full name": name,
            "4 characters of the name": name[len(name) // 2 - 2: len(name) // 2 + 2]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = ap.parse_args()
    data = json.loads((args.site / "opendata/penalties.json").read_text(encoding="utf-8"))["records"]
    sample = random.Random(args.seed).sample(data, min(args.samples, len(data)))
    server, base = serve(args.site)
    figures: dict[str, list] = {}
    misses = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"])
        for record in sample:
            path = "/" + record["url"].split("/", 3)[3]
            for kind, query in queries(record).items():
                context = browser.new_context()  # an empty cache: what a first visit costs
                page = context.new_page()
                got = []
                page.on("response", lambda r: got.append(r))
                page.goto(f"{base}/search/?q={quote(query)}")
                page.wait_for_selector("#search-status[data-state=done]", timeout=120000)
                first = page.get_attribute(".hit a", "href") if page.locator(".hit a").count() else None
                if first != path and kind != "4 characters of the name":
                    misses.append((kind, query, first, path))
                if kind == "4 characters of the name":  # a part may be shared: the record must be listed
                    hrefs = page.eval_on_selector_all("#search-exact-list a", "els => els.map(e => e.getAttribute('href'))")
                    if path not in hrefs:
                        misses.append((kind, query, hrefs[:3], path))
                lookup = pagefind = lookup_gz = 0
                for r in got:
                    if "/lookup/" in r.url:
                        body = r.body()
                        lookup += len(body)
                        lookup_gz += len(gzip.compress(body))
                    elif "/pagefind/" in r.url:
                        pagefind += len(r.body())
                figures.setdefault(kind, []).append((lookup, lookup_gz, pagefind))
                context.close()
        browser.close()
    server.shutdown()
    print(f"{len(sample)} sampled penalties of {len(data)}; bytes downloaded for one search, empty cache")
    print("| query | lookup KB median / max | lookup KB gzip median / max | Pagefind KB median / max |")
    print("|---|---:|---:|---:|")
    for kind, rows in figures.items():
        cols = []
        for i in range(3):
            values = [r[i] / 1024 for r in rows]
            cols.append(f"{statistics.median(values):.1f} / {max(values):.1f}")
        print(f"| {kind} | {' | '.join(cols)} |")
    print(f"misses: {len(misses)}")
    for miss in misses[:10]:
        print("  ", miss)


if __name__ == "__main__":
    main()
