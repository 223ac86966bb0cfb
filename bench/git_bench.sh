#!/bin/sh
# Times a full-history audit against git's own readers on a synthetic repository:
#   bench/git_bench.sh [KEYHOUND=build/keyhound] [REPO=/tmp/keyhound-bench-repo] [COMMITS=10000]
# The repository is made by bench/make_git_repo.sh if it does not exist. Prints the best of 3
# wall times and the ratios: keyhound vs `git log -p --all` (must be >= 5x faster) and vs
# `git cat-file --batch-all-objects --batch` (every object read once: the floor, within 2x).
# Also keyhound with its pack reader off (every object through libgit2) and its peak RSS.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
kh=${1:-$here/../build/keyhound}
repo=${2:-/tmp/keyhound-bench-repo}
commits=${3:-10000}
[ -d "$repo/.git" ] || "$here/make_git_repo.sh" "$repo" "$commits"
export XDG_CACHE_HOME="${XDG_CACHE_HOME:-/tmp/keyhound-bench-cache}"

best() {  # best of 3 wall-clock seconds of "$@"
  b=
  for _ in 1 2 3; do
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc -l)
    if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
  done
  printf '%.3f' "$b"
}

"$kh" git -q "$repo" >/dev/null 2>&1 || true   # warm the page cache and the rule cache
summary=$("$kh" git --format json "$repo" 2>/dev/null | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print("%d commits, %d blobs, %.0f MB of blob content" % (s["commits_scanned"], s["files_scanned"], s["bytes_scanned"]/1e6))')
t_kh=$(best "$kh" git -q "$repo")
t_lg2=$(best env KEYHOUND_GIT_PACK_READER=0 "$kh" git -q "$repo")
rss_file=$(mktemp)
/usr/bin/time -f '%M' -o "$rss_file" "$kh" git -q "$repo" >/dev/null 2>&1 || true
rss=$(tail -1 "$rss_file")
rm -f "$rss_file"
t_log=$(best git -C "$repo" log -p --all)
t_cat=$(best git -C "$repo" cat-file --batch-all-objects --batch)
echo "repository: $repo ($summary), $(nproc) cores"
echo "keyhound git (full history):                 ${t_kh}s"
echo "keyhound git, libgit2 reader only:           ${t_lg2}s (KEYHOUND_GIT_PACK_READER=0)"
echo "keyhound peak RSS:                           ${rss} KB"
echo "git log -p --all:                            ${t_log}s"
echo "git cat-file --batch-all-objects --batch:    ${t_cat}s"
echo "speed-up vs git log -p:  $(echo "scale=2; $t_log / $t_kh" | bc -l)x (target >= 5)"
echo "ratio to cat-file floor: $(echo "scale=2; $t_kh / $t_cat" | bc -l)x (target <= 2)"
