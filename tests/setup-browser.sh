#!/usr/bin/env bash
# Installs what the browser tests need beyond the test extras, once: Debian's Chromium (never a
# downloaded browser); axe-core comes with the axe-playwright-python package of the test extras.
# Also Debian's redis-server, for tests/auth/test_redis_throttle.py.
# Safe to run again: it skips what is already there.
set -euo pipefail

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/redis-server ]; then
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium fonts-dejavu-core redis-server >/dev/null
fi
