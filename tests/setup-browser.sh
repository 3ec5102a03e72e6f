#!/usr/bin/env bash
# Installs what the browser tests need, once: Debian's Chromium (never a downloaded browser)
# and axe-core from npm. Safe to run again: it skips what is already there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if [ ! -x /usr/bin/chromium ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi

if [ ! -f "$here/e2e/node_modules/axe-core/axe.min.js" ]; then
  (cd "$here/e2e" && npm ci --no-audit --no-fund --loglevel=error)
fi
