"""What a browser downloads for one search on a built site: serves it on 127.0.0.1, opens
/search/?q=… in headless Chromium (Debian's, as in the tests) with an empty cache, and adds up
the bytes of the responses under /lookup/ and under /pagefind/.

    python benchmarks/search_bytes.py /tmp/gongshi-bench/out/search-100000 --samples 20

Queries per sampled penalty: its credit code, its document number typed with [] brackets, its
full name, and 4 characters from the middle of its name.  Prints a Markdown table (median and
maximum per kind of query; lookup bytes also gzip-compressed, as a server sends JSON) and checks
that the record is found (first, for a code or number).  Pagefind is loaded only when the lookup
finds nothing or the reader asks for full text, filters or sorting: its column is then 0.  The
full-text row presses 查看提到这些字词的其他公示信息 when the lookup has answered, as a reader
would, and counts what the first page of related results costs.
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


def queries(record: dict, names: list[str]) -> dict[str, str]:
    """The four ways the public looks a penalty up; the part of the name is the 4 characters
    that the fewest names hold (a part many names share identifies no one: the lookup lists 20)."""
    name = record["行政相对人名称"]
    parts = {name[i:i + 4] for i in range(len(name) - 3)}
    part = min(sorted(parts), key=lambda p: sum(p in n for n in names))
    return {"credit code": record["统一社会信用代码"],
            "document number, [] brackets": record["行政处罚决定书文号"].replace("〔", "[").replace("〕", "]"),
            "full name": name,
            "4 characters of the name": part,
            "full text (工资: Pagefind, the first page of results)": "工资"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = ap.parse_args()
    data = json.loads((args.site / "opendata/penalties.json").read_text(encoding="utf-8"))["records"]
    sample = random.Random(args.seed).sample(data, min(args.samples, len(data)))
    names = [r["行政相对人名称"] for r in data]
    server, base = serve(args.site)
    figures: dict[str, list] = {}
    misses = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"])
        for record in sample:
            path = "/" + record["url"].split("/", 3)[3]
            for kind, query in queries(record, names).items():
                context = browser.new_context()  # an empty cache: what a first visit costs
                page = context.new_page()
                got = []
                page.on("response", lambda r: got.append(r))
                page.goto(f"{base}/search/?q={quote(query)}")
                page.wait_for_selector("#search-status[data-state=done]", timeout=120000)
                hrefs = page.eval_on_selector_all("#search-exact-list a", "els => els.map(e => e.getAttribute('href'))")
                # codes and numbers identify one record: it comes first; names may be shared
                # (the synthetic data repeats names): the record is among the matches
                if kind.startswith("full text"):
                    # when the lookup answers (a name holds the word), full text is shown on
                    # request: the reader presses the button, as a full-text query costs
                    if page.is_visible("#search-fulltext"):
                        page.click("#search-fulltext")
                        page.wait_for_selector("#search-status[data-state=done]", timeout=120000)
                    listed = page.eval_on_selector_all("#search-full-list li", "els => els.length")
                    if not listed:
                        misses.append((kind, query, "no full-text result listed", path))
                elif (hrefs[:1] if kind in ("credit code", "document number, [] brackets") else hrefs).count(path) == 0:
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
