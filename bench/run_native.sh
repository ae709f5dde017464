#!/usr/bin/env bash
# Native-step benchmark, one command: builds raw_forward/fill_input/sidestreamd,
# starts a fresh broker on 127.0.0.1:$KAFKA_PORT (default 39592), runs
# (a) raw librdkafka forward and (b) sidestreamd native filter/assign/project
# over the same 1,000,000-message input, prints the table, appends it to
# bench/RESULTS.md and stops the broker.
#
#   bash bench/run_native.sh [--count N] [--profile] [--no-results]
#
# Env: KAFKA_PORT (39592), BENCH_BUILD_DIR (/tmp/sidestream-bench-build),
#      BENCH_WORK (/tmp/sidestream-bench), BENCH_SKIP_BUILD=1
set -euo pipefail
cd "$(dirname "$0")/.."
export KAFKA_PORT=${KAFKA_PORT:-39592}
BUILD=${BENCH_BUILD_DIR:-/tmp/sidestream-bench-build}
WORK=${BENCH_WORK:-/tmp/sidestream-bench}
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  if [ ! -f "$BUILD/build.ninja" ]; then
    cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIDESTREAM_BUILD_TESTS=OFF -DSIDESTREAM_BUILD_BENCH=ON >/dev/null
  fi
  cmake --build "$BUILD" -j "$(nproc)" --target sidestreamd raw_forward fill_input
fi
rm -rf "$WORK"
mkdir -p "$WORK"
export KAFKA_DATA_DIR="$WORK/kafka-$KAFKA_PORT"
trap 'bash scripts/kafka.sh stop || true' EXIT
KAFKA_FRESH=1 KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms1g -Xmx1g}" bash scripts/kafka.sh start
.venv/bin/python bench/run_native.py --bin-dir "$BUILD" --broker "127.0.0.1:$KAFKA_PORT" --work "$WORK" "$@"
