#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what the tests need
# when it is missing (the real Prometheus Alertmanager, Debian's
# prometheus-alertmanager; PostgreSQL, Debian's postgresql), starts a
# private PostgreSQL on its own port and folder, runs every test, runs the
# server suites again on PostgreSQL, and stops PostgreSQL afterwards.
# This is the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
if ! command -v prometheus-alertmanager >/dev/null 2>&1; then
  echo "installing prometheus-alertmanager (for tests/alertmanager_real.rs)..." >&2
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq prometheus-alertmanager >/dev/null
fi
# A real SMTP server (Debian's python3-aiosmtpd, for tests/channels.rs)
# and a real browser (Debian's chromium, for tests/status_browser.rs).
need=()
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || need+=(python3-aiosmtpd)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# Shells and man, for the completion scripts and man pages (tests/cli_docs.rs)
for tool in zsh fish; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
command -v man >/dev/null 2>&1 || need+=(man-db)
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing ${need[*]} (for the e-mail, status page, completion and man page tests)..." >&2
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi
scripts/pg.sh install

pg_home="$(mktemp -d "${TMPDIR:-/tmp}/warroom-pg.XXXXXX")"
pg_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cleanup() {
  scripts/pg.sh stop "$pg_home/data"
  rm -rf "$pg_home"
}
trap cleanup EXIT
scripts/pg.sh start "$pg_home/data" "$pg_port"
export WARROOM_TEST_PG="postgres://postgres@127.0.0.1:$pg_port"

# Everything, with the server suites on SQLite.
cargo test --all-targets "$@"

# The server suites again, every test server on a fresh PostgreSQL database.
WARROOM_TEST_ENGINE=postgres cargo test \
  --test server_api --test followups --test similar --test stats --test automation \
  --test notifications --test postmortem --test authorization --test hardening --test rules \
  --test runbook_actions --test real_size --test faults --test hardening_round3 \
  --test runbook_actions_restart --test state_document --test status_page --test channels \
  --test drills --test replay --test curation --test reviews "$@"
