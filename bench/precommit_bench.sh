#!/bin/sh
# Times what a pre-commit hook costs: `keyhound git --staged` on a 5-file change (40 added lines
# each) in a repository with ~3,000 commits and in one with 100,000 files in HEAD, next to the
# git commands that set the floor, plus the start-up of `keyhound scan` on a 3-byte file and of
# `keyhound --version`. Both repositories are generated here from fixed seeds. The rule database
# cache ($XDG_CACHE_HOME/keyhound) is warmed first, as it is for every hook run but the first.
#   bench/precommit_bench.sh [KEYHOUND=build/keyhound] [RUNS=20]
# KEYHOUND_BENCH_DIR=DIR keeps the generated repositories in DIR and reuses them next time.
# Prints median and spread (min-max) of wall time in ms per row, the mean CPU time (user +
# system: steadier than wall time on a shared machine) and, with perf, the median page faults
# (the same whatever the load; each costs tens of microseconds on a VM); uses hyperfine when
# installed, else a loop (wall time only).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
kh=${1:-$here/../build/keyhound}
case $kh in /*) ;; *) kh=$PWD/$kh ;; esac
runs=${2:-20}
if [ -n "${KEYHOUND_BENCH_DIR:-}" ]; then
  mkdir -p "$KEYHOUND_BENCH_DIR"
  work=$(cd "$KEYHOUND_BENCH_DIR" && pwd)
else
  work=$(mktemp -d /tmp/keyhound-precommit-XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
export XDG_CACHE_HOME="$work/cache"

# 5 files, 40 added lines each (one after every 5th line, the rest at the end).
stage_change() {
  for f in $(git ls-files | grep -v '^side/' | head -5); do
    awk '{ print } NR % 5 == 0 && n < 40 { print "changed_value_" NR " = compute(" NR ")"; n++ }
         END { while (n < 40) { print "changed_value_end_" n " = compute(" n ")"; n++ } }' "$f" > "$f.new"
    mv "$f.new" "$f"
    git add "$f"
  done
}

if [ ! -f "$work/ready" ]; then
# Small: ~3,000 commits of a 500-file project.
"$here/make_git_repo.sh" "$work/small" 3000 3 4 500 >/dev/null
(cd "$work/small" && git reset -q --hard main && stage_change)

# Large: one commit with 100,000 files (100 top folders x 10 subfolders x 100 files), written
# by fast-import; the index comes from `git read-tree` (as after a checkout: a complete
# cache-tree), and only the 5 changed files are put in the work tree.
mkdir -p "$work/large"
git init -q -b main "$work/large"
python3 - <<'PY' | git -C "$work/large" fast-import --quiet
import random, sys
rng = random.Random(7)
out = sys.stdout.buffer
words = ["alpha", "beta", "config", "value", "return", "data", "index", "result", "error", "name"]
out.write(b"commit refs/heads/main\ncommitter Bench <bench@example.com> 1600000000 +0000\ndata 6\nlarge\n")
for a in range(100):
    for b in range(10):
        for c in range(100):
            body = "".join(" ".join(rng.choice(words) for _ in range(6)) + " %d\n" % i for i in range(rng.randint(3, 300)))
            body = ("# file %d/%d/%d\n" % (a, b, c) + body).encode()
            out.write(b"M 100644 inline src/d%02d/s%d/f%03d.txt\ndata %d\n" % (a, b, c, len(body)))
            out.write(body + b"\n")
PY
(cd "$work/large" && git read-tree HEAD && git checkout-index -- $(git ls-files | head -5) && stage_change)

# The small file for `scan`.
printf 'abc' > "$work/tiny.txt"
touch "$work/ready"
fi
(cd "$work/small" && "$kh" git --staged >/dev/null 2>&1 || true)  # compiles and caches the database

echo "keyhound: $kh"
echo "small repo: $(git -C "$work/small" rev-list --count HEAD) commits, $(git -C "$work/small" ls-files | wc -l) files;" \
     "large repo: $(git -C "$work/large" ls-files | wc -l) files; staged: $(git -C "$work/small" diff --cached --numstat | awk '{n++; a += $1} END {print n " files, " a " added lines"}')"
printf '%-50s %10s %16s %9s %7s\n' "command" "median ms" "spread (min-max)" "CPU ms" "faults"

faults() {  # median page faults of 5 runs of CMD..., or "-" without perf
  if command -v perf >/dev/null 2>&1 && perf stat -x, -e page-faults true >/dev/null 2>&1; then
    for _ in 1 2 3 4 5; do
      perf stat -x, -e page-faults "$@" 2>&1 >/dev/null | awk -F, '/page-faults/ {print $1}'
    done | sort -n | sed -n 3p
  else
    echo -
  fi
}

row() {  # row LABEL DIR CMD...
  label=$1 dir=$2
  shift 2
  if command -v hyperfine >/dev/null 2>&1; then
    (cd "$dir" && hyperfine -N -w 3 -r "$runs" -i --export-json "$work/h.json" -- "$*" >/dev/null 2>&1)
    f=$(cd "$dir" && faults "$@")
    python3 - "$work/h.json" "$label" "$f" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
t = sorted(x * 1000 for x in r["times"])
print("%-50s %10.1f %16s %9.1f %7s" % (sys.argv[2], r["median"] * 1000, "%.1f-%.1f" % (t[0], t[-1]),
                                       (r["user"] + r["system"]) * 1000, sys.argv[3]))
PY
  else
    ts=""
    for _ in $(seq "$runs"); do
      s=$(date +%s%N); (cd "$dir" && "$@" >/dev/null 2>&1) || true; e=$(date +%s%N)
      ts="$ts $(( (e - s) / 100000 ))"
    done
    echo $ts | tr ' ' '\n' | sort -n | awk -v l="$label" '{t[NR] = $1 / 10} END {
      printf "%-50s %10.1f %16s %9s %7s\n", l, (t[int((NR + 1) / 2)] + t[int(NR / 2) + 1]) / 2, t[1] "-" t[NR], "-", "-" }'
  fi
}

row "keyhound git --staged (small repo)" "$work/small" "$kh" git --staged
row "git diff --cached (small repo)" "$work/small" git diff --cached
row "git diff --cached --name-only (small repo)" "$work/small" git diff --cached --name-only
row "keyhound git --staged (100,000 files)" "$work/large" "$kh" git --staged
row "git diff --cached (100,000 files)" "$work/large" git diff --cached
row "git diff --cached --name-only (100,000 files)" "$work/large" git diff --cached --name-only
row "keyhound scan FILE (3 bytes)" "$work" "$kh" scan tiny.txt
row "keyhound --version" "$work" "$kh" --version
