#!/usr/bin/env bash
# Rebuilds src/engine/fma/conv3x3-relaxed.wasm and conv3x3-simd.wasm from wasm/conv3x3.c with
# Debian's clang-16 and lld-16 (issue 24). The output is byte-for-byte reproducible: CI rebuilds
# into a temp folder and compares (scripts/check-fma-wasm.sh). Usage: build-fma-wasm.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-src/engine/fma}"
CLANG="${CLANG:-clang-16}"
mkdir -p "$OUT"
# -disable-lsr and a rolled k loop keep the 12 accumulators in registers under V8 (issue 24).
# Shared memory: one instance per thread over the same memory (no data, no stack use in the C).
FLAGS=(--target=wasm32 -O3 -msimd128 -matomics -mbulk-memory -mllvm -disable-lsr -nostdlib
  -Wl,--no-entry -Wl,--import-memory -Wl,--shared-memory -Wl,--max-memory=4294967296
  -Wl,--strip-all)
"$CLANG" "${FLAGS[@]}" -mrelaxed-simd -DRELAXED -o "$OUT/conv3x3-relaxed.wasm" wasm/conv3x3.c
"$CLANG" "${FLAGS[@]}" -o "$OUT/conv3x3-simd.wasm" wasm/conv3x3.c
