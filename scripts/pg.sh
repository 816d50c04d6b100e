#!/usr/bin/env bash
# A private PostgreSQL for the tests: its own data folder and port, on
# loopback only, trusting local connections (nothing else can reach it).
#   scripts/pg.sh install          Debian's postgresql, when it is missing
#   scripts/pg.sh start DIR PORT   initdb DIR (if new) and start on PORT
#   scripts/pg.sh stop DIR         stop the server of DIR
#   scripts/pg.sh bindir           where initdb and pg_ctl are
# As root, the server runs as the `postgres` user (PostgreSQL refuses root).
set -euo pipefail

bindir() {
  if [ -n "${WARROOM_TEST_PGBIN:-}" ]; then echo "$WARROOM_TEST_PGBIN"; return; fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
  done
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return; fi
  return 1
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  install)
    if ! bindir >/dev/null; then
      echo "installing postgresql (for the PostgreSQL store tests)..." >&2
      sudo_cmd=""
      [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
      $sudo_cmd apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
    fi
    bindir >/dev/null || { echo "pg.sh: no initdb/pg_ctl found after installing postgresql" >&2; exit 1; }
    ;;
  start)
    dir="$2"; port="$3"; bin="$(bindir)"
    mkdir -p "$dir"
    chmod 700 "$dir"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres: "$dir"
      # The server's user must be able to reach its folder (traverse only).
      chmod o+x "$(dirname "$dir")"
    fi
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir" -U postgres -A trust -E UTF8 --no-locale >/dev/null
    fi
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c max_connections=200" start >/dev/null
    ;;
  stop)
    dir="$2"; bin="$(bindir)"
    as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  crash)
    # Immediate shutdown: like a crash, the next start recovers first.
    dir="$2"; bin="$(bindir)"
    as_owner "$bin/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null 2>&1 || true
    ;;
  bindir)
    bindir
    ;;
  *)
    echo "usage: scripts/pg.sh install | start DIR PORT | stop DIR | crash DIR | bindir" >&2
    exit 2
    ;;
esac
