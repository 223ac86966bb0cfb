#!/usr/bin/env bash
# CI smoke run of every libFuzzer harness: builds them with clang (KEYHOUND_FUZZ=ON) and runs
# each for FUZZ_SECONDS (default 20) on the committed corpus plus generated seeds. Exits 0 with a
# message when clang/libFuzzer is not available; exits 1 if any harness crashes.
# Usage: tests/fuzz/smoke.sh [BUILD_DIR]   (env: FUZZ_SECONDS, CXX)
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$src/build-fuzz}"
secs="${FUZZ_SECONDS:-20}"
cxx="${CXX:-}"
if [[ -z "$cxx" || "$cxx" != *clang* ]]; then
  cxx="$(command -v clang++ || command -v clang++-14 || true)"
fi
if [[ -z "$cxx" ]]; then
  echo "fuzz smoke: SKIPPED: clang++ not found (libFuzzer needs clang; apt-get install clang libclang-rt-dev)"
  exit 0
fi
echo "fuzz smoke: configuring $build with $cxx"
mkdir -p "$build"
log="$build/fuzz-configure.log"
if ! CXX="$cxx" cmake -S "$src" -B "$build" -DKEYHOUND_FUZZ=ON -DKEYHOUND_BENCH=OFF -DKEYHOUND_TESTS=OFF >"$log" 2>&1; then
  cat "$log"; echo "fuzz smoke: cmake failed"; exit 1
fi
if grep -q "does not support -fsanitize=fuzzer" "$log"; then
  echo "fuzz smoke: SKIPPED: $cxx has no libFuzzer runtime (install libclang-rt-dev)"
  exit 0
fi
cmake --build "$build" -j"${FUZZ_JOBS:-$(nproc)}" --target fuzzers
exec "$src/bench/fuzz.sh" "$secs" "$build"
