#!/usr/bin/env bash
# The figures kept per commune (issue 20) on SQLite, at N children
# (default 1,000,000): generated with `gen_dataset`, imported, then
#   1. `treem indicators` for the province from nothing (no figure kept),
#      then with every commune's figures current (3 runs each);
#   2. the same after one write in one commune (that commune computed again);
#   3. the dashboard with CLIENTS signed-in clients (default 32), then the
#      same while another client changes a measurement every second.
# SPREAD=200 spreads the children over 200 generated communes of ~N/200
# each (a unit file of its own, loaded with `treem units load`), instead of
# the 13 real communes of the demo district; each commune's children
# together, or dealt out in turn with LAYOUT=scattered.
# Usage: scripts/bench-kept-figures.sh [N] [CLIENTS] [REQUESTS_EACH]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
CLIENTS=${2:-32}
EACH=${3:-20}
SPREAD=${SPREAD:-0}
PORT=${PORT:-18093}
DIR=${KEEP_DIR:-$(mktemp -d)}
# KEEP_DIR=/some/dir keeps the generated database for another run (the
# data set is generated and imported only when the folder has none).
trap 'kill $(jobs -p) 2>/dev/null || true; [ -n "${KEEP_DIR:-}" ] || rm -rf "$DIR"' EXIT
cargo build --release -q -p treem
cargo build --release -q -p treem --example bench_http
cargo build --release -q -p treem-interchange --example gen_dataset
BIN=target/release/treem
DB="$DIR/data/treem.db"
if [ ! -f "$DIR/data/treem.db" ]; then
target/release/examples/gen_dataset "$N" "$DIR/set" >/dev/null
mkdir -p "$DIR/data"
if [ "$SPREAD" -gt 0 ]; then
  # A unit file of SPREAD communes under the province (valid throughout),
  # and each child moved to one of them by her number.
  python3 - "$DIR/set" "$SPREAD" <<'EOF'
import csv, sys, os
d, n = sys.argv[1], int(sys.argv[2])
with open(os.path.join(d, "..", "units.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["code", "name", "level", "parent_code", "valid_from", "valid_to", "successor_code", "note"])
    for i in range(n):
        w.writerow([f"9{i:04d}", f"Xã Thử {i + 1}", "commune", "12", "", "", "", "generated"])
src = os.path.join(d, "children.csv")
rows = list(csv.reader(open(src, newline="")))
col = rows[0].index("commune_code")
# Each commune's children together (as a commune's records come: village by
# village, campaign by campaign); LAYOUT=scattered deals them out in turn.
total = len(rows) - 1
for i, r in enumerate(rows[1:]):
    r[col] = f"9{(i % n if os.environ.get('LAYOUT') == 'scattered' else i * n // total):04d}"
with open(src, "w", newline="") as f:
    csv.writer(f).writerows(rows)
EOF
  $BIN --data-dir "$DIR/data" units load "$DIR/units.csv" >/dev/null
fi
echo "importing $N children…"
/usr/bin/time -f "import: %e s, %M KB" $BIN --data-dir "$DIR/data" import "$DIR/set" >/dev/null
rm -rf "$DIR/set"
fi

run() { # label, command…
  local label=$1; shift
  for i in 1 2 3; do
    /usr/bin/time -f "$label: %e s, %M KB" "$@" >/dev/null
  done
}
forget() { sqlite3 -cmd ".timeout 10000" "$DB" "DELETE FROM commune_figures"; }
echo "== treem indicators --year 2025 (the province and every unit under it)"
for i in 1 2 3; do forget; /usr/bin/time -f "from nothing: %e s, %M KB" $BIN --data-dir "$DIR/data" indicators --year 2025 --format json >/dev/null; done
run "current" $BIN --data-dir "$DIR/data" indicators --year 2025 --format json
one_write() {
  sqlite3 -cmd ".timeout 10000" "$DB" "UPDATE measurements SET weight_kg = weight_kg + 0.1
                 WHERE id = (SELECT m.id FROM measurements m JOIN children c ON c.id = m.child_id
                             ORDER BY c.unit_id DESC, m.id LIMIT 1)"
}
for i in 1 2 3; do one_write; /usr/bin/time -f "after one write in one commune: %e s, %M KB" $BIN --data-dir "$DIR/data" indicators --year 2025 --format json >/dev/null; done
# The commune's own recomputation, timed inside the process.
for i in 1 2 3; do one_write; TREEM_LOG=treem_web::indicators::kept=debug $BIN --data-dir "$DIR/data" indicators --year 2025 --format json 2>&1 >/dev/null | grep -o "recomputed.*" || true; done

echo "== the dashboard, $CLIENTS clients × $EACH requests"
# (already there in a database kept from an earlier run)
sqlite3 "$DB" "SELECT 1 FROM accounts WHERE username = 'tinh'" | grep -q 1 ||
  echo "mat-khau-do-hieu-nang" | $BIN --data-dir "$DIR/data" user add tinh --role province --unit 12 --password-stdin >/dev/null
$BIN --data-dir "$DIR/data" serve --listen 127.0.0.1:$PORT >/dev/null 2>&1 &
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.1; done
# The three periods the clients ask for, kept beforehand (the command line
# keeps them in the same database).
for y in "--year 2024" "--year 2025 --half 1" "--year 2025"; do
  $BIN --data-dir "$DIR/data" indicators $y --format json >/dev/null
done
target/release/examples/bench_http "http://127.0.0.1:$PORT" tinh mat-khau-do-hieu-nang "$CLIENTS" "$EACH" "$N" dashboard
echo "== the same, while a measurement changes every second"
( while true; do one_write; sleep 1; done ) &
WRITER=$!
target/release/examples/bench_http "http://127.0.0.1:$PORT" tinh mat-khau-do-hieu-nang "$CLIENTS" "$EACH" "$N" dashboard
kill $WRITER
