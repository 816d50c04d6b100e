#!/usr/bin/env bash
# Every benchmark in BENCHMARKS.md, one after the other, in a release build.
# Each prints its figures and "TARGET MISSED" (and fails) when a target is
# missed; this script stops at the first failure and says which one.
#
#   scripts/bench.sh            all of them (about 7 minutes on 2 cores; PostgreSQL
#                               must be installed: scripts/pg.sh install)
#   scripts/bench.sh render     only the named cargo benches
#
# Run it on a machine that is otherwise idle: the figures are wall-clock.
set -euo pipefail
cd "$(dirname "$0")/.."

benches=("$@")
if [ ${#benches[@]} -eq 0 ]; then
  benches=(render server console scale engines notify stats_memory replay wrk_ratio poll_wake)
  all=1
fi

# wrk drives the revalidation benchmark from outside the server's process.
if ! command -v wrk >/dev/null 2>&1; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq wrk >/dev/null
fi
cargo build --release --quiet
for b in "${benches[@]}"; do
  echo "== cargo bench --bench $b"
  cargo bench --quiet --bench "$b" || { echo "bench '$b' failed"; exit 1; }
done

if [ "${all:-0}" = 1 ]; then
  echo "== scripts/idle_cpu.sh"
  if command -v tmux >/dev/null; then
    scripts/idle_cpu.sh
  else
    echo "skipped: tmux is not installed (apt-get install tmux)"
  fi
  echo "== scripts/hardening_figures.py"
  python3 scripts/hardening_figures.py target/release/warroom
fi
echo "all benchmarks met their targets"
