#!/usr/bin/env bash
# The e2e tests drive Debian's Chromium (never a Playwright browser download: there is no internet
# here but the package registries). Installs it when missing on Debian/Ubuntu; elsewhere says what to do.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "ensure-chromium: $CHROMIUM is missing and I am not root; run: sudo apt-get install -y chromium" >&2
      exit 1
    fi
  fi
  echo "ensure-chromium: installing Debian's chromium (apt-get)..." >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  exit 0
fi
cat >&2 <<MSG
ensure-chromium: no Chromium at $CHROMIUM and no apt-get on this system.
Install Chromium or Chrome with your package manager and point the tests at it:
  CHROMIUM_PATH=/path/to/chromium npm test
MSG
exit 1
