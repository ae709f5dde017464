#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into build-fuzz/ and runs serde_fuzz
# for N seconds (default 30) from the seed corpus in tests/fuzz/corpus/.
# New inputs go to build-fuzz/corpus/ (the seeds are never modified); a crash
# leaves its input in build-fuzz/ and fails the script.
#   scripts/fuzz.sh [SECONDS] [extra libFuzzer flags...]
# Needs clang and libclang-rt-14-dev; installed here with apt when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-30}
shift || true
BUILD_DIR=build-fuzz
CXX=${CXX:-clang++}
if ! command -v "$CXX" >/dev/null || ! dpkg-query -W libclang-rt-14-dev >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
fi
command -v "$CXX" >/dev/null || { echo "fuzz.sh: $CXX not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER="$CXX" \
    -DCMAKE_CXX_FLAGS="$SAN" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DSIDESTREAM_BUILD_TESTS=OFF -DSIDESTREAM_BUILD_BENCH=OFF -DSIDESTREAM_BUILD_FUZZ=ON
fi
cmake --build "$BUILD_DIR" --target serde_fuzz -j "${JOBS:-$(nproc)}"
mkdir -p "$BUILD_DIR/corpus"
cd "$BUILD_DIR"
./tests/fuzz/serde_fuzz -max_total_time="$SECONDS_TO_RUN" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 "$@" corpus ../tests/fuzz/corpus
