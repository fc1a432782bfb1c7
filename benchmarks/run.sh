#!/usr/bin/env bash
# Side-by-side benchmark: a cold full build of gongshi (everything but the search index) and
# Hugo building the shared bench's equivalent site, same N, same machine, one run.
#
#   benchmarks/run.sh                      # N = 10,000 and 100,000
#   SIZES=1000 benchmarks/run.sh           # smoke test
#   WITH_HUGO=0 benchmarks/run.sh          # gongshi only
#
# gongshi must be installed (pip install -e .); GONGSHI defaults to the one on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
SIZES=${SIZES:-"10000 100000"}
SCRATCH=${SCRATCH:-/tmp/gongshi-bench}
SHARED_BENCH=${SHARED_BENCH:-$REPO/../shared/bench}
WITH_HUGO=${WITH_HUGO:-1}
. benchmarks/common.sh
report() {  # report <name> <n> <time -v file>
  local wall cpu_u cpu_s rss
  wall=$(field "$3" "Elapsed (wall clock)"); cpu_u=$(field "$3" "User time"); cpu_s=$(field "$3" "System time")
  rss=$(field "$3" "Maximum resident set size")
  printf '| %s | %s | %s | %.1f = %.1f + %.1f | %d |\n' "$1" "$2" "$wall" \
    "$(awk -v a="$cpu_u" -v b="$cpu_s" "BEGIN{print a+b}")" "$cpu_u" "$cpu_s" "$((rss / 1024))" | tee -a "$SCRATCH/summary.md"
}

: > "$SCRATCH/summary.md"
echo "| builder | N | wall | CPU s = user + sys | peak RSS MiB |" | tee -a "$SCRATCH/summary.md"
echo "|---|---:|---:|---:|---:|" | tee -a "$SCRATCH/summary.md"
for n in $SIZES; do
  site="$SCRATCH/site-$n"
  "$PY" benchmarks/make_site.py --n "$n" --out "$site" --as-of "$AS_OF" >/dev/null
  out="$SCRATCH/out/gongshi-$n"
  rm -rf "$out"; sync
  /usr/bin/time -v -o "$SCRATCH/gongshi-$n.time" "$GONGSHI" build --site "$site" --out "$out" \
    --as-of "$AS_OF" --no-search-index --timings >"$SCRATCH/gongshi-$n.log" 2>&1
  grep -E "构建完成|^  " "$SCRATCH/gongshi-$n.log" | sed 's/^/    /'
  report gongshi "$n" "$SCRATCH/gongshi-$n.time"
  if [ "$WITH_HUGO" = 1 ] && [ -x "$SHARED_BENCH/run.sh" ]; then
    (cd "$SHARED_BENCH" && SIZES=$n RUNS=1 PEERS=hugo COMPARE=0 ./run.sh >"$SCRATCH/hugo-$n.log" 2>&1) \
      || { echo "!! hugo run failed, see $SCRATCH/hugo-$n.log"; continue; }
    report hugo "$n" /tmp/bench/times/hugo-$n-1.txt
  fi
done
echo "(logs and outputs under $SCRATCH)"
