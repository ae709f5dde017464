#!/usr/bin/env bash
# The demo: installs what is needed, builds, starts a local single-node Kafka
# broker and sidestreamd, produces a few JSON orders and runs the example Python
# pipeline (examples/python/demo_app.py), which prints what it processed.
# Leaves nothing running (set KEEP_RUNNING=1 to keep broker and sidecar up).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

bash scripts/install-deps.sh
bash scripts/build.sh
bash scripts/kafka.sh start

export KAFKA_PORT=${KAFKA_PORT:-9092}
SIDECAR_PORT=${SIDECAR_PORT:-50051}
export SIDESTREAM_ADDRESS="127.0.0.1:$SIDECAR_PORT"
STATE=$(mktemp -d)
LOG="$STATE/sidestreamd.log"
"$ROOT/build/server/sidestreamd" --listen "$SIDESTREAM_ADDRESS" --broker "127.0.0.1:$KAFKA_PORT" \
  --state-dir "$STATE" >"$LOG" 2>&1 &
SIDECAR_PID=$!
cleanup() {
  kill -TERM "$SIDECAR_PID" 2>/dev/null && wait "$SIDECAR_PID" 2>/dev/null || true
  if [ "${KEEP_RUNNING:-0}" != 1 ]; then bash scripts/kafka.sh stop || true; fi
  echo "sidestreamd log: $LOG"
}
trap cleanup EXIT

.venv/bin/python examples/python/demo_app.py --broker "127.0.0.1:$KAFKA_PORT"
