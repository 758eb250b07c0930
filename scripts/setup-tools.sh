#!/usr/bin/env bash
# Builds the native tools the tests and `claude-otel stack` run: the OpenTelemetry
# Collector from collector/builder-config.yaml, Prometheus 3 and promtool, and actionlint.
# Idempotent and cached outside the repo, keyed by manifest and version; prints the
# tool paths as KEY=VALUE lines (also written to $CACHE/tools.env).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${CLAUDE_OTEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/claude-otel}
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
export GOPATH=${GOPATH:-$HOME/go}

OCB_VERSION=v0.155.0
PROM_VERSION=v0.316.0   # Prometheus 3.x as a Go module version
ACTIONLINT_VERSION=v1.7.7

log() { printf 'setup-tools: %s\n' "$*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || { log "error: '$1' is not installed; install it (e.g. apt-get install $2) and run again"; exit 2; }; }
need go golang
need sha256sum coreutils

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

gov=$(go env GOVERSION)

# --- collector --------------------------------------------------------------
key=$({ cat "$root/collector/builder-config.yaml"; cat "$root/collector/gomod/go.mod" "$root/collector/gomod/go.sum" 2>/dev/null || true; echo "$gov"; } | sha256sum | cut -c1-16)
coldir="$cache/collector-$key"
collector="$coldir/claude-otel-collector"
if [[ ! -x "$collector" ]]; then
  log "building the OpenTelemetry Collector ($OCB_VERSION, cache key $key); about 4 minutes the first time"
  GOBIN="$cache/gobin" go install "go.opentelemetry.io/collector/cmd/builder@$OCB_VERSION"
  work=$(mktemp -d "$cache/collector-build.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  cp "$root/collector/builder-config.yaml" "$work/manifest.yaml"
  # ocb's own `go mod tidy` fails on test-only modules the proxy does not serve, so it
  # only generates the sources; the module is resolved and built below.
  (cd "$work" && "$cache/gobin/builder" --config=manifest.yaml --skip-get-modules --skip-compilation >&2)
  src="$work/build"
  if [[ -f "$root/collector/gomod/go.mod" ]]; then
    cp "$root/collector/gomod/go.mod" "$root/collector/gomod/go.sum" "$src/"
  else
    rm -f "$src/go.mod" "$src/go.sum"
    (cd "$src" && go mod init claude-otel-collector >&2)
    mods=$(grep -Eo 'gomod: [^ ]+ v[0-9.]+' "$work/manifest.yaml" | sed 's/gomod: //; s/ /@/')
    # shellcheck disable=SC2086
    (cd "$src" && go get $mods go.opentelemetry.io/collector/otelcol@v0.155.0 >&2)
  fi
  (cd "$src" && go mod tidy -e >&2)
  (cd "$src" && go build -trimpath -ldflags='-s -w' -o "$work/claude-otel-collector" . >&2)
  mkdir -p "$coldir"
  mv "$work/claude-otel-collector" "$collector"
  cp "$src/go.mod" "$src/go.sum" "$coldir/"
  rm -rf "$work"; trap - EXIT
fi

# --- prometheus + promtool ---------------------------------------------------
promdir="$cache/prometheus-$PROM_VERSION-$gov"
if [[ ! -x "$promdir/prometheus" ]]; then
  log "building Prometheus $PROM_VERSION; about 3 minutes the first time"
  GOBIN="$promdir" go install -tags remove_all_sd,enable_file_sd "github.com/prometheus/prometheus/cmd/prometheus@$PROM_VERSION"
fi
if [[ ! -x "$promdir/promtool" ]]; then
  log "building promtool $PROM_VERSION"
  GOBIN="$promdir" go install -tags remove_all_sd "github.com/prometheus/prometheus/cmd/promtool@$PROM_VERSION"
fi

# --- actionlint ----------------------------------------------------------------
aldir="$cache/actionlint-$ACTIONLINT_VERSION"
if [[ ! -x "$aldir/actionlint" ]]; then
  log "building actionlint $ACTIONLINT_VERSION"
  GOBIN="$aldir" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" || log "warning: actionlint could not be built"
fi

{
  echo "CLAUDE_OTEL_COLLECTOR_BIN=$collector"
  echo "CLAUDE_OTEL_PROMETHEUS_BIN=$promdir/prometheus"
  echo "CLAUDE_OTEL_PROMTOOL_BIN=$promdir/promtool"
  [[ -x "$aldir/actionlint" ]] && echo "CLAUDE_OTEL_ACTIONLINT_BIN=$aldir/actionlint"
} > "$cache/tools.env.tmp"
mv "$cache/tools.env.tmp" "$cache/tools.env"
cat "$cache/tools.env"
