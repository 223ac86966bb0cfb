#!/usr/bin/env bash
# What decoding costs on a whole-tree scan: `keyhound scan` of a large source tree with every
# rule on (the opt-in ones too), on one thread, with --decode-depth 0 (off) and the default 2,
# runs interleaved, median CPU time (user + sys, from getrusage: the machine may be shared)
# and MB/s of that time.
#   bench/decode_bench.sh [BUILD_DIR] [RUNS] [TREE...]   (default build, 7, /usr/include /usr/share/perl)
set -euo pipefail
build=${1:-build}
runs=${2:-7}
shift $(( $# > 2 ? 2 : $# )) || true
[ $# -gt 0 ] || set -- /usr/include /usr/share/perl
kh="$build/keyhound"
[ -x "$kh" ] || { echo "bench/decode_bench.sh: $kh not built" >&2; exit 2; }
python3 - "$kh" "$runs" "$@" <<'PY'
import json, os, resource, statistics, subprocess, sys
kh, runs, trees = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
base = [kh, "scan", "--no-progress", "--no-config", "--threads", "1", "--enable", "generic",
        "--enable", "aws-principal-id", "--enable", "oracle-oci-api-signing-key"]
def run(depth, fmt="text"):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(base + ["--decode-depth", str(depth), "--format", fmt] + trees,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, p.stdout
_, out = run(0, "json")
summary = json.loads(out)["summary"]
mb = summary["bytes_scanned"] / 1048576
times = {0: [], 2: []}
for _ in range(runs):
    for d in (0, 2):
        times[d].append(run(d)[0])
_, out2 = run(2, "json")
found = {d: json.loads(o)["summary"]["findings"] for d, o in ((0, out), (2, out2))}
off, on = statistics.median(times[0]), statistics.median(times[2])
print(f"tree: {mb:.1f} MB in {summary['files_scanned']} files ({' '.join(trees)}), every rule on, one thread,")
print(f"median CPU time of {runs} interleaved runs")
print(f"decode-depth 0: {off:6.3f} s  {mb / off:7.1f} MB/s  ({found[0]} findings)")
print(f"decode-depth 2: {on:6.3f} s  {mb / on:7.1f} MB/s  ({found[2]} findings)")
print(f"decoding costs {(on - off) / off * 100:.1f}% of the scan time")
PY
