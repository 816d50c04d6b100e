#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what the tests need
# (the real Prometheus Alertmanager, Debian's prometheus-alertmanager) when
# it is missing, then runs every test. This is the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v prometheus-alertmanager >/dev/null 2>&1; then
  echo "installing prometheus-alertmanager (for tests/alertmanager_real.rs)..." >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq prometheus-alertmanager >/dev/null
fi
cargo test --all-targets "$@"
