#!/usr/bin/env bash
# Archive scanning speed: a source tree (default /usr/include) packed as .tar, .tar.gz and .zip
# (built once under /tmp), each scanned by `keyhound scan --threads 1`; prints the median CPU
# time of RUNS runs (user + sys, wait4), the peak RSS and MB/s of decompressed member bytes, next to the
# same tree scanned as files. Target: >= 300 MB/s of decompressed data on one core.
# BEFORE (another keyhound binary) is run interleaved with this one, run for run, so a busy
# machine slows both alike.
#   bench/archive_bench.sh [BUILD_DIR] [RUNS] [TREE] [BEFORE]      (default build, 5, /usr/include)
set -euo pipefail
build=${1:-build}
runs=${2:-5}
tree=${3:-/usr/include}
before=${4:-}
kh="$build/keyhound"
[ -x "$kh" ] || { echo "bench/archive_bench.sh: $kh not built" >&2; exit 2; }
work=${KEYHOUND_BENCH_ARCHIVES:-/tmp/keyhound-bench-archives}
mkdir -p "$work"
python3 - "$kh" "$runs" "$tree" "$work" "$before" <<'PY'
import io, json, os, statistics, subprocess, sys, tarfile, zipfile
kh, runs, tree, work, before = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
files = []
for d, _, names in os.walk(tree):
    for n in sorted(names):
        p = os.path.join(d, n)
        if os.path.isfile(p) and not os.path.islink(p):
            files.append(p)
files.sort()
def build(name, make):
    path = os.path.join(work, name)
    if not os.path.exists(path):
        make(path + ".part")
        os.rename(path + ".part", path)
    return path
def make_tar(mode):
    def f(path):
        with tarfile.open(path, mode) as t:
            for p in files:
                t.add(p, arcname=os.path.relpath(p, tree), recursive=False)
    return f
def make_zip(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for p in files:
            z.write(p, os.path.relpath(p, tree))
targets = [("tree (files)", tree), ("tar", build("tree.tar", make_tar("w"))),
           ("tar.gz", build("tree.tar.gz", make_tar("w:gz"))), ("zip", build("tree.zip", make_zip))]
opts = ["scan", "--no-progress", "--no-config", "--threads", "1", "--quiet"]
def run(binary, path):
    # wait4: this child's own CPU time and peak RSS (RUSAGE_CHILDREN keeps the largest so far).
    p = subprocess.Popen([binary] + opts + [path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, ru = os.wait4(p.pid, 0)
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024
binaries = [("before", before), ("after", kh)] if before else [("", kh)]
print(f"{len(files)} files of {tree}, one thread, median CPU time of {runs} runs")
for label, path in targets:
    out = subprocess.run([kh] + opts[:-1] + ["--format", "json", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    s = json.loads(out)["summary"]
    got = {b: [] for _, b in binaries}
    for _ in range(runs):
        for _, b in binaries:
            got[b].append(run(b, path))
    mb = s["bytes_scanned"] / 1048576
    size = os.path.getsize(path) / 1048576 if os.path.isfile(path) else mb
    for which, b in binaries:
        t = statistics.median(g[0] for g in got[b])
        rss = max(g[1] for g in got[b])
        print(f"{label:13s} {which:6s} {size:7.1f} MB on disk  {mb:7.1f} MB scanned  {t:6.3f} s  {mb / t:7.1f} MB/s  "
              f"{rss:6.1f} MB peak RSS  ({s['files_scanned']} items)")
PY
