#!/bin/sh
# Audit benchmark on a synthetic organisation (bench/make_org.py, from a seed): 180 independent
# repositories, one large history and 20 forks of it. Reports repositories per hour, MB/s and
# peak RSS of the whole audit, what the 20 forks cost after their parent (target <= 1.3x the
# parent alone), and what a re-audit with nothing new costs (target <= 5% of the first).
#   bench/org_bench.sh [BUILD_DIR] [SEED] [LARGE_COMMITS]
# KEYHOUND_ORG=DIR reuses an organisation make_org.py wrote there (making one takes minutes).
set -eu
BUILD=${1:-build}
SEED=${2:-1}
LARGE=${3:-3000}
KH=$(cd "$BUILD" && pwd)/keyhound
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /tmp/keyhound-org-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
export XDG_CACHE_HOME="$W/cache"

if [ -n "${KEYHOUND_ORG:-}" ]; then
  ln -s "$(cd "$KEYHOUND_ORG" && pwd)" "$W/org"
else
  python3 "$HERE/make_org.py" "$W/org" --seed "$SEED" --repos 180 --commits 30 --forks 20 \
    --large-commits "$LARGE" >/dev/null
fi
REPOS=$(ls "$W/org" | wc -l)
"$KH" rules list >/dev/null  # the rule cache is built once, outside the timings

DBG=
# seconds of wall time, of CPU (user + sys) and peak RSS (KB) of one audit; the jsonl "done"
# event to $W/last.json. The machine may be shared: CPU seconds are the steadier measure.
audit() {
  db=$1; shift
  # --no-config: the timings are the audit's, not those of a .keyhound.toml where the bench is run
  /usr/bin/time -v -o "$W/time.txt" "$KH" audit --no-config --datastore "$db" --clone-dir "$W/clones" --progress jsonl \
    -o /dev/null -q $DBG "$@" 2>"$W/progress.jsonl" || [ $? -eq 1 ]
  grep '"event":"done"' "$W/progress.jsonl" > "$W/last.json"
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$W/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$W/time.txt")
  cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$W/time.txt")
  # with DBG=--debug, stage times (wall): the audit itself, and writing its report (--debug
  # costs time itself: the timed runs go without)
  scan_ms=$(sed -n 's/.*stage scan: \([0-9.]*\) ms.*/\1/p' "$W/progress.jsonl")
  report_ms=$(sed -n 's/.*stage report: \([0-9.]*\) ms.*/\1/p' "$W/progress.jsonl")
}
field() { python3 -c "import json,sys; print(json.load(open('$W/last.json'))['$1'])"; }

audit "$W/all.db" "$W/org"
FULL=$wall; FULL_CPU=$cpu; FULL_RSS=$rss; BYTES=$(field bytes); BLOBS=$(field blobs_scanned)
audit "$W/all.db" "$W/org"
NOOP=$wall; NOOP_CPU=$cpu; NOOP_SCANNED=$(field blobs_scanned)

# One fork alone, then all 20 forks, each into a fresh datastore, REPEAT times (default 5)
# each: on a shared machine one run is noise, the least CPU of several is the cost.
REPEAT=${REPEAT:-5}
set --
for f in "$W"/org/fork*.git; do set -- "$@" "$f"; done
ONE= ONE_CPU= FORKS= FORKS_CPU=
smaller() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'; }
for i in $(seq "$REPEAT"); do
  rm -f "$W"/one.db*; audit "$W/one.db" "$W/org/fork00.git"
  ONE_CPU=$(smaller "$ONE_CPU" "$cpu"); ONE=$(smaller "$ONE" "$wall")
  rm -f "$W"/forks.db*; audit "$W/forks.db" "$@"
  FORKS_CPU=$(smaller "$FORKS_CPU" "$cpu"); FORKS=$(smaller "$FORKS" "$wall")
done
FORK_SCANNED=$(field blobs_scanned); FORK_RSS=$rss
DBG=--debug
rm -f "$W"/one.db*; audit "$W/one.db" "$W/org/fork00.git"; ONE_SCAN=$scan_ms
rm -f "$W"/forks.db*; audit "$W/forks.db" "$@"; FORKS_SCAN=$scan_ms; FORKS_REPORT=$report_ms
DBG=

