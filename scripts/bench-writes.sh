#!/usr/bin/env bash
# Sequential writes through the API on SQLite (release build): N children
# created one by one with curl by a signed-in token, as an officer entering
# records would, and the time per write. Each write is one transaction,
# committed to disk before it is answered (synchronous=FULL).
# Usage: scripts/bench-writes.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-300}
cargo build --release -q -p treem
BIN=$PWD/target/release/treem
D=$(mktemp -d)
trap 'kill ${PID:-0} 2>/dev/null || true; rm -rf "$D"' EXIT
PORT=${PORT:-18097}
"$BIN" --data-dir "$D" demo --children 3000 >/dev/null 2>&1
echo "ban-bo-mua-lua-chin-vang" | "$BIN" --data-dir "$D" user add banbo --role commune --unit 03424 --password-stdin >/dev/null
TOKEN=$("$BIN" --data-dir "$D" token create banbo 2>/dev/null)
"$BIN" --data-dir "$D" serve --listen 127.0.0.1:$PORT >/dev/null 2>&1 &
PID=$!
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.05; done
start=$(date +%s%N)
for i in $(seq 1 "$N"); do
  curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"child_id\":\"W-$i\",\"full_name\":\"Lò Thị Ghi $i\",\"sex\":\"F\",\"date_of_birth\":\"2022-03-14\",\"commune_code\":\"03424\"}" \
    "http://127.0.0.1:$PORT/api/v1/children"
done | sort | uniq -c
end=$(date +%s%N)
awk -v n="$N" -v ns=$((end - start)) 'BEGIN { printf "%d creates in %.2f s: %.1f ms each (curl included)\n", n, ns / 1e9, ns / 1e6 / n }'
