#!/usr/bin/env bash
# Big-input bench: a SIZE_GB (default 5) GB text file with fake keys planted through it, and a
# LINE_GB (default 1) GB file that is one single line, each scanned by `keyhound scan` under
# /usr/bin/time -v. Reports peak RSS (the bound is 256 MB) and throughput. Keys are generated
# here at run time (never committed). Exits 1 if a bound is broken or a planted key is missed.
# Usage: bench/bigfile.sh [KEYHOUND_BINARY]   (env: SIZE_GB, LINE_GB, WORK_DIR, KEEP=1)
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$src/build/keyhound}"
size_gb="${SIZE_GB:-5}"
line_gb="${LINE_GB:-1}"
work="${WORK_DIR:-$(mktemp -d /tmp/keyhound-bigfile-XXXXXX)}"
limit_kb=$((256 * 1024))
[[ -x "$bin" ]] || { echo "bigfile: no keyhound binary at $bin"; exit 1; }
cleanup() { [[ "${KEEP:-0}" == 1 ]] || rm -rf "$work"; }
trap cleanup EXIT

# gen.py OUT BYTES KEYS ONE_LINE: writes BYTES of text with KEYS fake AWS key pairs spread through it.
cat >"$work/gen.py" <<'PY'
import random, sys
out, total, nkeys, one_line = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
rng = random.Random(5)
words = b"lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
line = (words * 2)[:119] + (b" " if one_line else b"\n")
block = line * (8 * 1024 * 1024 // len(line))
def key(i):
    r = random.Random(i)
    kid = "AKIA" + r.choice("QRSTUVWXYZ234567") + "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(15))
    sec = "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+") for _ in range(40))
    sep = b" " if one_line else b"\n"
    return (" aws_access_key_id = " + kid).encode() + sep + (" aws_secret_access_key = " + sec).encode() + sep
every = total // (nkeys + 1)
written, planted, nxt = 0, 0, every
with open(out, "wb", buffering=16 << 20) as f:
    while written < total:
        n = min(len(block), total - written, max(1, nxt - written) if planted < nkeys else len(block))
        f.write(block[:n]); written += n
        if planted < nkeys and written >= nxt:
            k = key(planted); f.write(k); written += len(k); planted += 1; nxt += every
print(planted)
PY

run_one() {  # label file expected_findings
  local label="$1" file="$2" want="$3"
  local bytes; bytes=$(stat -c %s "$file")
  /usr/bin/time -v "$bin" scan --no-cache --format json --max-file-size $((bytes + 1)) "$file" \
      >"$work/$label.json" 2>"$work/$label.time" || true
  local rss; rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /,"",$2); print $2}' "$work/$label.time")
  local wall; wall=$(awk '/Elapsed \(wall clock\)/ {print $NF}' "$work/$label.time")
  local secs; secs=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  local got; got=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$work/$label.json" 2>/dev/null || echo "?")
  local mbs; mbs=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f", b / 1048576 / s; else print "inf" }')
  echo "bigfile: $label: $((bytes / 1048576)) MiB in ${secs}s = ${mbs} MB/s, peak RSS $((rss / 1024)) MiB, findings $got/$want"
  local ok=1
  [[ "$rss" -lt "$limit_kb" ]] || { echo "bigfile: $label: peak RSS over 256 MB"; ok=0; }
  [[ "$got" == "$want" ]] || { echo "bigfile: $label: expected $want findings"; tail -5 "$work/$label.time"; ok=0; }
  [[ $ok == 1 ]]
}

status=0
echo "bigfile: generating ${size_gb} GB in $work"
keys=$(python3 "$work/gen.py" "$work/big.txt" $((size_gb * 1024 * 1024 * 1024)) 50 0)
run_one "${size_gb}GB-text" "$work/big.txt" "$keys" || status=1
rm -f "$work/big.txt"
echo "bigfile: generating a ${line_gb} GB single line"
keys=$(python3 "$work/gen.py" "$work/line.txt" $((line_gb * 1024 * 1024 * 1024)) 10 1)
run_one "${line_gb}GB-one-line" "$work/line.txt" "$keys" || status=1
exit $status
