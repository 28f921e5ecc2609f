#!/usr/bin/env bash
# `treem indicators --by` (the breakdowns kept per commune, issue 20) on a
# generated data set of N children (default 1,000,000) on SQLite: for each
# dimension, the groups from nothing (the figures already kept), then
# current, then after one write in one commune (that commune's groups
# computed again, timed inside the process); then the gaps page with
# CLIENTS signed-in clients. Wall time and peak memory (the mapped database
# file counts in it). KEEP_DIR=/some/dir reuses (or keeps) the database,
# e.g. the one `SPREAD=200 KEEP_DIR=… scripts/bench-kept-figures.sh` made.
# Usage: scripts/bench-breakdown.sh [CHILDREN] [CLIENTS] [REQUESTS_EACH]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
CLIENTS=${2:-32}
EACH=${3:-50}
PORT=${PORT:-18094}
DIR=${KEEP_DIR:-$(mktemp -d)}
trap 'kill $(jobs -p) 2>/dev/null || true; [ -n "${KEEP_DIR:-}" ] || rm -rf "$DIR"' EXIT
cargo build --release -q -p treem
cargo build --release -q -p treem --example bench_http
cargo build --release -q -p treem-interchange --example gen_dataset
BIN=target/release/treem
DB="$DIR/data/treem.db"
if [ ! -f "$DB" ]; then
  target/release/examples/gen_dataset "$N" "$DIR/set" >/dev/null
  /usr/bin/time -f "import: %e s, %M KB" $BIN --data-dir "$DIR/data" import "$DIR/set" >/dev/null
  rm -rf "$DIR/set"
fi
one_write() {
  sqlite3 -cmd ".timeout 10000" "$DB" "UPDATE measurements SET weight_kg = weight_kg + 0.1
                 WHERE id = (SELECT m.id FROM measurements m JOIN children c ON c.id = m.child_id
                             ORDER BY c.unit_id DESC, m.id LIMIT 1)"
}
# The figures themselves kept first (what a dashboard view does).
$BIN --data-dir "$DIR/data" indicators --year 2025 --format json >/dev/null
for by in sex ethnicity poverty; do
  echo "== --by $by"
  for i in 1 2 3; do
    sqlite3 -cmd ".timeout 10000" "$DB" "DELETE FROM commune_figures WHERE period LIKE '%/groups'"
    /usr/bin/time -f "groups from nothing: %e s, %M KB" \
      $BIN --data-dir "$DIR/data" indicators --year 2025 --format json --by "$by" >/dev/null
  done
  for i in 1 2 3; do
    /usr/bin/time -f "current: %e s, %M KB" \
      $BIN --data-dir "$DIR/data" indicators --year 2025 --format json --by "$by" >/dev/null
  done
  for i in 1 2 3; do
    one_write
    TREEM_LOG=treem_web::indicators=debug $BIN --data-dir "$DIR/data" indicators --year 2025 \
      --format json --by "$by" 2>&1 >/dev/null | grep -o "recomputed kept groups.*" || true
  done
done
echo "== the gaps page, $CLIENTS clients × $EACH requests (periods 2024, H1 2025, 2025; each dimension)"
sqlite3 "$DB" "SELECT 1 FROM accounts WHERE username = 'tinh'" | grep -q 1 ||
  echo "mat-khau-do-hieu-nang" | $BIN --data-dir "$DIR/data" user add tinh --role province --unit 12 --password-stdin >/dev/null
for y in "--year 2024" "--year 2025 --half 1" "--year 2025"; do
  $BIN --data-dir "$DIR/data" indicators $y --format json --by sex >/dev/null
done
$BIN --data-dir "$DIR/data" serve --listen 127.0.0.1:$PORT >/dev/null 2>&1 &
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.1; done
target/release/examples/bench_http "http://127.0.0.1:$PORT" tinh mat-khau-do-hieu-nang "$CLIENTS" "$EACH" "$N" gaps
