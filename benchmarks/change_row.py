"""Change one penalty's 违法事实 in a benchmark site (benchmarks/make_site.py), as an editor's
correction would: the row in the middle of data/penalties.csv, the rest of the file byte for byte.

    python benchmarks/change_row.py SITE_DIR [--text TEXT]
"""

import argparse
import csv
import io
from pathlib import Path

FIELD = "违法事实"

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("site", type=Path)
    ap.add_argument("--text", default="（经复核更正）")
    args = ap.parse_args()
    path = args.site / "data" / "penalties.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    column = rows[0].index(FIELD)
    row = rows[len(rows) // 2]
    # every call changes the row: the text is added, or taken off again
    old = row[column]
    row[column] = old.removesuffix(args.text) if old.endswith(args.text) else old + args.text
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)  # the dialect make_site.py writes with (excel, \r\n)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")
    print(f"{path}: row {len(rows) // 2 + 1}, {FIELD} → …{row[column][-20:]}")
