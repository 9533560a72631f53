#!/usr/bin/env bash
# Every check the project has, in the order that fails fastest: lint, types, unit tests, build, e2e.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp() { echo "== $1 ($(date +%T))"; }

stamp "setup (Chromium, demo model)"
bash scripts/ensure-chromium.sh
node scripts/ensure-test-model.mjs

# The lint checks are single-threaded: two lanes at once use both cores. Each lane's output is
# printed when it ends; the first failure fails the run.
stamp "lint (eslint | prettier + import cycles + typecheck)"
logs=$(mktemp -d)
npx eslint . >"$logs/eslint" 2>&1 &
eslint_pid=$!
{
  npx prettier --check . >/dev/null 2>&1 || npx prettier --check . &&
    npm run --silent lint:cycles &&
    npx tsc --noEmit -p tsconfig.json
} >"$logs/rest" 2>&1 &
rest_pid=$!
status=0
wait "$eslint_pid" || status=1
cat "$logs/eslint"
wait "$rest_pid" || status=1
cat "$logs/rest"
[ "$status" = 0 ] || { echo "lint or typecheck failed"; exit 1; }
stamp "FMA conv kernels rebuild byte-for-byte (clang-16, lld-16)"
bash scripts/check-fma-wasm.sh
stamp "production dependencies (licences, nothing declared but unused)"
node --import tsx scripts/check-deps.ts
stamp "unit tests (node, tfjs cpu and wasm backends)"
npx vitest run
stamp "build"
npx vite build --logLevel warn
node --import tsx scripts/check-product-bundle.ts
stamp "e2e (Playwright, Debian chromium, SwiftShader WebGL)"
npx playwright test
stamp "done"
