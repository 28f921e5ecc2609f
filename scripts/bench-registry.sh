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
cargo build --release -q -p treem --bins --example bench_http
BIN=target/release/treem
/usr/bin/time -f "demo of $N children: %e s, peak RSS %M KiB" $BIN --data-dir "$DIR" demo --children "$N" --seed 1 >/dev/null
echo "database: $(( $(stat -c %s "$DIR/treem.db") / 1024 / 1024 )) MiB"
echo "mat-khau-do-hieu-nang" | $BIN --data-dir "$DIR" user add tinh --role province --unit 12 --password-stdin >/dev/null
/usr/bin/time -f "serve: peak RSS %M KiB" $BIN --data-dir "$DIR" serve --listen 127.0.0.1:$PORT >/dev/null 2>"$DIR/serve.log" &
PID=$!
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.05; done
# Searches use the database until the server's search index is built; the
# figures below are for the index (the log line says how long it took).
until grep -q "search index ready" "$DIR/serve.log"; do sleep 0.2; done
grep "search index ready" "$DIR/serve.log" | sed 's/\x1b\[[0-9;]*m//g' | tail -1
target/release/examples/bench_http "http://127.0.0.1:$PORT" tinh mat-khau-do-hieu-nang "$CLIENTS" "$EACH" "$N"
# GNU time ignores SIGINT while it waits: stop the server it runs.
pkill -INT -P $PID; wait $PID 2>/dev/null || true
grep "peak RSS" "$DIR/serve.log" || true
rm -rf "$DIR"
