#!/usr/bin/env bash
# The indicators dashboard of a district of N children (default 20,000):
# generates the demo district (its facts included), starts `treem serve`,
# and lets signed-in clients load /indicators for 2024, H1 2025 and 2025.
# Usage: scripts/bench-dashboard.sh [CHILDREN] [CLIENTS] [REQUESTS_EACH]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
CLIENTS=${2:-1}
EACH=${3:-60}
PORT=${PORT:-18091}
DIR=$(mktemp -d)
cargo build --release -q -p treem
cargo build --release -q -p treem --example bench_http
BIN=target/release/treem
$BIN --data-dir "$DIR" demo --children "$N" --seed 1 >/dev/null
echo "mat-khau-do-hieu-nang" | $BIN --data-dir "$DIR" user add tinh --role province --unit 12 --password-stdin >/dev/null
$BIN --data-dir "$DIR" serve --listen 127.0.0.1:$PORT >/dev/null 2>&1 &
PID=$!
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.05; done
target/release/examples/bench_http "http://127.0.0.1:$PORT" tinh mat-khau-do-hieu-nang "$CLIENTS" "$EACH" "$N" dashboard
kill $PID; wait $PID 2>/dev/null || true
rm -rf "$DIR"
