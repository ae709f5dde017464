#!/usr/bin/env bash
# Checks the deployment files without a Docker engine or a cluster:
#   Dockerfile, examples/python/Dockerfile  dockerfile-utils lint (npm) + the rules in deploy/tools/checks.py,
#                                           runtime libraries vs `ldd build/server/sidestreamd`, the build
#                                           stage's cmake configure on the copied files, .dockerignore
#   docker-compose.yml                      Compose specification JSON schema (vendored) + wiring rules
#   helm/sidestream                         helm lint; helm template for every deploy/values-*.yaml and
#                                           Kubernetes version; kubeconform -strict against vendored schemas;
#                                           assertions on the rendered pods; values the schema must reject
#   docs/deployment.md                      documents every chart value
#
# Tools come only from package registries and are cached under
# ${XDG_CACHE_HOME:-~/.cache}/sidestream/tools (later runs skip the installs):
#   helm, kubeconform   go install via the Go module proxy (Go: PATH or /usr/local/go/bin/go)
#   dockerfile-utils    npm
#   jsonschema, PyYAML, dockerfile-parse   PyPI, in a venv
#   ShellCheck          Debian (apt-get), when missing
# Nothing is downloaded at check time: the Kubernetes, CRD and Compose schemas are in deploy/schemas/.
#
# Exit status 0 only when every check passed. Last line: "check-deploy: N passed, M failed[, K skipped]".
# Environment: SIDESTREAMD (binary for the runtime-library check, default build/server/sidestreamd),
# GO (go binary), CHECK_DEPLOY_VERBOSE=1 (print the output of passing checks too).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD

HELM_VERSION=v3.21.4         # built with k8s.io/client-go v0.36 -> default Kubernetes 1.36
HELM_K8S_MINOR=36
KUBECONFORM_VERSION=v0.8.0
DOCKERFILE_UTILS_VERSION=0.16.3
PY_REQUIREMENTS=(jsonschema==4.26.0 PyYAML==6.0.3 dockerfile-parse==2.0.1)
KUBE_VERSIONS_DEFAULT=(1.27.0 1.36.0)   # oldest supported (Chart.yaml kubeVersion) and newest vendored

TOOLS=${XDG_CACHE_HOME:-$HOME/.cache}/sidestream/tools
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
START=$SECONDS

passed=0 failed=0 skipped=0
failures=()
log() { echo "check-deploy: $*" >&2; }

# check NAME CMD...: one check; passes when CMD exits 0.
check() {
  local name=$1 out rc
  shift
  out=$("$@" 2>&1)
  rc=$?
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1))
    echo "ok    $name"
    # shellcheck disable=SC2001 # indent every line
    if [ "${CHECK_DEPLOY_VERBOSE:-0}" = 1 ] && [ -n "$out" ]; then echo "$out" | sed 's/^/      /'; fi
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "FAIL  $name"
    echo "$out" | tail -n 40 | sed 's/^/      /'
  fi
  return 0
}

# expect_failure NAME PATTERN CMD...: passes when CMD fails and its output contains PATTERN.
expect_failure() {
  local name=$1 pattern=$2 out rc
  shift 2
  out=$("$@" 2>&1)
  rc=$?
  if [ $rc -ne 0 ] && grep -qF -- "$pattern" <<<"$out"; then
    passed=$((passed + 1))
    echo "ok    $name"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "FAIL  $name (want failure mentioning '$pattern', got exit $rc)"
    echo "$out" | tail -n 20 | sed 's/^/      /'
  fi
}

# check_live NAME CMD...: like check, but CMD's output is shown as it runs (tool installs).
check_live() {
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "ok    $name"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "FAIL  $name"
  fi
}

skip() {
  skipped=$((skipped + 1))
  echo "skip  $1"
}

summary() {
  echo
  if ((failed)); then
    echo "failed checks:"
    printf '  %s\n' "${failures[@]}"
  fi
  log "finished in $((SECONDS - START))s"
  if ((skipped)); then
    echo "check-deploy: $passed passed, $failed failed, $skipped skipped"
  else
    echo "check-deploy: $passed passed, $failed failed"
  fi
  ((failed == 0))
}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# ---------------------------------------------------------------- tools (cached)

