#!/usr/bin/env bash
# Idle cost of the console: runs `warroom` (local mode, empty database) in a
# detached tmux session for SECONDS (default 20) and reports the CPU time it
# used. Target: under 1% of one core while nothing happens (it redraws once
# a second for the clock, and its poller sleeps in a long-poll).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
cargo build --release --quiet
tmp=$(mktemp -d)
trap 'tmux kill-session -t warroom-idle 2>/dev/null || true; rm -rf "$tmp"' EXIT
tmux new-session -d -s warroom-idle -x 120 -y 40 \
  "env XDG_DATA_HOME=$tmp/data XDG_STATE_HOME=$tmp/state XDG_CONFIG_HOME=$tmp/config ./target/release/warroom"
sleep 3
pid=$(pgrep -n -f "target/release/warroom$" || pgrep -n warroom)
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks); sleep "$secs"; t1=$(ticks)
used=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN { printf "%.3f", (b - a) / hz }')
pct=$(awk -v u="$used" -v s="$secs" 'BEGIN { printf "%.2f", 100 * u / s }')
echo "idle console: ${used}s CPU in ${secs}s = ${pct}% of one core (target < 1%)"
awk -v p="$pct" 'BEGIN { exit !(p < 1.0) }' || { echo "TARGET MISSED"; exit 1; }
