#!/bin/sh
# Times the pre-commit check: `keyhound git --staged` on a typical change (5 files, 200 changed
# lines) in a repository with some history. Target: under 50 ms wall on the second run, when
# the compiled rule database comes from the cache ($XDG_CACHE_HOME/keyhound).
#   bench/precommit_bench.sh [KEYHOUND=build/keyhound]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
kh=${1:-$here/../build/keyhound}
work=$(mktemp -d /tmp/keyhound-precommit-XXXXXX)
export XDG_CACHE_HOME="$work/cache"
"$here/make_git_repo.sh" "$work/repo" 200 3 10 50 >/dev/null
git -C "$work/repo" checkout -q main 2>/dev/null || git -C "$work/repo" reset -q --hard
cd "$work/repo"
git reset -q --hard main
# 5 files, 40 changed lines each.
for i in 1 2 3 4 5; do
  f=$(git ls-files | sed -n "${i}p")
  awk 'NR % 5 == 0 { print "changed_value_" NR " = compute(" NR ")"; next } { print }' "$f" | head -200 > "$f.new"
  mv "$f.new" "$f"
  git add "$f"
done
changed=$(git diff --cached --numstat | awk '{a += $1} END {print a}')
ms() {  # wall milliseconds of one run
  s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))
}
cold=$(ms "$kh" git --staged)
[ -n "$(ls "$XDG_CACHE_HOME/keyhound" 2>/dev/null)" ] && cache="written" || cache="NOT written"
runs=""
for _ in 1 2 3 4 5 6 7 8 9 10; do runs="$runs $(ms "$kh" git --staged)"; done
best=$(echo $runs | tr ' ' '\n' | sort -n | head -1)
median=$(echo $runs | tr ' ' '\n' | sort -n | sed -n 5p)
nocache=$(ms "$kh" git --staged --no-cache)
startup=$(ms "$kh" rules list)
echo "staged change: $(git diff --cached --name-only | wc -l) files, $changed added lines (as many removed)"
echo "first run (compiles and caches the database): ${cold} ms; cache $cache"
echo "cached runs: best ${best} ms, median ${median} ms (target < 50 ms)"
echo "--no-cache (compiles the Hyperscan database): ${nocache} ms"
echo "'rules list' (load built-in rules only): ${startup} ms"
rm -rf "$work"
