#!/usr/bin/env bash
# The province's pages through HAProxy on PostgreSQL (issue 22, item 4):
# a synthetic nation of N children (default 1,000,000; 10 provinces × 100
# communes, `scripts/bench-nation.sh`, which also times the import and
# `treem indicators` for a province and the nation), then three `treem
# serve` behind HAProxy (deploy/haproxy.cfg) and CLIENTS signed-in officers
# of the first province (N/10 children) opening searches, children's pages
# and the dashboard, then CLIENTS commune officers, one in each of the
# province's first communes, opening their children's list, growth list and
# ID page; p50/p95/p99 for each, then each server's RSS.
# REPLICA=1 makes a streaming replica (.ci/pg-replica.sh) and starts the
# servers with --db-read. Everything on 127.0.0.1, in a throwaway cluster
# (needs root, as .ci/run); KEEP_DIR=… keeps the cluster and the database
# for another run.
# Usage: scripts/bench-lb.sh [N] [CLIENTS] [REQUESTS_EACH]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
CLIENTS=${2:-32}
EACH=${3:-100}
command -v haproxy >/dev/null || { echo "haproxy is not installed (apt install haproxy)" >&2; exit 1; }
cargo build --release -q -p treem
cargo build --release -q -p treem --example bench_http
BIN=$PWD/target/release/treem
WORK=${KEEP_DIR:-$(mktemp -d /tmp/treem-lb.XXXXXX)}
mkdir -p "$WORK"
chmod 755 "$WORK"
export TREEM_PG_DIR=$WORK/pg
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
stop_pg() {
  for d in "$TREEM_PG_DIR-replica" "$TREEM_PG_DIR"; do
    su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $d -m fast stop" >/dev/null 2>&1 || true
  done
}
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  if [ -z "${KEEP_DIR:-}" ]; then stop_pg; rm -rf "$WORK" "$TREEM_PG_DIR-replica"; fi
}
trap cleanup EXIT
eval "$(bash .ci/pg-start.sh)"
SERVER=${TREEM_TEST_POSTGRES%/*}
DB=$SERVER/nation
psql "$TREEM_TEST_POSTGRES" -Atc "SELECT 1 FROM pg_database WHERE datname = 'nation'" | grep -q 1 ||
  psql "$TREEM_TEST_POSTGRES" -qc "CREATE DATABASE nation"
DB=$DB KEEP_DIR=$WORK/nation bash scripts/bench-nation.sh "$N" 10 100
export TREEM_DATABASE_URL=$DB
# The periods the dashboard clients ask for, kept beforehand for the
# province's communes (what the first officer's view would compute).
for y in "--year 2024" "--year 2025 --half 1" "--year 2025"; do
  $BIN --data-dir "$WORK/nation/data" indicators $y --unit 13 --format json >/dev/null
done
READ=()
if [ -n "${REPLICA:-}" ]; then
  eval "$(bash .ci/pg-replica.sh)"
  READ=(--db-read "${TREEM_TEST_PG_REPLICA%/*}/nation")
  echo "reads from the replica ${READ[1]}"
fi
export TREEM_TRUSTED_PROXIES=127.0.0.1
PASSWORD=mat-khau-do-hieu-nang
psql "$DB" -Atc "SELECT 1 FROM accounts WHERE username = 'tinh13'" | grep -q 1 ||
  echo "$PASSWORD" | $BIN --data-dir "$WORK/nation/data" user add tinh13 --role province --unit 13 --password-stdin >/dev/null
# One commune officer in each of the province's first CLIENTS communes
# (xa0, xa1, …).
COMMUNES=($(psql "$DB" -Atc "SELECT code FROM units WHERE parent_code = '13' AND level = 'commune'
  AND valid_to IS NULL ORDER BY code LIMIT $CLIENTS"))
[ "${#COMMUNES[@]}" -eq "$CLIENTS" ] || { echo "the province has ${#COMMUNES[@]} communes, not $CLIENTS" >&2; exit 1; }
for i in "${!COMMUNES[@]}"; do
  psql "$DB" -Atc "SELECT 1 FROM accounts WHERE username = 'xa$i'" | grep -q 1 ||
    echo "$PASSWORD" | $BIN --data-dir "$WORK/nation/data" user add "xa$i" --role commune --unit "${COMMUNES[$i]}" --password-stdin >/dev/null
done
up() { until curl -fs "http://$1/healthz" >/dev/null 2>&1; do sleep 0.2; done; }
PIDS=()
for i in 1 2 3; do
  mkdir -p "$WORK/data$i"
  cp -p "$WORK/nation/data/treem.key" "$WORK/data$i/"
  $BIN --data-dir "$WORK/data$i" serve "${READ[@]}" --listen 127.0.0.1:1828$i >"$WORK/s$i.log" 2>&1 &
  PIDS+=($!)
done
for i in 1 2 3; do up 127.0.0.1:1828$i; done
# Searches use the database until each server's search index is built.
for i in 1 2 3; do
  until grep -q "search index ready" "$WORK/s$i.log"; do sleep 0.5; done
done
grep -h "search index ready" "$WORK"/s?.log | sed 's/\x1b\[[0-9;]*m//g' | sed 's/^/  /'
echo "database: $(psql "$DB" -Atc "SELECT pg_size_pretty(pg_database_size(current_database()))")"
TREEM_LB_BIND=127.0.0.1:18280 TREEM_SERVER_1=127.0.0.1:18281 TREEM_SERVER_2=127.0.0.1:18282 \
  TREEM_SERVER_3=127.0.0.1:18283 haproxy -f deploy/haproxy.cfg >"$WORK/haproxy.log" 2>&1 &
up 127.0.0.1:18280
rss() { for p in "${PIDS[@]}"; do ps -o rss= -p "$p"; done | awk '{printf " %.0f MB", $1 / 1024} END {print ""}'; }
echo "servers up; RSS:$(rss)"
# The province's children (the first tenth of the ids as generated; spread
# over all of them when the files were shuffled).
psql "$DB" -Atc "SELECT c.id FROM children c JOIN units u ON u.id = c.unit_id
  WHERE u.parent_code = '13' AND c.merged_into IS NULL" > "$WORK/province-ids.txt"
IDS=@$WORK/province-ids.txt
target/release/examples/bench_http http://127.0.0.1:18280 tinh13 "$PASSWORD" "$CLIENTS" "$EACH" "$IDS"
echo "RSS after searches and children's pages:$(rss)"
target/release/examples/bench_http http://127.0.0.1:18280 tinh13 "$PASSWORD" "$CLIENTS" "$EACH" "$IDS" dashboard
echo "RSS after the dashboards:$(rss)"
for kind in children nutrition ids; do
  target/release/examples/bench_http http://127.0.0.1:18280 'xa{n}' "$PASSWORD" "$CLIENTS" "$EACH" "$IDS" $kind
done
echo "RSS after the communes' lists:$(rss)"
