#!/bin/sh
# Builds a synthetic git repository for benchmarks with `git fast-import`:
#   bench/make_git_repo.sh DIR [COMMITS=10000] [FILES_TOUCHED_PER_COMMIT=3] [FILE_KB=10] [FILES=500]
# Every commit edits a few files (about a tenth of their lines change), so the history holds
# COMMITS * FILES_TOUCHED_PER_COMMIT unique blobs of about FILE_KB each: the defaults give
# 10,000 commits and about 300 MB of blob content (a much smaller pack on disk, as in real
# repositories). A side branch, a tag and a few fake keys (made up at run time) are included.
set -eu
dir=${1:?usage: make_git_repo.sh DIR [COMMITS] [FILES_TOUCHED] [FILE_KB] [FILES]}
commits=${2:-10000}
touched=${3:-3}
file_kb=${4:-10}
files=${5:-500}
rm -rf "$dir"
git init -q -b main "$dir"
python3 - "$commits" "$touched" "$file_kb" "$files" <<'PY' | git -C "$dir" fast-import --quiet
import random, sys
commits, touched, file_kb, nfiles = (int(a) for a in sys.argv[1:5])
rng = random.Random(42)
words = ["alpha", "beta", "config", "value", "return", "function", "import", "self", "data",
         "index", "result", "error", "string", "buffer", "count", "name", "path", "user", "token_len",
         "for", "while", "if", "else", "none", "true", "false", "print", "logger", "request", "client"]
def line():
    return " ".join(rng.choice(words) for _ in range(rng.randint(4, 12))) + "\n"
pool = [line() for _ in range(5000)]
lines_per_file = max(1, file_kb * 1024 // 55)
paths = ["src/mod%02d/file%04d.py" % (i % 20, i) for i in range(nfiles)]
content = {}
out = sys.stdout.buffer
def w(s):
    out.write(s if isinstance(s, bytes) else s.encode())
def blob(b):
    w("data %d\n" % len(b)); w(b); w("\n")
def fake_key():
    b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    a64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+"
    kid = "AKIA" + rng.choice(b32[16:]) + "".join(rng.choice(b32) for _ in range(15))
    sec = "".join(rng.choice(a64) for _ in range(40))
    return "aws_access_key_id = %s\naws_secret_access_key = %s\n" % (kid, sec)
t0 = 1600000000
for c in range(commits):
    w("commit refs/heads/main\nmark :%d\ncommitter Bench <bench@example.com> %d +0000\n" % (c + 1, t0 + c * 60))
    blob(("commit %d\n" % c).encode())
    if c: w("from :%d\n" % c)
    for p in rng.sample(paths, min(touched, len(paths))):
        cur = content.get(p)
        if cur is None:
            cur = [rng.choice(pool) for _ in range(lines_per_file)]
        else:
            for _ in range(max(1, lines_per_file // 10)):
                cur[rng.randrange(len(cur))] = rng.choice(pool)
        if rng.random() < 0.0005:
            cur.insert(rng.randrange(len(cur)), fake_key())
        content[p] = cur
        w("M 100644 inline %s\n" % p)
        blob("".join(cur).encode())
# A side branch and a tag, each with one more key.
w("commit refs/heads/side\ncommitter Bench <bench@example.com> %d +0000\n" % (t0 + commits * 60))
blob(b"side\n"); w("from :%d\nM 100644 inline side/creds.env\n" % (commits // 2)); blob(fake_key().encode())
w("tag v1\nfrom :%d\ntagger Bench <bench@example.com> %d +0000\n" % (commits // 3, t0)); blob(b"v1\n")
PY
# fast-import already wrote one pack with deltas between versions of a file, as git would.
echo "$dir: $(git -C "$dir" rev-list --all --count) commits, $(git -C "$dir" count-objects -vH | sed -n 's/size-pack: //p') packed"
