#!/usr/bin/env bash
# Registry under load: generates a district of N children (default 1,000,000)
# with `treem demo`, starts `treem serve`, and lets 32 signed-in clients
# search the children's list and open children's pages.
# Usage: scripts/bench-registry.sh [CHILDREN] [CLIENTS] [REQUESTS_EACH]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
CLIENTS=${2:-32}
EACH=${3:-30}
PORT=${PORT:-18090}
DIR=$(mktemp -d)
cargo build --release -q -p treem --example bench_http
BIN=target/release/treem
/usr/bin/time -f "demo of $N children: %e s, peak RSS %M KiB" $BIN --data-dir "$DIR" demo --children "$N" --seed 1 >/dev/null
echo "database: $(( $(stat -c %s "$DIR/treem.db") / 1024 / 1024 )) MiB"
echo "mat-khau-do-hieu-nang" | $BIN --data-dir "$DIR" user add tinh --role province --unit 12 --password-stdin >/dev/null
$BIN --data-dir "$DIR" serve --listen 127.0.0.1:$PORT >/dev/null 2>&1 &
PID=$!
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.05; done
target/release/examples/bench_http "http://127.0.0.1:$PORT" tinh mat-khau-do-hieu-nang "$CLIENTS" "$EACH" "$N"
kill $PID; wait $PID 2>/dev/null || true
rm -rf "$DIR"
