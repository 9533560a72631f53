#!/usr/bin/env bash
# Every check the project has, in the order that fails fastest: lint, types, unit tests, build, e2e.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-chromium.sh
node scripts/ensure-test-model.mjs

echo "== lint (eslint + prettier + import cycles)"
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }
npm run --silent lint:cycles
echo "== typecheck"
npx tsc --noEmit -p tsconfig.json
echo "== FMA conv kernels rebuild byte-for-byte (clang-16, lld-16)"
bash scripts/check-fma-wasm.sh
echo "== production dependencies (licences, nothing declared but unused)"
node --import tsx scripts/check-deps.ts
echo "== unit tests (node, tfjs cpu backend)"
npx vitest run
echo "== build"
npx vite build --logLevel warn
node --import tsx scripts/check-product-bundle.ts
echo "== e2e (Playwright, Debian chromium, SwiftShader WebGL)"
npx playwright test
