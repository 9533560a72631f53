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
  # A fresh machine often runs an apt job of its own at boot (apt-daily, unattended upgrades).
  # install waits up to 10 min for the dpkg lock (DPkg::Lock::Timeout); update's lock on the
  # package lists has no such option (apt 2.6), so update is tried again every 10 s for 10 min.
  LOCK_WAIT=(-o DPkg::Lock::Timeout=600)
  update() {
    local tries=60
    until $SUDO apt-get "${LOCK_WAIT[@]}" update -qq; do
      tries=$((tries - 1))
      if [ "$tries" -le 0 ]; then return 1; fi
      echo "ensure-chromium: apt-get update failed (another apt running?); again in 10 s" >&2
      sleep 10
    done
  }
  install() {
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get "${LOCK_WAIT[@]}" install -y -qq chromium >/dev/null
  }
  echo "ensure-chromium: installing Debian's chromium (apt-get)..." >&2
  update
  if ! install; then
    echo "ensure-chromium: apt-get install failed; updating and retrying once" >&2
    update
    install
  fi
  exit 0
fi
cat >&2 <<MSG
ensure-chromium: no Chromium at $CHROMIUM and no apt-get on this system.
Install Chromium or Chrome with your package manager and point the tests at it:
  CHROMIUM_PATH=/path/to/chromium npm test
MSG
exit 1