setup_go_tools() {
  local go=${GO:-}
  if [ -z "$go" ]; then go=$(command -v go || true); fi
  if [ -z "$go" ] && [ -x /usr/local/go/bin/go ]; then go=/usr/local/go/bin/go; fi
  local -a want=()
  [ -x "$HELM" ] || want+=(helm)
  [ -x "$KUBECONFORM" ] || want+=(kubeconform)
  ((${#want[@]})) || return 0
  [ -n "$go" ] || { log "no Go toolchain (PATH, GO or /usr/local/go/bin/go) to build ${want[*]}"; return 1; }
  local t0=$SECONDS tool tmp
  for tool in "${want[@]}"; do
    tmp=$(mktemp -d "$TOOLS/.build-$tool.XXXXXX")
    log "building $tool with $("$go" version | cut -d' ' -f3) via the Go module proxy (first run only)"
    case $tool in
      helm)
        # The same -X settings as helm's Makefile: version string and default Kubernetes version.
        GOBIN=$tmp CGO_ENABLED=0 "$go" install -trimpath -ldflags "-s -w \
          -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
          -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$HELM_K8S_MINOR \
          -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$HELM_K8S_MINOR" \
          "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" || { rm -rf "$tmp"; return 1; }
        mkdir -p "$(dirname "$HELM")" && mv "$tmp/helm" "$HELM" ;;
      kubeconform)
        GOBIN=$tmp CGO_ENABLED=0 "$go" install -trimpath -ldflags "-s -w -X main.version=$KUBECONFORM_VERSION" \
          "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION" || { rm -rf "$tmp"; return 1; }
        mkdir -p "$(dirname "$KUBECONFORM")" && mv "$tmp/kubeconform" "$KUBECONFORM" ;;
    esac
    rm -rf "$tmp"
  done
  log "built ${want[*]} in $((SECONDS - t0))s"
}

PY_KEY=$(printf '%s\n' "${PY_REQUIREMENTS[@]}" "$(python3 --version 2>&1)" | sha256sum | cut -c1-12)
PYENV=$TOOLS/python-$PY_KEY
PY=$PYENV/bin/python
HELM=$TOOLS/helm-$HELM_VERSION/helm
KUBECONFORM=$TOOLS/kubeconform-$KUBECONFORM_VERSION/kubeconform
NPM_DIR=$TOOLS/dockerfile-utils-$DOCKERFILE_UTILS_VERSION
DOCKERFILE_UTILS=$NPM_DIR/node_modules/.bin/dockerfile-utils

setup_python() {
  [ -x "$PY" ] && [ -f "$PYENV/.complete" ] && return 0
  rm -rf "$PYENV"
  log "creating $PYENV (${PY_REQUIREMENTS[*]})"
  if ! python3 -m venv "$PYENV" 2>/dev/null; then
    log "python3 -m venv failed; installing python3-venv"
    as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-venv >/dev/null &&
      rm -rf "$PYENV" && python3 -m venv "$PYENV" || return 1
  fi
  "$PY" -m pip install -q --disable-pip-version-check "${PY_REQUIREMENTS[@]}" || return 1
  touch "$PYENV/.complete"
}

setup_npm() {
  [ -x "$DOCKERFILE_UTILS" ] && [ -f "$NPM_DIR/.complete" ] && return 0
  if ! command -v npm >/dev/null; then
    log "no npm; installing Debian's nodejs and npm"
    as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nodejs npm >/dev/null || return 1
  fi
  rm -rf "$NPM_DIR"
  mkdir -p "$NPM_DIR"
  log "installing dockerfile-utils@$DOCKERFILE_UTILS_VERSION from npm"
  (cd "$NPM_DIR" && echo '{"private": true}' >package.json &&
    npm install --no-audit --no-fund --loglevel=error "dockerfile-utils@$DOCKERFILE_UTILS_VERSION" >/dev/null) || return 1
  touch "$NPM_DIR/.complete"
}

setup_shellcheck() {
  command -v shellcheck >/dev/null && return 0
  log "installing Debian's shellcheck"
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq shellcheck >/dev/null
}

mkdir -p "$TOOLS"
t_tools=$SECONDS
echo "== tools (cached in $TOOLS)"
check_live "tools: helm $HELM_VERSION and kubeconform $KUBECONFORM_VERSION (go install)" setup_go_tools
check_live "tools: Python venv with ${PY_REQUIREMENTS[*]}" setup_python
check_live "tools: dockerfile-utils $DOCKERFILE_UTILS_VERSION (npm)" setup_npm
check_live "tools: shellcheck (Debian)" setup_shellcheck
if ((failed)); then
  log "tool set-up failed; nothing else can be checked"
  summary
  exit 1
fi
log "tools ready in $((SECONDS - t_tools))s: $("$HELM" version --short), kubeconform $("$KUBECONFORM" -v), dockerfile-utils $DOCKERFILE_UTILS_VERSION"
checks() { "$PY" deploy/tools/checks.py "$@"; }

# ---------------------------------------------------------------- Dockerfiles

echo "== Dockerfiles"
lint_dockerfile() { # dockerfile-utils prints nothing for a clean file; any diagnostic (even a warning) fails
  local out
  out=$("$DOCKERFILE_UTILS" lint "$1" 2>&1)
  [ -z "$out" ] || { echo "$out"; return 1; }
}
check "Dockerfile: dockerfile-utils lint" lint_dockerfile Dockerfile
check "examples/python/Dockerfile: dockerfile-utils lint" lint_dockerfile examples/python/Dockerfile
check "Dockerfile: rules (pinned bookworm base, apt hygiene, non-root, HEALTHCHECK, runtime-only final stage, build deps = install-deps.sh)" \
  checks dockerfile Dockerfile --runtime-stage --install-deps scripts/install-deps.sh \
  --expose 50051 9464 --entrypoint-arg=/usr/local/bin/sidestreamd --entrypoint-arg=--listen --entrypoint-arg=0.0.0.0:50051
check "examples/python/Dockerfile: rules" checks dockerfile examples/python/Dockerfile

linter_selftest() { # the rules must catch every violation planted in the fixture
  local out rule missing=()
  out=$(checks dockerfile deploy/lint-fixtures/bad.Dockerfile --runtime-stage 2>&1) && { echo "no problem found"; return 1; }
  # shellcheck disable=SC2013 # the expect line is a list of words
  for rule in $(sed -n 's/^# expect: //p' deploy/lint-fixtures/bad.Dockerfile); do
    grep -q ": $rule: " <<<"$out" || missing+=("$rule")
  done
  ((${#missing[@]} == 0)) || { echo "rules not reported: ${missing[*]}"; echo "$out"; return 1; }
}
check "Dockerfile rules catch every planted violation (deploy/lint-fixtures/bad.Dockerfile)" linter_selftest

SIDESTREAMD=${SIDESTREAMD:-build/server/sidestreamd}
if [ -x "$SIDESTREAMD" ] && command -v ldd >/dev/null && command -v apt-cache >/dev/null; then
  check "Dockerfile: final-stage packages provide every library of ldd $SIDESTREAMD" \
    checks runtime-libs Dockerfile "$SIDESTREAMD"
else
  skip "Dockerfile: runtime libraries vs ldd (no $SIDESTREAMD: run scripts/build.sh first)"
fi
if command -v cmake >/dev/null && command -v ninja >/dev/null && pkg-config --exists grpc++ rdkafka++ 2>/dev/null; then
  check "Dockerfile: build stage's cmake configure succeeds on exactly the files it COPYs" \
    checks cmake-configure .dockerignore Dockerfile
else
  skip "Dockerfile: build stage cmake configure (C++ packages missing: run scripts/install-deps.sh)"
fi
check ".dockerignore: COPY sources reach the context; build output, .venv, .git stay out" \
  checks dockerignore .dockerignore Dockerfile examples/python/Dockerfile

check "scripts/check-deploy.sh: shellcheck" shellcheck scripts/check-deploy.sh

# ---------------------------------------------------------------- Compose

echo "== docker-compose.yml"
check "docker-compose.yml: Compose specification schema + health-ordered wiring" \
  checks compose docker-compose.yml deploy/schemas/compose-spec.json
expect_failure "compose checks reject a broken file (deploy/lint-fixtures/bad-compose.yml)" "has no healthcheck" \
  checks compose deploy/lint-fixtures/bad-compose.yml deploy/schemas/compose-spec.json
expect_failure "compose schema rejects unknown service keys" "'dependson' was unexpected" \
  checks compose deploy/lint-fixtures/bad-compose.yml deploy/schemas/compose-spec.json

# ---------------------------------------------------------------- Helm chart

echo "== helm/sidestream"
CHART=helm/sidestream
SCHEMA_LOCATIONS=(
  -schema-location "$ROOT/deploy/schemas/kubernetes/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
  -schema-location "$ROOT/deploy/schemas/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"
)

render_and_validate() { # VALUES KUBE_VERSION OUT
  "$HELM" template sidestream-check "$CHART" -f "$1" --kube-version "$2" --namespace apps >"$3" || return 1
  "$KUBECONFORM" -strict -summary -kubernetes-version "$2" "${SCHEMA_LOCATIONS[@]}" "$3"
}

kube_versions_of() { # the "# kube-versions:" header of a value set, else the default pair
  local v
  v=$(sed -n 's/^# kube-versions: *//p' "$1" | head -n1)
  if [ -n "$v" ]; then echo "$v"; else echo "${KUBE_VERSIONS_DEFAULT[*]}"; fi
}

VALUE_SETS=("$CHART/values.yaml" deploy/values-*.yaml)
for values in "${VALUE_SETS[@]}"; do
  name=$(basename "$values" .yaml)
  [ "$values" = "$CHART/values.yaml" ] && name="chart-defaults"
  read -r -a versions <<<"$(kube_versions_of "$values")"
  check "helm lint --strict ($name)" "$HELM" lint --strict "$CHART" -f "$values" --kube-version "${versions[-1]}"
  for kv in "${versions[@]}"; do
    out=$WORK/$name-$kv.yaml
    check "helm template + kubeconform -strict, Kubernetes $kv ($name)" render_and_validate "$values" "$kv" "$out"
    if [ -s "$out" ]; then
      check "rendered pod wiring, Kubernetes $kv ($name)" checks rendered "$out" "$values"
    fi
  done
  while read -r kv pattern; do
    [ -n "$kv" ] || continue
    expect_failure "helm template refuses $name on Kubernetes $kv" "$pattern" \
      "$HELM" template sidestream-check "$CHART" -f "$values" --kube-version "$kv"
  done < <(sed -n 's/^# fails-on: *//p' "$values")
done

for values in deploy/values-invalid/*.yaml; do
  pattern=$(sed -n 's/^# expect: *//p' "$values" | head -n1)
  expect_failure "values rejected: $(basename "$values" .yaml)" "$pattern" \
    "$HELM" template sidestream-check "$CHART" -f "$values" --kube-version "${KUBE_VERSIONS_DEFAULT[-1]}"
done

notes_check() { # NOTES.txt renders and tells how to connect (and, with SASL, where credentials come from)
  # `helm install --dry-run` wants a reachable cluster, and `helm template` skips NOTES.txt: render it
  # with tpl from a copy of the chart, where it is an ordinary file.
  local chart=$WORK/notes-chart out want
  rm -rf "$chart" && cp -r "$CHART" "$chart" && cp "$CHART/templates/NOTES.txt" "$chart/notes-check.txt"
  printf '%s\n' 'notes: |' '{{- tpl (.Files.Get "notes-check.txt") . | nindent 2 }}' >"$chart/templates/notes-check.yaml"
  out=$("$HELM" template sidestream-check "$chart" -f deploy/values-sasl-metrics.yaml --namespace apps \
    --kube-version "${KUBE_VERSIONS_DEFAULT[-1]}" --show-only templates/notes-check.yaml 2>&1) || { echo "$out"; return 1; }
  for want in "SIDESTREAM_ADDRESS=127.0.0.1:50051" "SIDESTREAM_KAFKA_SASL_PASSWORD" "consumer_extra_config" \
    "fraud-scorer-kafka" "/metrics" "grpcurl" "ServiceMonitor apps/sidestream-check scrapes"; do
    grep -qF -- "$want" <<<"$out" || { echo "NOTES lack '$want':"; echo "$out"; return 1; }
  done
}
check "NOTES.txt: connection, SASL and metrics instructions" notes_check
check "docs/deployment.md documents every chart value" checks values-keys "$CHART/values.yaml" "$CHART/values.schema.json" docs/deployment.md

summary
