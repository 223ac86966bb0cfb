#!/usr/bin/env bash
# Runs every libFuzzer harness for SECONDS each (one process, one core at a time) on the committed
# corpus (tests/fuzz/corpus/<harness>/) plus seeds generated at run time (tests/fuzz/gen_seeds.py;
# key-shaped seeds are never committed). New corpus entries go to a work dir, not the repository.
# Prints the CPU seconds spent and exits 1 if any harness crashed (artifacts are kept).
# Usage: bench/fuzz.sh SECONDS [BUILD_DIR]   (env: FUZZ_WORK=dir to keep the grown corpus)
set -uo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
secs="${1:-60}"
build="${2:-$src/build-fuzz}"
work="${FUZZ_WORK:-$(mktemp -d /tmp/keyhound-fuzz-XXXXXX)}"
mkdir -p "$work"
harnesses=()
for f in "$build"/tests/fuzz/fuzz_*; do
  [[ -x "$f" && -f "$f" ]] && harnesses+=("$f")
done
if [[ ${#harnesses[@]} -eq 0 ]]; then
  echo "fuzz: no harnesses in $build/tests/fuzz (build with -DKEYHOUND_FUZZ=ON and clang)"; exit 1
fi
python3 "$src/tests/fuzz/gen_seeds.py" "$src" "$work/seeds" || echo "fuzz: seed generation failed, using the committed corpus only"
failed=0
total_cpu=0
for h in "${harnesses[@]}"; do
  name="$(basename "$h")"
  corpus="$work/corpus/$name"
  mkdir -p "$corpus" "$work/artifacts"
  dirs=("$corpus")
  [[ -d "$src/tests/fuzz/corpus/$name" ]] && dirs+=("$src/tests/fuzz/corpus/$name")
  [[ -d "$work/seeds/$name" ]] && dirs+=("$work/seeds/$name")
  # The committed regression inputs must pass first, on their own.
  if [[ -d "$src/tests/fuzz/corpus/$name" ]] && ls "$src/tests/fuzz/corpus/$name"/* >/dev/null 2>&1; then
    if ! "$h" -runs=0 "$src/tests/fuzz/corpus/$name"/* >"$work/$name.regress.log" 2>&1; then
      echo "fuzz: $name: a committed regression input fails again (see $work/$name.regress.log)"
      tail -30 "$work/$name.regress.log"; failed=1; continue
    fi
  fi
  t0=$(date +%s)
  /usr/bin/env time -f "%U %S" -o "$work/$name.time" "$h" -max_total_time="$secs" -max_len=20000 -timeout=30 \
      -rss_limit_mb=3000 -print_final_stats=1 -artifact_prefix="$work/artifacts/$name-" "${dirs[@]}" \
      >"$work/$name.log" 2>&1
  rc=$?
  cpu=$(tail -1 "$work/$name.time" 2>/dev/null | awk '{printf "%d", $1+$2+0.5}')
  cpu=${cpu:-0}
  total_cpu=$((total_cpu + cpu))
  execs=$(grep -m1 'stat::number_of_executed_units' "$work/$name.log" | awk '{print $2}')
  if [[ $rc -ne 0 ]]; then
    echo "fuzz: $name: CRASH (exit $rc) after $(( $(date +%s) - t0 ))s; artifacts in $work/artifacts"
    grep -E "ERROR|mismatch|differs|failed" "$work/$name.log" | head -5
    failed=1
  else
    echo "fuzz: $name: ok, ${cpu}s CPU, ${execs:-?} inputs"
  fi
done
echo "fuzz: total ${total_cpu}s CPU fuzzed; work dir $work"
exit $failed