# The same two audits counted in instructions (valgrind's callgrind, when installed; INSTR=0
# skips it): unlike CPU seconds, the same on a busy machine from run to run.
ONE_IR=0 FORKS_IR=0
if [ "${INSTR:-1}" = 1 ] && command -v valgrind >/dev/null 2>&1; then
  instructions() {
    db=$1; shift
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$KH" audit --no-config --datastore "$db" \
      --clone-dir "$W/clones" --progress none -o /dev/null -q "$@" 2>&1 >/dev/null | sed -n 's/.*Collected : //p' | tr -d ,
  }
  # Under valgrind the CPU looks different (no AVX-512), so the engine's cached database is
  # another one: built once here, outside the count.
  rm -f "$W"/one.db*; valgrind --tool=none "$KH" audit --no-config --datastore "$W/one.db" --progress none \
    -o /dev/null -q "$W/org/fork00.git" >/dev/null 2>&1 || true
  rm -f "$W"/one.db*; ONE_IR=$(instructions "$W/one.db" "$W/org/fork00.git")
  rm -f "$W"/forks.db*; FORKS_IR=$(instructions "$W/forks.db" "$@")
fi

# `keyhound report --format json` of the whole datastore: peak RSS (written as it is made)
/usr/bin/time -v -o "$W/time.txt" "$KH" report --format json --datastore "$W/all.db" -o /dev/null || [ $? -eq 1 ]
JSON_RSS=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$W/time.txt")
JSON_CPU=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$W/time.txt")
echo "report --format json of the whole datastore: peak RSS $((JSON_RSS / 1024)) MB, ${JSON_CPU} s CPU"

python3 - "$REPOS" "$FULL" "$FULL_CPU" "$FULL_RSS" "$BYTES" "$BLOBS" "$NOOP" "$NOOP_CPU" "$NOOP_SCANNED" \
  "$ONE" "$ONE_CPU" "$FORKS" "$FORKS_CPU" "$FORK_SCANNED" "$FORK_RSS" "$ONE_SCAN" "$FORKS_SCAN" "$FORKS_REPORT" \
  "$ONE_IR" "$FORKS_IR" <<'PY'
import os, sys
a = sys.argv[1:]
repos, full, full_cpu, rss, b, blobs = int(a[0]), float(a[1]), float(a[2]), int(a[3]), int(a[4]), int(a[5])
noop, noop_cpu, noop_scanned = float(a[6]), float(a[7]), a[8]
one, one_cpu, forks, forks_cpu, fscanned, frss = float(a[9]), float(a[10]), float(a[11]), float(a[12]), a[13], int(a[14])
print(f"repositories        {repos} ({blobs} blobs, {b/1e6:.1f} MB)")
print(f"full audit          {full:.2f} s wall, {full_cpu:.2f} s CPU: {repos/full*3600:,.0f} repositories/hour,"
      f" {b/1e6/full:.1f} MB/s, peak RSS {rss/1024:.0f} MB")
print(f"no-op re-audit      {noop:.2f} s wall = {noop/full*100:.1f}%, {noop_cpu:.2f} s CPU = {noop_cpu/full_cpu*100:.1f}%"
      f" of the first ({noop_scanned} blobs scanned; target <= 5%)")
print(f"one fork alone      {one:.2f} s wall, {one_cpu:.2f} s CPU; all 20 forks {forks:.2f} s wall = {forks/one:.2f}x,"
      f" {forks_cpu:.2f} s CPU = {forks_cpu/one_cpu:.2f}x (least of {os.environ.get('REPEAT', '5')} runs each;"
      f" target <= 1.3x; {fscanned} blobs scanned, peak RSS {frss/1024:.0f} MB)")
one_scan, forks_scan, forks_report = float(a[15]), float(a[16]), float(a[17])
print(f"  scan stage only   (one --debug run, wall) one fork {one_scan:.0f} ms, 20 forks {forks_scan:.0f} ms = {forks_scan/one_scan:.2f}x"
      f" (their report: {forks_report:.0f} ms for 20x the findings)")
one_ir, forks_ir = int(a[18]), int(a[19])
if one_ir:
    print(f"  instructions      one fork {one_ir/1e6:,.0f}M, 20 forks {forks_ir/1e6:,.0f}M = {forks_ir/one_ir:.2f}x"
          f" ({(forks_ir-one_ir)/19/1e6:.1f}M per fork after the first; callgrind)")
PY
