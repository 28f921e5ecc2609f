#!/usr/bin/env bash
# The officer's pages one at a time: generates a district of N children
# (default 200,000) with `treem demo`, starts `treem serve`, signs in a
# commune officer (Bản Bo), a province officer and an administrator with
# curl, and prints for each page the median of 5 requests (seconds) and the
# size sent (compressed, bytes).
# Usage: scripts/bench-pages.sh [CHILDREN]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200000}
PORT=${PORT:-18091}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
cargo build --release -q -p treem --bins
BIN=target/release/treem
/usr/bin/time -f "demo of $N children: %e s" $BIN --data-dir "$DIR" demo --children "$N" --seed 1 >/dev/null
PW=mat-khau-do-hieu-nang
echo $PW | $BIN --data-dir "$DIR" user add canbo --role commune --unit 03424 --password-stdin >/dev/null
echo $PW | $BIN --data-dir "$DIR" user add tinh --role province --unit 12 --password-stdin >/dev/null
echo $PW | $BIN --data-dir "$DIR" user add quantri --role admin --unit 12 --password-stdin >/dev/null
$BIN --data-dir "$DIR" serve --listen 127.0.0.1:$PORT >/dev/null 2>"$DIR/serve.log" &
PID=$!
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.05; done
until grep -q "search index ready" "$DIR/serve.log"; do sleep 0.2; done
BASE=http://127.0.0.1:$PORT
login() {
  local jar="$DIR/$1.jar"
  local csrf
  csrf=$(curl -s -c "$jar" -b "$jar" "$BASE/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "username=$1" --data-urlencode "password=$PW" --data-urlencode "csrf=$csrf" "$BASE/login"
}
page() {
  local who=$1 path=$2 times=() size=0
  for _ in 1 2 3 4 5; do
    read -r t s < <(curl -s -o /dev/null -b "$DIR/$who.jar" -H 'Accept-Encoding: gzip' -w '%{time_total} %{size_download}\n' "$BASE$path")
    times+=("$t"); size=$s
  done
  printf '%-6s %-40s %8s s %8s B\n' "$who" "$path" "$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)" "$size"
}
for u in canbo tinh quantri; do login $u; done
CODE=$(sqlite3 "$DIR/treem.db" "SELECT child_id FROM children c JOIN units u ON u.id = c.unit_id WHERE u.code = '03424' LIMIT 1" 2>/dev/null || echo TD-000001)
for p in / "/children?q=$CODE" "/children?q=lo%20thi%20mai" /nutrition "/nutrition?page=2" /lists/no-birth-registration /facts /cases /datasets /indicators; do
  page canbo "$p"
done
for p in / "/children?q=$CODE" /nutrition /indicators /cases; do
  page tinh "$p"
done
for p in /admin/audit "/admin/audit?action=login" /admin/accounts; do
  page quantri "$p"
done
kill -INT $PID; wait $PID 2>/dev/null || true
