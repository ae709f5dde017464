#!/usr/bin/env bash
# grpcurl, built once through the Go module proxy and cached, then run with
# the given arguments:  scripts/grpcurl.sh -plaintext 127.0.0.1:50051 list
set -euo pipefail
GRPCURL_VERSION=v1.9.3
TOOLS=${XDG_CACHE_HOME:-$HOME/.cache}/sidestream/tools
BIN=$TOOLS/grpcurl-$GRPCURL_VERSION/grpcurl
if [ ! -x "$BIN" ]; then
  go=$(command -v go || true)
  [ -n "$go" ] || go=/usr/local/go/bin/go
  [ -x "$go" ] || { echo "grpcurl.sh: no Go toolchain to build grpcurl" >&2; exit 1; }
  mkdir -p "$TOOLS"
  tmp=$(mktemp -d "$TOOLS/.build-grpcurl.XXXXXX")
  echo "grpcurl.sh: building grpcurl $GRPCURL_VERSION via the Go module proxy (first run only)" >&2
  GOBIN=$tmp CGO_ENABLED=0 "$go" install -trimpath -ldflags "-s -w -X main.version=$GRPCURL_VERSION" \
    "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION" >&2 || { rm -rf "$tmp"; exit 1; }
  mkdir -p "$(dirname "$BIN")" && mv "$tmp/grpcurl" "$BIN" && rm -rf "$tmp"
fi
exec "$BIN" "$@"
