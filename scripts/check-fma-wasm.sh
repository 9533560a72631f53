#!/usr/bin/env bash
# CI: the committed FMA conv kernels (src/engine/fma/*.wasm) are what wasm/conv3x3.c builds to.
# Installs Debian's clang-16 and lld-16 when missing (as ensure-chromium.sh installs Chromium),
# rebuilds into a temp folder with scripts/build-fma-wasm.sh and compares the bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-16 >/dev/null 2>&1 || ! command -v wasm-ld-16 >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "check-fma-wasm: clang-16 and lld-16 are missing and there is no apt-get; install them" >&2
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "check-fma-wasm: installing Debian's clang-16 and lld-16 (apt-get)..." >&2
  # Another apt-get may hold the dpkg lock (issue 23 item 18): wait for it, and retry once.
  APT=(-o DPkg::Lock::Timeout=600)
  $SUDO apt-get "${APT[@]}" update -qq || $SUDO apt-get "${APT[@]}" update -qq
  install() { DEBIAN_FRONTEND=noninteractive $SUDO apt-get "${APT[@]}" install -y -qq clang-16 lld-16 >/dev/null; }
  install || install
fi
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
bash scripts/build-fma-wasm.sh "$TMP"
for f in conv3x3-relaxed.wasm conv3x3-simd.wasm; do
  if ! cmp "$TMP/$f" "src/engine/fma/$f"; then
    echo "check-fma-wasm: src/engine/fma/$f differs from a rebuild of wasm/conv3x3.c;" \
      "run scripts/build-fma-wasm.sh and commit it" >&2
    exit 1
  fi
done
echo "check-fma-wasm: both kernels rebuild byte-for-byte"
