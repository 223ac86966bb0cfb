#!/usr/bin/env bash
# Archive scanning speed: a source tree (default /usr/include) packed as .tar, .tar.gz and .zip
# (built once under /tmp), each scanned by `keyhound scan --threads 1`; prints the median CPU
# time of RUNS runs (user + sys, getrusage) and MB/s of decompressed member bytes, next to the
# same tree scanned as files. Target: >= 300 MB/s of decompressed data on one core.
#   bench/archive_bench.sh [BUILD_DIR] [RUNS] [TREE]      (default build, 5, /usr/include)
set -euo pipefail
build=${1:-build}
runs=${2:-5}
tree=${3:-/usr/include}
kh="$build/keyhound"
[ -x "$kh" ] || { echo "bench/archive_bench.sh: $kh not built" >&2; exit 2; }
work=${KEYHOUND_BENCH_ARCHIVES:-/tmp/keyhound-bench-archives}
mkdir -p "$work"
python3 - "$kh" "$runs" "$tree" "$work" <<'PY'
import io, json, os, resource, statistics, subprocess, sys, tarfile, zipfile
kh, runs, tree, work = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
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
base = [kh, "scan", "--no-progress", "--no-config", "--threads", "1", "--quiet"]
def cpu(args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(base + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
print(f"{len(files)} files of {tree}, one thread, median CPU time of {runs} runs")
for label, path in targets:
    out = subprocess.run(base[:-1] + ["--format", "json", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    s = json.loads(out)["summary"]
    t = statistics.median(cpu([path]) for _ in range(runs))
    mb = s["bytes_scanned"] / 1048576
    size = os.path.getsize(path) / 1048576 if os.path.isfile(path) else mb
    print(f"{label:13s} {size:7.1f} MB on disk  {mb:7.1f} MB scanned  {t:6.3f} s  {mb / t:7.1f} MB/s  "
          f"({s['files_scanned']} items)")
PY
