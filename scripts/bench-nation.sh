#!/usr/bin/env bash
# A synthetic nation (issue 22, item 3 and part of item 4): N children
# (default 1,000,000) spread over PROVINCES generated provinces of COMMUNES
# communes each (default 10 × 100), each commune with its own three
# schools; generated with `gen_dataset --nation`, its unit file loaded,
# imported, then measured:
#   1. `treem import`: time, rows a second, memory;
#   2. `treem indicators --year 2025` for one province, then for the
#      nation, from nothing (no figure kept; 3 runs each), and with the
#      figures current.
# On SQLite by default; with DB=postgres://… on that (empty) database. The
# work folder is removed at the end (KEEP_DIR=… keeps it, and its database,
# for another run). SHUFFLE=1 shuffles each file's rows before the import
# (a fixed order, the same each run): a commune's children, measurements,
# enrolments and participation get ids and pages spread over the whole
# registry, as in one whose communes entered them interleaved over the
# years, so their ids are not in runs.
# Usage: scripts/bench-nation.sh [N] [PROVINCES] [COMMUNES]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
PROVINCES=${2:-10}
COMMUNES=${3:-100}
DIR=${KEEP_DIR:-$(mktemp -d)}
trap '[ -n "${KEEP_DIR:-}" ] || rm -rf "$DIR"' EXIT
cargo build --release -q -p treem
cargo build --release -q -p treem-interchange --example gen_dataset
BIN=target/release/treem
scripts/machine-reference.sh
mkdir -p "$DIR/data"
ARGS=(--data-dir "$DIR/data")
if [ -n "${DB:-}" ]; then
  ARGS+=(--db "$DB")
  forget() { psql -q "$DB" -c "DELETE FROM commune_figures"; }
  loaded() { [ "$(psql -Atq "$DB" -c "SELECT count(*) FROM children" 2>/dev/null || echo 0)" -gt 0 ]; }
  echo "== PostgreSQL"
else
  forget() { sqlite3 -cmd ".timeout 10000" "$DIR/data/treem.db" "DELETE FROM commune_figures"; }
  loaded() { [ -f "$DIR/data/treem.db" ] && [ "$(sqlite3 "$DIR/data/treem.db" "SELECT count(*) FROM children")" -gt 0 ]; }
  echo "== SQLite"
fi
if ! loaded; then
  echo "generating $N children in $PROVINCES provinces × $COMMUNES communes…"
  target/release/examples/gen_dataset "$N" "$DIR/set" --nation "$PROVINCES" "$COMMUNES" "$DIR/units.csv" >/dev/null
  "$BIN" "${ARGS[@]}" units load "$DIR/units.csv" >/dev/null
  if [ -n "${SHUFFLE:-}" ]; then
    for f in "$DIR"/set/*.csv; do
      { head -n 1 "$f"; tail -n +2 "$f" | shuf --random-source=<(yes treem); } > "$f.shuffled"
      mv "$f.shuffled" "$f"
    done
    echo "each file's rows shuffled"
  fi
  rows=$(($(cat "$DIR"/set/*.csv | wc -l) - $(ls "$DIR"/set/*.csv | wc -l)))
  start=$(date +%s.%N)
  /usr/bin/time -f "import: %e s, %M KB" "$BIN" "${ARGS[@]}" import "$DIR/set" >/dev/null
  end=$(date +%s.%N)
  python3 -c "print(f'import: {$rows:,} rows, {$rows / ($end - $start):,.0f} rows/s')"
  du -sh "$DIR/set" | sed 's/^/data set: /'
  rm -rf "$DIR/set"
fi
run() { # label, treem's arguments…
  local label=$1; shift
  for _ in 1 2 3; do
    forget
    /usr/bin/time -f "$label from nothing: %e s, %M KB" "$BIN" "${ARGS[@]}" "$@" >/dev/null
  done
  for _ in 1 2 3; do
    /usr/bin/time -f "$label, figures current: %e s, %M KB" "$BIN" "${ARGS[@]}" "$@" >/dev/null
  done
}
echo "== treem indicators --year 2025"
run "one province ($((N / PROVINCES)) children)" indicators --year 2025 --unit 13 --format json
run "the nation ($N children)" indicators --year 2025 --format json
