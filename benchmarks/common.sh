# Shared by run.sh and search.sh (sourced): the gongshi to time, /usr/bin/time, a tmpfs for the
# outputs, and field() to read /usr/bin/time -v reports.  Expects SCRATCH to be set.
AS_OF=${AS_OF:-2026-11-29}
GONGSHI=${GONGSHI:-$(command -v gongshi)}
PY=$(dirname "$GONGSHI")/python

[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
mkdir -p "$SCRATCH/out"
# Outputs go to a tmpfs, as in the shared bench: on this VM's disk, creating 100k directories
# costs 2x and more depending on the file system's history, the same for every generator.
if ! mountpoint -q "$SCRATCH/out"; then
  mount -t tmpfs -o size=12g tmpfs "$SCRATCH/out" || echo "!! no tmpfs, writing to disk"
fi

field() { awk -v k="$2" 'index($0, k) {print $NF}' "$1"; }
