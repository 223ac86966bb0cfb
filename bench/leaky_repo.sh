#!/bin/sh
# Recall and precision of keyhound's DEFAULT rules on Plazmaz/leaky-repo, an independent
# benchmark of 44 configuration files with leaked credentials, labelled per file in
# .leaky-meta/secrets.csv (lines holding a risk, lines holding informative data). The benchmark
# is checked out outside this repository (none of its content may be committed here):
#
#   git clone https://github.com/Plazmaz/leaky-repo /tmp/leaky-repo
#   bench/leaky_repo.sh /tmp/leaky-repo [KEYHOUND_BINARY]    (default: build/keyhound)
#
# Scoring (the labels are counts, not line numbers): a file's found lines are the distinct
# lines on which a finding starts (a multi-line private key is one line, as the labels count
# it). Files covered: files with a risk line that have a finding (of 42). Line recall: the sum
# over files of min(found, risk) over the sum of risk. Extra lines: found beyond a file's risk
# count, plus every line found in a file the labels do not list. The benchmark's own scoring
# (benchmark.py: expected = risk + informative, 44 files) is printed next to it for comparison
# with its published results (gitleaks tuned 40 files, detect-secrets 23, TruffleHog 23).
set -eu
[ $# -ge 1 ] || { echo "usage: bench/leaky_repo.sh LEAKY_REPO_DIR [KEYHOUND_BINARY]" >&2; exit 2; }
repo=$1
kh=${2:-build/keyhound}
[ -x "$kh" ] || { echo "leaky_repo.sh: $kh: not an executable (build first)" >&2; exit 2; }
labels="$repo/.leaky-meta/secrets.csv"
[ -f "$labels" ] || { echo "leaky_repo.sh: $labels: no such file (is $repo a leaky-repo checkout?)" >&2; exit 2; }
kh=$(cd "$(dirname "$kh")" && pwd)/$(basename "$kh")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rc=0
# Default settings: no --enable, no config of ours (the benchmark has none either).
(cd "$repo" && "$kh" scan --format json ${KEYHOUND_LEAKY_ARGS:-} . > "$out/report.json" 2> "$out/err") || rc=$?
[ "$rc" -le 1 ] || { cat "$out/err" >&2; exit 2; }
python3 - "$out/report.json" "$labels" <<'PY'
import json, sys, csv, collections
report = json.load(open(sys.argv[1]))
labels = {}
with open(sys.argv[2]) as f:
    rows = [l for l in f if l.strip() and not l.startswith("#")]
for name, risk, info in csv.reader(rows):
    labels[name.strip()] = (int(risk), int(info))
lines = collections.defaultdict(set)
rules = collections.defaultdict(set)
for f in report["findings"]:
    lines[f["path"]].add(f["line"])
    rules[f["path"]].add(f["rule_id"])
risk_files = [n for n, (r, _) in labels.items() if r > 0]
total_risk = sum(r for r, _ in labels.values())
covered = found = extra = 0
pub_covered = pub_found = pub_fp = pub_expected = 0
print("| file | risk | informative | found lines | rules |")
print("|---|---:|---:|---:|---|")
for name in sorted(labels):
    r, i = labels[name]
    n = len(lines.get(name, ()))
    if r > 0 and n > 0:
        covered += 1
    found += min(n, r)
    extra += max(n - r, 0)
    pub_expected += r + i
    pub_fp += max(n - r - i, 0)
    pub_found += n - max(n - r - i, 0)
    pub_covered += n > 0
    print("| %s | %d | %d | %d | %s |" % (name, r, i, n, ", ".join(sorted(rules.get(name, ())))))
for name in sorted(set(lines) - set(labels)):
    extra += len(lines[name])
    print("| %s (not labelled) | - | - | %d | %s |" % (name, len(lines[name]), ", ".join(sorted(rules[name]))))
print()
print("files covered: %d/%d   line recall: %d/%d (%.1f%%)   extra lines: %d"
      % (covered, len(risk_files), found, total_risk, 100.0 * found / total_risk, extra))
print("benchmark.py scoring: files covered %d/%d, finds %d/%d (%.1f%%), false positives %d"
      % (pub_covered, len(labels), pub_found, pub_expected, 100.0 * pub_found / pub_expected, pub_fp))
PY
