#!/usr/bin/env bash
# Installs what building and testing sidestream needs on a fresh Debian
# bookworm machine: the C++ toolchain and libraries from apt, and a Python
# virtualenv (.venv) with the SDK and its test dependencies from PyPI.
# Idempotent: skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(g++ cmake ninja-build ccache pkg-config
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  librdkafka-dev librocksdb-dev nlohmann-json3-dev libabsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev libsimdjson-dev
  openjdk-17-jre-headless maven python3-venv)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# java/mvn may come from elsewhere on the machine (e.g. a preinstalled JDK); apt covered the rest.

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "install-deps: creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.sidestream-deps
want=$(cat client-sdk/python/pyproject.toml client-sdk/python/requirements-dev.txt 2>/dev/null | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -r client-sdk/python/requirements-dev.txt
  echo "$want" > "$stamp"
fi
# The SDK itself is (re)installed every time: it is small and changes often.
.venv/bin/pip install -q --no-deps --force-reinstall ./client-sdk/python
echo "install-deps: ok"
