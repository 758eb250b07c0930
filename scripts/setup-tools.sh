#!/usr/bin/env bash
# Builds the native tools the tests and `claude-otel stack` run: the OpenTelemetry
# Collector from collector/builder-config.yaml, Prometheus 3 and promtool, actionlint, and the team
# deployment's Thanos, Alertmanager, Jaeger and docker-compose (its config loader).
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
# The team deployment (issue: teams): a distributed TSDB, alert routing, a trace store, and
# Docker Compose's own loader to check docker-compose.yml without a Docker engine.
THANOS_VERSION=v0.42.5         # needs Go >= 1.26.10: built with GOTOOLCHAIN=go1.27.3
ALERTMANAGER_VERSION=v0.35.0
JAEGER_VERSION=v1.76.0         # Jaeger v2 (cmd/jaeger)
COMPOSE_VERSION=v2.40.3        # needs GOTOOLCHAIN=go1.27.3; v5.x needs a module the proxy lacks
NEWER_GO=go1.27.3

log() { printf 'setup-tools: %s\n' "$*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || { log "error: '$1' is not installed; install it (e.g. apt-get install $2) and run again"; exit 2; }; }
need go golang
need sha256sum coreutils

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

gov=$(go env GOVERSION)

# --- collector --------------------------------------------------------------
# The key covers our own components' sources (collector/components/*, built into the binary).
key=$({ cat "$root/collector/builder-config.yaml"; cat "$root/collector/gomod/go.mod" "$root/collector/gomod/go.sum" 2>/dev/null || true
  (cd "$root/collector" && find components -type f ! -name '*_test.go' | LC_ALL=C sort | while read -r f; do echo "$f"; cat "$f"; done)
  echo "$gov"; } | sha256sum | cut -c1-16)
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
  # Local modules the manifest replaces with ./components/<name>.
  cp -r "$root/collector/components" "$src/components"
  if [[ -f "$root/collector/gomod/go.mod" ]]; then
    cp "$root/collector/gomod/go.mod" "$root/collector/gomod/go.sum" "$src/"
  else
    rm -f "$src/go.mod" "$src/go.sum"
    (cd "$src" && go mod init claude-otel-collector >&2)
    # The manifest's replaces (our local components) before resolving anything.
    grep -E '^  - [^ ]+ => [^ ]+$' "$work/manifest.yaml" | sed 's/^  - //; s/ => /=/' | while read -r r; do
      (cd "$src" && go mod edit -replace "$r")
    done
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

# --- team tools: Thanos, Alertmanager, Jaeger, docker-compose ----------------------------------
# Modules with replace directives cannot be built with `go install pkg@version`: the module is
# downloaded, copied out of the read-only module cache and built from its own directory.
build_from_module() { # <module> <version> <package dir> <output> <GOTOOLCHAIN> [build tags] [prepare command]
  local module=$1 version=$2 pkg=$3 out=$4 toolchain=$5 tags=${6:-} prepare=${7:-true} dir work
  dir=$(GOTOOLCHAIN=$toolchain GOFLAGS= go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
  [[ -n "$dir" && -d "$dir" ]] || { log "warning: could not download $module@$version"; return 1; }
  work=$(mktemp -d "$cache/build.XXXXXX")
  cp -r "$dir/." "$work/src" 2>/dev/null || cp -r "$dir" "$work/src"
  chmod -R u+w "$work/src"
  (cd "$work/src" && eval "$prepare")
  mkdir -p "$(dirname "$out")"
  if (cd "$work/src" && GOTOOLCHAIN=$toolchain GOFLAGS=-mod=mod go build -tags "$tags" -trimpath -ldflags='-s -w' -o "$out.tmp" "$pkg" >&2); then
    mv "$out.tmp" "$out"
  else
    log "warning: $module@$version could not be built"
  fi
  rm -rf "$work" "$out.tmp"
}
# Thanos casts Prometheus label sets to its protobuf labels with unsafe, which holds only with
# Prometheus's `slicelabels` layout (its own release builds set the tag, .promu.yml). Built
# without it, receive panics on the first gRPC call from query (a garbage message size).
thanos="$cache/thanos-$THANOS_VERSION-slicelabels/thanos"
if [[ ! -x "$thanos" ]]; then
  log "building Thanos $THANOS_VERSION; about 3 minutes the first time"
  build_from_module github.com/thanos-io/thanos "$THANOS_VERSION" ./cmd/thanos "$thanos" "$NEWER_GO" slicelabels || true
fi
am="$cache/alertmanager-$ALERTMANAGER_VERSION-$gov/alertmanager"
if [[ ! -x "$am" ]]; then
  log "building Alertmanager $ALERTMANAGER_VERSION"
  # The web UI's built assets are not in the module (ui/web.go embeds ui/app/dist): a placeholder
  # page stands in for them; the HTTP API, routing and receivers are the real thing.
  build_from_module github.com/prometheus/alertmanager "$ALERTMANAGER_VERSION" ./cmd/alertmanager "$am" local "" \
    'mkdir -p ui/app/dist/elm ui/app/dist/mantine && for d in elm mantine; do echo "<p>Alertmanager web UI not built; use the API.</p>" > ui/app/dist/$d/index.html; done' || true
fi
jaeger="$cache/jaeger-$JAEGER_VERSION-$gov/jaeger"
if [[ ! -x "$jaeger" ]]; then
  log "building Jaeger $JAEGER_VERSION; about 3 minutes the first time"
  build_from_module github.com/jaegertracing/jaeger "$JAEGER_VERSION" ./cmd/jaeger "$jaeger" local || true
fi
compose="$cache/compose-$COMPOSE_VERSION/docker-compose"
if [[ ! -x "$compose" ]]; then
  log "building docker-compose $COMPOSE_VERSION (its config loader checks docker-compose.yml)"
  build_from_module github.com/docker/compose/v2 "$COMPOSE_VERSION" ./cmd "$compose" "$NEWER_GO" || true
fi

{
  echo "CLAUDE_OTEL_COLLECTOR_BIN=$collector"
  echo "CLAUDE_OTEL_PROMETHEUS_BIN=$promdir/prometheus"
  echo "CLAUDE_OTEL_PROMTOOL_BIN=$promdir/promtool"
  [[ -x "$aldir/actionlint" ]] && echo "CLAUDE_OTEL_ACTIONLINT_BIN=$aldir/actionlint"
  [[ -x "$thanos" ]] && echo "CLAUDE_OTEL_THANOS_BIN=$thanos"
  [[ -x "$am" ]] && echo "CLAUDE_OTEL_ALERTMANAGER_BIN=$am"
  [[ -x "$jaeger" ]] && echo "CLAUDE_OTEL_JAEGER_BIN=$jaeger"
  [[ -x "$compose" ]] && echo "CLAUDE_OTEL_COMPOSE_BIN=$compose"
} > "$cache/tools.env.tmp"
mv "$cache/tools.env.tmp" "$cache/tools.env"
cat "$cache/tools.env"
