#!/usr/bin/env bash
# Runs every sidestream test on this machine, from a fresh clone:
# installs dependencies, builds, runs the GoogleTest suite, the Python SDK unit
# tests, and the end-to-end tests (which start their own single-node KRaft
# Kafka broker from Maven Central jars and their own sidestreamd).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

step() { printf '\n=== %s (%ss)\n' "$1" "$SECONDS"; }

step "install dependencies"
bash scripts/install-deps.sh
step "build"
bash scripts/build.sh
step "start the test broker (Kafka KRaft from Maven Central jars, cached)"
export KAFKA_PORT=${KAFKA_TEST_PORT:-39092}
export KAFKA_FRESH=1
export KAFKA_DATA_DIR="${TMPDIR:-/tmp}/sidestream-test-kafka-$KAFKA_PORT"
bash scripts/kafka.sh start
if [ "${SIDESTREAM_KEEP_BROKER:-0}" != 1 ]; then trap 'bash scripts/kafka.sh stop' EXIT; fi
export SIDESTREAM_TEST_BROKER="127.0.0.1:$KAFKA_PORT"
# The e2e fixtures find this broker running and reuse it.
export SIDESTREAM_KEEP_BROKER=1

step "C++ unit and integration tests (ctest)"
(cd build && ctest --output-on-failure)

step "fuzz the deserializers for a short time (libFuzzer, clang)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-20}"

step "deployment checks (Dockerfile, compose, Helm chart; tools cached)"
bash scripts/check-deploy.sh
step "grpcurl (Go module proxy, cached) for the operations e2e test"
bash scripts/grpcurl.sh -version

export SIDESTREAM_BIN="$ROOT/build/server/sidestreamd"
step "Python SDK unit tests"
.venv/bin/python -m pytest -q client-sdk/python/tests

step "end-to-end tests (real Kafka broker, real sidestreamd)"
.venv/bin/python -m pytest -q tests/e2e

step "all tests passed"
