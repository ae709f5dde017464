#!/usr/bin/env bash
# State benchmark, one command: starts a fresh broker on 127.0.0.1:$KAFKA_PORT (default 39692),
# fills 1,000,000 keyed messages (10,000 keys), runs the stateless and the stateful Python `apply`
# pipeline on the same input (bench/run_state.py), prints the table, appends it to bench/RESULTS.md
# and stops the broker.
#
#   bash bench/run_state.sh [--count N] [--keys K] [--no-results]
#
# Env: KAFKA_PORT (39692), BENCH_WORK (/tmp/sidestream-bench-state),
#      SIDESTREAM_BIN (build/server/sidestreamd; build it with scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
export KAFKA_PORT=${KAFKA_PORT:-39692}
WORK=${BENCH_WORK:-/tmp/sidestream-bench-state}
BIN=${SIDESTREAM_BIN:-build/server/sidestreamd}
[ -x "$BIN" ] || { echo "no sidestreamd at $BIN: run scripts/build.sh" >&2; exit 1; }
rm -rf "$WORK"
mkdir -p "$WORK"
export KAFKA_DATA_DIR="$WORK/kafka-$KAFKA_PORT"
trap 'bash scripts/kafka.sh stop || true' EXIT
KAFKA_FRESH=1 KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms1g -Xmx1g}" bash scripts/kafka.sh start
.venv/bin/python bench/run_state.py --sidestreamd "$BIN" --broker "127.0.0.1:$KAFKA_PORT" --work "$WORK" "$@"
