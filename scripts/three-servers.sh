#!/usr/bin/env bash
# Three `treem serve` processes on one PostgreSQL database behind HAProxy
# (issue 22, item 2; Debian's haproxy and PostgreSQL, deploy/haproxy.cfg),
# all on 127.0.0.1:
#   1. CLIENTS signed-in clients add children through the balancer for
#      SECONDS; a third of the way in, server 2 is killed (SIGKILL).
#      Checked: every write answered as stored (303) is in the database;
#      nothing is in the database that was not asked for; every client went
#      on in its session after the kill (its last write stored).
#   2. The audit chain is whole (`treem audit verify`).
#   3. The two servers left show the same dashboard and the same search
#      answer for the new children (figures and search index follow writes
#      made through the other server).
#   4. Sign-in throttling is shared: wrong passwords spread over both
#      servers lock the username, and the client address the audit log
#      keeps is the one HAProxy saw (a forged X-Forwarded-For is ignored:
#      the client connects from 127.0.0.2; the balancer, 127.0.0.1, is the
#      only trusted proxy).
# Usage: scripts/three-servers.sh [CLIENTS] [SECONDS]   (needs root for the
# throwaway PostgreSQL cluster, as .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS=${1:-16}
RUN_SECONDS=${2:-30}
command -v haproxy >/dev/null || { echo "haproxy is not installed (apt install haproxy)" >&2; exit 1; }
cargo build --release -q -p treem
cargo build --release -q -p treem --example lb_writes
BIN=$PWD/target/release/treem
WORK=$(mktemp -d /tmp/treem-3s.XXXXXX)
chmod 755 "$WORK"
export TREEM_PG_DIR=$WORK/pg
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $TREEM_PG_DIR -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
eval "$(bash .ci/pg-start.sh)"
SERVER=${TREEM_TEST_POSTGRES%/*}
psql "$TREEM_TEST_POSTGRES" -qc "CREATE DATABASE treem3"
export TREEM_DATABASE_URL=$SERVER/treem3
export TREEM_TRUSTED_PROXIES=127.0.0.1
sql() { psql "$TREEM_DATABASE_URL" -Atc "$1"; }
PASSWORD=mat-khau-ba-may-chu
up() { until curl -fs "http://$1/healthz" >/dev/null 2>&1; do sleep 0.2; done; }

# Server 1 starts first: it loads the demo district and makes the key that
# seals case contents, which the others must share.
mkdir -p "$WORK/data1" "$WORK/data2" "$WORK/data3"
$BIN --data-dir "$WORK/data1" serve --demo --listen 127.0.0.1:18181 >"$WORK/s1.log" 2>&1 &
up 127.0.0.1:18181
for i in 2 3; do cp -p "$WORK/data1/treem.key" "$WORK/data$i/"; done
$BIN --data-dir "$WORK/data2" serve --listen 127.0.0.1:18182 >"$WORK/s2.log" 2>&1 &
S2=$!
$BIN --data-dir "$WORK/data3" serve --listen 127.0.0.1:18183 >"$WORK/s3.log" 2>&1 &
up 127.0.0.1:18182
up 127.0.0.1:18183
echo "$PASSWORD" | $BIN --data-dir "$WORK/data1" user add tinh --role province --unit 12 --password-stdin >/dev/null
echo "$PASSWORD" | $BIN --data-dir "$WORK/data1" user add ai-do --role commune --unit 03424 --password-stdin >/dev/null
TREEM_LB_BIND=127.0.0.1:18180 TREEM_SERVER_1=127.0.0.1:18181 TREEM_SERVER_2=127.0.0.1:18182 \
  TREEM_SERVER_3=127.0.0.1:18183 haproxy -f deploy/haproxy.cfg >"$WORK/haproxy.log" 2>&1 &
up 127.0.0.1:18180
echo "three servers and HAProxy up ($(sql "SELECT COUNT(*) FROM children") children)"

echo "== 1. $CLIENTS clients writing for $RUN_SECONDS s; server 2 killed after $((RUN_SECONDS / 3)) s"
target/release/examples/lb_writes http://127.0.0.1:18180 tinh "$PASSWORD" "$CLIENTS" "$RUN_SECONDS" lb "$WORK/writes.txt" &
LOAD=$!
sleep $((RUN_SECONDS / 3))
kill -9 "$S2"
echo "server 2 killed"
wait "$LOAD"
sql "SELECT child_id FROM children WHERE child_id LIKE 'lb%'" | sort >"$WORK/stored.txt"
awk '$2 == 303 {print $1}' "$WORK/writes.txt" | sort >"$WORK/answered.txt"
awk '{print $1}' "$WORK/writes.txt" | sort >"$WORK/asked.txt"
awk '{print $2}' "$WORK/writes.txt" | sort | uniq -c | awk '{printf "  status %s: %s\n", $2, $1}'
lost=$(comm -23 "$WORK/answered.txt" "$WORK/stored.txt" | wc -l)
unasked=$(comm -13 "$WORK/asked.txt" "$WORK/stored.txt" | wc -l)
unanswered=$(comm -23 "$WORK/stored.txt" "$WORK/answered.txt" | wc -l)
echo "  stored: $(wc -l <"$WORK/stored.txt"); answered as stored but not in the database: $lost; in the database but never asked: $unasked; stored though the answer was an error (the server died after the commit): $unanswered"
[ "$lost" -eq 0 ] && [ "$unasked" -eq 0 ] || { echo "FAILED: a write answered as stored was not committed" >&2; exit 1; }
# Each client's last write: stored (its session went on after the kill).
went_on=$(awk '{split($1, p, "-"); last[p[1]] = $2} END {n = 0; for (c in last) if (last[c] == 303) n++; print n}' "$WORK/writes.txt")
echo "  clients whose last write was stored: $went_on of $CLIENTS"
[ "$went_on" -eq "$CLIENTS" ] || { echo "FAILED: a client's session did not go on" >&2; exit 1; }

echo "== 2. the audit chain"
$BIN --data-dir "$WORK/data1" audit verify

echo "== 3. the two servers left agree"
c1=$WORK/c1; c3=$WORK/c3
for s in 1 3; do
  jar=$WORK/c$s
  page=$(curl -fs -c "$jar" -b "$jar" "http://127.0.0.1:1818$s/login")
  csrf=$(printf '%s' "$page" | grep -o 'name="csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
  curl -fs -o /dev/null -c "$jar" -b "$jar" --data-urlencode "username=tinh" --data-urlencode "password=$PASSWORD" \
    --data-urlencode "csrf=$csrf" "http://127.0.0.1:1818$s/login"
  for p in "indicators?year=2026&half=0" "children?q=thu"; do
    curl -fs -b "$jar" "http://127.0.0.1:1818$s/$p" | sed 's/name="csrf" value="[^"]*"//g; s/nonce="[^"]*"//g' >"$WORK/s$s-${p%%\?*}.html"
  done
done
for p in indicators children; do
  if cmp -s "$WORK/s1-$p.html" "$WORK/s3-$p.html"; then
    echo "  /$p: the same page from servers 1 and 3 ($(wc -c <"$WORK/s1-$p.html") bytes)"
  else
    echo "FAILED: /$p differs between servers 1 and 3" >&2
    diff <(tr '>' '\n' <"$WORK/s1-$p.html") <(tr '>' '\n' <"$WORK/s3-$p.html") | head -n 20 >&2
    exit 1
  fi
done

echo "== 4. sign-in throttling through the balancer"
page=$(curl -fs -c "$WORK/t" -b "$WORK/t" --interface 127.0.0.2 http://127.0.0.1:18180/login)
csrf=$(printf '%s' "$page" | grep -o 'name="csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
codes=""
for i in 1 2 3 4 5 6 7; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -c "$WORK/t" -b "$WORK/t" --interface 127.0.0.2 \
    -H "X-Forwarded-For: 203.0.113.7" --data-urlencode "username=ai-do" --data-urlencode "password=sai-$i" \
    --data-urlencode "csrf=$csrf" http://127.0.0.1:18180/login)
  codes="$codes $code"
done
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$WORK/t" -b "$WORK/t" --interface 127.0.0.2 \
  --data-urlencode "username=ai-do" --data-urlencode "password=$PASSWORD" --data-urlencode "csrf=$csrf" \
  http://127.0.0.1:18180/login)
echo "  wrong passwords:$codes; then the right one: $code"
[ "$code" = 429 ] || { echo "FAILED: the username was not locked across servers" >&2; exit 1; }
ips=$(sql "SELECT DISTINCT ip FROM audit_log WHERE action = 'login_failed' AND record_id = 'ai-do'")
echo "  the address the audit log kept: $ips"
[ "$ips" = 127.0.0.2 ] || { echo "FAILED: the client address is not the one HAProxy saw" >&2; exit 1; }
echo "all checks passed"
