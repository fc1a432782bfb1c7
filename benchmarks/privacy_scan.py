"""The personal-data scanner (P3.3), measured: recall and false positives on the corpus, false
positives on the demo site's public text and on N synthetic penalty records, and the time the
build's scan takes per 100,000 records.

    python benchmarks/privacy_scan.py             # N = 100,000 (makes the site in a temp folder)
    python benchmarks/privacy_scan.py --n 10000
    python benchmarks/privacy_scan.py --site /tmp/gongshi-bench/site-100000   # a site made before

Every public string the build scans is scanned here the same way: the public cells of every
published dataset and of the corrections log (``privacy.cell_scanner``, one test of the row first),
the public keys of agencies.yaml, front matter, the Markdown bodies, site_config.yaml and the
schemas' public field texts.  Targets (issue 10): recall ≥ 99 %, 0 false positives.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.config import load_config  # noqa: E402
from generator.privacy import cell_scanner, find_personal_data, yaml_text_problems, yaml_problems  # noqa: E402
from generator.schema import SchemaError, load_schema  # noqa: E402
from generator.stages.read import content_files, read_agencies, read_content, read_table  # noqa: E402

CORPUS = REPO / "tests/fixtures/privacy_corpus"


def corpus() -> None:
    pos = [json.loads(line) for line in (CORPUS / "positives.jsonl").open(encoding="utf-8")]
    neg = [json.loads(line) for line in (CORPUS / "negatives.jsonl").open(encoding="utf-8")]
    found = [find_personal_data(p["text"], p.get("column", "")) for p in pos]
    right = sum(1 for p, hit in zip(pos, found) if hit and hit[0] == p["kind"])
    false = [(n, hit) for n in neg if (hit := find_personal_data(n["text"], n.get("column", "")))]
    print(f"corpus: {len(pos)} positives, {len(neg)} negatives")
    print(f"  recall {sum(map(bool, found)) / len(pos):.2%} ({sum(map(bool, found))}/{len(pos)}), "
          f"kind right {right / len(pos):.2%}")
    print(f"  false positives {len(false) / len(neg):.2%} ({len(false)}/{len(neg)})")
    for p, hit in zip(pos, found):
        if not hit:
            print(f"    missed ({p['kind']}): {p['text']!r}")
    for n, hit in false:
        print(f"    false positive ({n['category']} → {hit[0]} {hit[1]}): {n['text']!r}")


def site_texts(site: Path):
    """(what, hits, strings, rows, seconds scanning the cells) over every public string of ``site``."""
    config = load_config(site)
    hits, strings, rows, seconds = [], 0, 0, 0.0
    tables = [(ds.file, ds.schema) for ds in config.datasets if not ds.internal]
    if config.corrections:
        tables.append((config.corrections.file, config.corrections.schema))
    for file, schema_path in tables:
        try:
            schema = load_schema(site, schema_path)
        except SchemaError as exc:
            hits += [d.format() for d in exc.diagnostics]
            continue
        problems = []
        table = read_table(site, file, problems)
        position = {name: i for i, name in enumerate(table.header)}
        columns = [(position[f.name], f.name) for f in schema.fields if f.public and f.name in position]
        scan = cell_scanner(columns)
        batch = list(table.rows)  # read first: the time below is the scan's alone
        start = time.process_time()  # CPU time: the machine may be shared
        for line, cells in batch:
            for c, column, kind, masked in scan(cells):
                hits.append(f"{file}:{line}:{c + 1} {column} {kind} {masked}")
        seconds += time.process_time() - start
        strings += len(batch) * len(columns)
        rows += len(batch)
    problems = []
    for _, _, shown in read_agencies(site, config.agencies_file, problems):
        strings += len(shown)
        hits += [d.format() for d in yaml_problems(config.agencies_file, shown)]
    markdown, _ = content_files(site, config, problems)  # other content files: scanned by assets.py
    for page in read_content(site, config.content_dir, markdown, problems):
        strings += len(page.front_matter) + 1
        hits += [d.format() for d in yaml_problems(page.path, page.front_matter)]
        if hit := find_personal_data(page.html):
            hits.append(f"{page.path} 正文 {hit}")
    hits += [d.format() for d in yaml_text_problems(site, "site_config.yaml")]
    return hits, strings, rows, seconds


def report(label: str, site: Path) -> None:
    hits, strings, rows, seconds = site_texts(site)
    print(f"{label}: {strings:,} public strings ({rows:,} rows), false positives: {len(hits)}")
    for h in hits[:20]:
        print(f"    {h}")
    print(f"  scan of the rows' public cells: {seconds:.2f} s CPU, {seconds / rows * 100_000:.2f} s per 100,000 rows")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="synthetic penalty records")
    ap.add_argument("--site", type=Path, help="a site made by benchmarks/make_site.py (else one is made)")
    args = ap.parse_args()
    corpus()
    report("demo site", REPO)
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            subprocess.run([sys.executable, str(REPO / "benchmarks/make_site.py"), "--n", str(args.n),
                            "--out", str(site)], check=True, stdout=subprocess.DEVNULL)
        report(f"synthetic site ({site})", site)


if __name__ == "__main__":
    main()
