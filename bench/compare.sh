#!/usr/bin/env bash
# Times a whole `keyhound scan` of a generated source tree against grep -rE and rg searching the
# same tree for the AWS key-ID pattern alone, and prints the ratios and keyhound's peak memory.
#   bench/compare.sh [SIZE_MB] [BUILD_DIR]      (default 1024 MB, build)
# Needs: ripgrep, GNU time, python3 (apt-get install ripgrep time python3).
set -euo pipefail
size_mb=${1:-1024}
build=${2:-build}
kh="$build/keyhound"
tree=${KEYHOUND_BENCH_TREE:-/tmp/keyhound-bench-tree-$size_mb}
[ -x "$kh" ] || { echo "bench/compare.sh: $kh not built" >&2; exit 2; }
command -v rg >/dev/null || { echo "bench/compare.sh: rg missing (apt-get install ripgrep)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench/compare.sh: GNU time missing (apt-get install time)" >&2; exit 2; }

# The tree: copies of the machine's real source text (/usr/include, Python modules) in
# directories of a few hundred files each, with fake keys planted at fixed places.
if [ ! -f "$tree/.complete" ]; then
  rm -rf "$tree"; mkdir -p "$tree"
  python3 - "$tree" "$size_mb" <<'PY'
import os, sys, base64
tree, limit = sys.argv[1], int(sys.argv[2]) << 20
files = []
for root in ("/usr/include", "/usr/lib/python3"):
    for d, _, names in os.walk(root):
        for n in names:
            if n.endswith((".h", ".py")):
                p = os.path.join(d, n)
                try:
                    if os.path.isfile(p) and not os.path.islink(p) and os.path.getsize(p) < 512 * 1024:
                        files.append(p)
                except OSError:
                    pass
files.sort()
total, copy = 0, 0
while total < limit:
    dird = os.path.join(tree, "copy%d" % copy)
    for n, f in enumerate(files):
        d = os.path.join(dird, "d%d" % (n // 300))
        os.makedirs(d, exist_ok=True)
        with open(f, "rb") as src:
            data = src.read()
        with open(os.path.join(d, "%d-%s" % (n, os.path.basename(f))), "wb") as dst:
            dst.write(data)
        total += len(data)
        if total >= limit:
            break
    # one planted fake key pair per copy (made up here, never a real key)
    kid = "AKIAQZ" + "".join("ABCDEFGHIJ"[int(c)] for c in "%014d" % copy)
    sec = base64.b64encode(os.urandom(30)).decode()[:40]
    with open(os.path.join(dird, "credentials"), "w") as o:
        o.write("aws_access_key_id = %s\naws_secret_access_key = %s\n" % (kid, sec))
    copy += 1
PY
  touch "$tree/.complete"
fi
bytes=$(du -sb "$tree" | cut -f1)
mb=$(awk -v b="$bytes" 'BEGIN{printf "%.0f", b/1048576}')
cat "$tree"/copy*/d*/* >/dev/null 2>&1 || true   # warm the page cache

best() {  # best wall time of 3 runs of "$@"
  local b=999999
  for _ in 1 2 3; do
    local s e
    s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
    b=$(awk -v a="$b" -v t="$(awk -v s="$s" -v e="$e" 'BEGIN{print e-s}')" 'BEGIN{print (t<a)?t:a}')
  done
  echo "$b"
}
pattern='AKIA[A-Z2-7]{16}'
t_kh=$(best "$kh" scan --threads 2 --quiet --format jsonl "$tree")
t_rg=$(best rg -j2 -uuu -c -E none "$pattern" "$tree")
t_grep=$(best grep -rEc "$pattern" "$tree")
rss=$( { /usr/bin/time -v "$kh" scan --threads 2 --quiet --format jsonl "$tree" >/dev/null || true; } 2>&1 | awk -F: '/Maximum resident/{gsub(/ /,"",$2); print $2}')
printf 'tree: %s MB in %s\n' "$mb" "$tree"
printf '%-36s %8.2fs  %7.0f MB/s\n' "keyhound scan --threads 2 (all rules)" "$t_kh" "$(awk -v m="$mb" -v t="$t_kh" 'BEGIN{print m/t}')"
printf '%-36s %8.2fs  %7.0f MB/s\n' "rg -j2 (AWS key-ID pattern only)" "$t_rg" "$(awk -v m="$mb" -v t="$t_rg" 'BEGIN{print m/t}')"
printf '%-36s %8.2fs  %7.0f MB/s\n' "grep -rE (AWS key-ID pattern only)" "$t_grep" "$(awk -v m="$mb" -v t="$t_grep" 'BEGIN{print m/t}')"
printf 'keyhound / rg   = %.2fx the time\n' "$(awk -v a="$t_kh" -v b="$t_rg" 'BEGIN{print a/b}')"
printf 'keyhound / grep = %.2fx the time\n' "$(awk -v a="$t_kh" -v b="$t_grep" 'BEGIN{print a/b}')"
printf 'keyhound peak RSS: %s KB\n' "$rss"
