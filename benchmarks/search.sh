#!/usr/bin/env bash
# Search benchmark: for N synthetic penalties, the time and peak memory of each search stage
# (the lookup index, Pagefind), the number and size of their files, and what a browser
# downloads for one search (benchmarks/search_bytes.py, Debian's chromium).
#
#   benchmarks/search.sh                    # N = 10,000 and 100,000 (100,000: ~10 minutes, ~4 GB)
#   SIZES=1000 benchmarks/search.sh         # smoke test
#
# gongshi must be installed with its test extras (pip install -e ".[test]": playwright).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"10000 100000"}
SCRATCH=${SCRATCH:-/tmp/gongshi-bench-search}
SAMPLES=${SAMPLES:-20}
. benchmarks/common.sh
timed() {  # timed <name> <command…>: wall s and peak RSS MiB of the command (its largest process)
  local name=$1; shift
  /usr/bin/time -v -o "$SCRATCH/$name.time" "$@" >"$SCRATCH/$name.log" 2>&1 || { cat "$SCRATCH/$name.log"; exit 1; }
  printf '%s %s\n' "$(field "$SCRATCH/$name.time" "Elapsed (wall clock)")" \
    "$(( $(field "$SCRATCH/$name.time" "Maximum resident set size") / 1024 ))"
}
files() { find "$1" -type f | wc -l; }
size() { du -sb "$1" | awk '{printf "%.1f", $1 / 1048576}'; }

: > "$SCRATCH/search-summary.md"
for n in $SIZES; do
  site="$SCRATCH/site-$n"
  out="$SCRATCH/out/search-$n"
  "$PY" benchmarks/make_site.py --n "$n" --out "$site" --as-of "$AS_OF" >/dev/null
  rm -rf "$out"
  read -r render_wall render_rss < <(timed "render-$n" "$GONGSHI" build --site "$site" --out "$out" --as-of "$AS_OF" --no-search-index)
  read -r lookup_wall lookup_rss < <(timed "lookup-$n" "$PY" benchmarks/index_stage.py lookup "$site" "$out")
  read -r pf_wall pf_rss < <(timed "pagefind-$n" "$PY" benchmarks/index_stage.py pagefind "$out")
  {
    echo "### N = $n"
    echo
    echo "| stage | wall | peak RSS MiB | files | size MiB |"
    echo "|---|---:|---:|---:|---:|"
    echo "| render + write (no index) | $render_wall | $render_rss | | |"
    echo "| lookup index | $lookup_wall | $lookup_rss | $(files "$out/lookup") | $(size "$out/lookup") |"
    echo "| Pagefind (extended) | $pf_wall | $pf_rss | $(files "$out/pagefind") | $(size "$out/pagefind") |"
    echo
    echo "A full build holds the site model (render's peak) while Pagefind runs: at most" \
         "$((render_rss + pf_rss)) MiB together."
    echo
    "$PY" benchmarks/search_bytes.py "$out" --samples "$SAMPLES"
    echo
  } | tee -a "$SCRATCH/search-summary.md"
done
echo "(summary in $SCRATCH/search-summary.md)"
