#!/usr/bin/env bash
# Side-by-side benchmark (issue #6), one command: sidestream (native, Python apply,
# Python stateful) against quixstreams in-process, a confluent-kafka-python loop
# and the raw librdkafka loop, on one fresh broker on 127.0.0.1:$KAFKA_PORT
# (default 39792). Creates .venv-bench from bench/requirements-bench.txt plus the
# SDK of this working tree, builds sidestreamd/raw_forward/fill_input/latency_probe
# (Release-like, apart from the test build), runs bench/compare/run_compare.py,
# prints the tables and ratios, appends them to bench/RESULTS.md and writes
# bench/compare.png (unless --no-results), then stops the broker.
#
#   bash bench/run_compare.sh [--count N] [--reps R] [--no-results] [--skip-latency]
#                             [--only raw,ss-native,...] [--quix-changelog] [--profile]
#
# Env: KAFKA_PORT (39792), BENCH_BUILD_DIR (/tmp/sidestream-bench-build),
#      BENCH_WORK (/tmp/sidestream-compare), BENCH_SKIP_BUILD=1, PYTHON (python3)
set -euo pipefail
cd "$(dirname "$0")/.."
export KAFKA_PORT=${KAFKA_PORT:-39792}
BUILD=${BENCH_BUILD_DIR:-/tmp/sidestream-bench-build}
WORK=${BENCH_WORK:-/tmp/sidestream-compare}
VENV=.venv-bench

# 1. The benchmark's virtualenv: pinned competitors, then this tree's SDK on top.
if [ ! -x "$VENV/bin/python" ]; then
  echo "run_compare: creating $VENV"
  "${PYTHON:-python3}" -m venv "$VENV"
fi
stamp=$VENV/.bench-deps
want=$(cat bench/requirements-bench.txt client-sdk/python/pyproject.toml | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -r bench/requirements-bench.txt ./client-sdk/python
  echo "$want" > "$stamp"
fi
# The SDK changes often: reinstall it (not its dependencies) every time.
"$VENV/bin/pip" install -q --no-deps --force-reinstall ./client-sdk/python 2>/dev/null

# 2. The binaries, in their own optimised build directory.
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(pwd)} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
  if [ ! -f "$BUILD/build.ninja" ]; then
    cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIDESTREAM_BUILD_TESTS=OFF \
      -DSIDESTREAM_BUILD_BENCH=ON >/dev/null
  fi
  cmake --build "$BUILD" -j "${JOBS:-$(nproc)}" --target sidestreamd raw_forward fill_input latency_probe
fi

# 3. A fresh broker, stopped on exit whatever happens.
rm -rf "$WORK"
mkdir -p "$WORK"
export KAFKA_DATA_DIR="$WORK/kafka-$KAFKA_PORT"
trap 'bash scripts/kafka.sh stop || true' EXIT
KAFKA_FRESH=1 KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms1g -Xmx1g}" bash scripts/kafka.sh start

# 4. The runs.
"$VENV/bin/python" bench/compare/run_compare.py --bin-dir "$BUILD" --broker "127.0.0.1:$KAFKA_PORT" \
  --work "$WORK" "$@"
