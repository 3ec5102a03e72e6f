#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 server on 127.0.0.1, then stop it.
#   tests/with-postgres.sh .venv/bin/python -m pytest
# PostgreSQL refuses to run as root: the server runs as an unprivileged user.
set -euo pipefail
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
fi
DATA="$(mktemp -d /tmp/learnapp-pg.XXXXXX)"
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  id learnapp-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin learnapp-pg
  chown learnapp-pg "$DATA"
  RUN_AS=(runuser -u learnapp-pg --)
fi
"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$DATA/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
stop() { "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$DATA/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$DATA"; }
trap stop EXIT

# A free port, so two runs side by side never collide (PG_PORT forces one). The system hands out an
# unused port; should another program take it before PostgreSQL binds it, start again on a new one.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
started=""
for _attempt in 1 2 3; do
  PORT="${PG_PORT:-$(free_port)}"
  if "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$DATA/data" -l "$DATA/server.log" -w \
      -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null; then
    started=1
    break
  fi
done
if [ -z "$started" ]; then
  echo "PostgreSQL did not start; its log:" >&2
  cat "$DATA/server.log" >&2
  exit 1
fi
export LEARNAPP_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/learnapp_test"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
"$@"
