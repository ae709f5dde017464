#!/usr/bin/env bash
# Regenerates the private gRPC/protobuf stubs of the Python SDK from the
# contract in proto/sidestream/v1 (the repository root's proto/ folder).
#
#   scripts/gen_proto.sh [OUT_DIR]
#
# OUT_DIR defaults to sidestream/_rpc; the stubs land in OUT_DIR/sidestream/v1.
# protoc writes imports as `from sidestream.v1 import ...`, which would resolve
# to this SDK's own top-level package; they are rewritten to the private path
# `sidestream._rpc.sidestream.v1`, so no sys.path tricks are needed.
# Needs grpcio-tools at exactly the version pinned in requirements-dev.txt (the
# output depends on it; tests/test_generated_code.py checks freshness).
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
PROTO_ROOT="$(cd "$HERE/../../proto" && pwd)"
OUT="${1:-$HERE/sidestream/_rpc}"
PYTHON="${PYTHON:-python3}"

mkdir -p "$OUT/sidestream/v1"
rm -f "$OUT"/sidestream/v1/*_pb2*.py "$OUT"/sidestream/v1/*_pb2*.pyi
(cd "$PROTO_ROOT" && "$PYTHON" -m grpc_tools.protoc -I . \
  --python_out="$OUT" --pyi_out="$OUT" --grpc_python_out="$OUT" \
  sidestream/v1/*.proto)
for f in "$OUT"/sidestream/v1/*_pb2*.py "$OUT"/sidestream/v1/*_pb2*.pyi; do
  sed -i -e 's/^from sidestream\.v1 import /from sidestream._rpc.sidestream.v1 import /' "$f"
done
printf '"""Generated code for the sidestream.v1 contract (private; see scripts/gen_proto.sh)."""\n' \
  >"$OUT/sidestream/__init__.py"
cp "$OUT/sidestream/__init__.py" "$OUT/sidestream/v1/__init__.py"
