#!/usr/bin/env bash
# Issue 12's figures at N penalties (default 100,000):
#  1. `gongshi check --since HEAD` on a git repository of the benchmark site with a deleted row, a
#     changed key and an unlogged value change in the working tree, against the same check
#     without --since (three paired runs, alternated): the target is ≤ 30 s; then once more with the
#     configuration changed as well, which makes the check load REV whole (in a second process);
#  2. the release manifest's share of a build (`gongshi build --timings`, its "release" phase —
#     hashing every output file and writing release.json, signed): the target is ≤ 5 %.
#     Run with the search index (SEARCH=1) or without (default: the 100,000-page build's index
#     alone needs several GiB).
# Usage: benchmarks/history_bench.sh [N]    (gongshi on PATH: pip install -e .)
#        PART=check or PART=build runs one of the two
set -euo pipefail
N=${1:-100000}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-/tmp/gongshi-bench}
SITE=$WORK/history-$N
AS_OF=2026-11-29
PY=${PYTHON:-python3}
if [ ! -d "$SITE/.git" ]; then
  rm -rf "$SITE"
  "$PY" "$HERE/make_site.py" --n "$N" --out "$SITE" >/dev/null
  git -C "$SITE" init -q
  git -C "$SITE" -c user.name=bench -c user.email=bench@example.invalid add -A
  git -C "$SITE" -c user.name=bench -c user.email=bench@example.invalid commit -q -m "bench site"
fi
git -C "$SITE" checkout -q -- data
if [ "${PART:-all}" != build ]; then
"$PY" - "$SITE/data/penalties.csv" <<'EOF'
import csv, sys
path = sys.argv[1]
with open(path, encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]
number, facts = header.index("行政处罚决定书文号"), header.index("违法事实")
del body[10]                                   # a published record's row deleted
body[20][number] = body[20][number].replace("号", "0号")  # a key changed
body[30][facts] = body[30][facts] + "（改）"     # a public value changed, not logged
with open(path, "w", encoding="utf-8", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows([header, *body])
EOF
echo "== check --since HEAD vs check, N=$N"
gongshi check --site "$SITE" --as-of $AS_OF --since HEAD --fail-on never --format json \
  | "$PY" -c "import json,sys; d=json.load(sys.stdin); print({k: v for k, v in d['summary']['by_code'].items() if 'CHANGE' in k})"
for run in 1 2 3; do  # paired, alternated: a machine whose speed drifts moves both alike
  /usr/bin/time -f "run $run, check --since HEAD: %e s wall, %U+%S s CPU, %M KB peak" \
    gongshi check --site "$SITE" --as-of $AS_OF --since HEAD --fail-on never >/dev/null
  /usr/bin/time -f "run $run, check:               %e s wall, %U+%S s CPU, %M KB peak" \
    gongshi check --site "$SITE" --as-of $AS_OF --fail-on never >/dev/null
done
echo "== the same with site_config.yaml changed too: REV is loaded whole (compliance/since_rows.py), one run"
echo "# a comment: any change beyond the datasets' rows and the corrections log" >> "$SITE/site_config.yaml"
/usr/bin/time -f "check --since HEAD, REV loaded whole: %e s wall, %U s user, %M KB peak" \
  gongshi check --site "$SITE" --as-of $AS_OF --since HEAD --fail-on never >/dev/null
git -C "$SITE" checkout -q -- data site_config.yaml
fi
[ "${PART:-all}" = check ] && exit 0
echo "== build --timings, release phase, N=$N"
KEYFILE=$WORK/bench-signing.pem
[ -f "$KEYFILE" ] || (cd "$WORK" && rm -f release-key.pub && gongshi keygen --public "$WORK/bench-release-key.pub" > "$KEYFILE")
SEARCH_FLAG=--no-search-index
[ "${SEARCH:-0}" = 1 ] && SEARCH_FLAG=
for run in 1 2 3; do
  GONGSHI_SIGNING_KEY="$(cat "$KEYFILE")" gongshi build --site "$SITE" --out "$WORK/history-out-$N" --as-of $AS_OF \
    $SEARCH_FLAG --timings 2>&1 >/dev/null | grep -E '^  [a-z+]+: ' \
    | awk -v run=$run '{gsub(":", "", $1); t[$1]=$2; total+=$2} END {printf "run %d: total %.2f s, release %.2f s = %.1f %%\n", run, total, t["release"], 100*t["release"]/total}'
done
gongshi verify "$WORK/history-out-$N" --key "$WORK/bench-release-key.pub" | tail -2
