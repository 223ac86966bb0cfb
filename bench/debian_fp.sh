#!/bin/sh
# False positives on third-party code every Debian machine has: scans /usr/include, /usr/share
# and /usr/lib/python3 (those that exist) with the default rules and prints findings per GB by
# class (rule and the kind of place: docs, examples, tests, other). docs/debian-fp.md holds the
# table with each class judged true (a real key shipped as a fixture) or false.
#
#   bench/debian_fp.sh [KEYHOUND_BINARY]     (default: build/keyhound)
set -eu
kh=${1:-build/keyhound}
[ -x "$kh" ] || { echo "debian_fp.sh: $kh: not an executable (build first)" >&2; exit 2; }
dirs=""
for d in /usr/include /usr/share /usr/lib/python3; do
  [ -d "$d" ] && dirs="$dirs $d"
done
[ -n "$dirs" ] || { echo "debian_fp.sh: none of /usr/include /usr/share /usr/lib/python3 exists" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rc=0
# Secrets stay redacted: the class comes from the rule and the path, never the value.
"$kh" scan --format json --show-suppressed $dirs > "$out/report.json" 2> "$out/err" || rc=$?
[ "$rc" -le 1 ] || { cat "$out/err" >&2; exit 2; }
python3 - "$out/report.json" $dirs <<'PY'
import json, sys, collections
report = json.load(open(sys.argv[1]))
s = report["summary"]
gb = s["bytes_scanned"] / 1e9
def place(path):
    p = path.lower()
    for k, name in (("/doc/", "docs"), ("readme", "docs"), ("example", "examples"), ("/test", "tests"), ("fixture", "tests")):
        if k in p:
            return name
    return "other"
classes = collections.Counter()
where = collections.defaultdict(list)
for f in report["findings"]:
    key = (f["rule_id"], place(f["path"]))
    classes[key] += 1
    where[key].append("%s:%s" % (f["path"], f["line"]))
print("scanned: %s (%d files, %.3f GB) in %.1f s, %d findings, %d documentation examples hidden"
      % (" ".join(sys.argv[2:]), s["files_scanned"], gb, s["elapsed_seconds"], s["findings"], s["examples_hidden"]))
print()
print("| rule | place | findings | per GB | first locations |")
print("|---|---|---:|---:|---|")
for (rule, pl), n in sorted(classes.items(), key=lambda kv: -kv[1]):
    print("| %s | %s | %d | %.2f | %s |" % (rule, pl, n, n / gb if gb else 0, ", ".join(where[(rule, pl)][:3])))
print("| **all** | | %d | %.2f | |" % (s["findings"], s["findings"] / gb if gb else 0))
PY
