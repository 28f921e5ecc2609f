#!/usr/bin/env bash
# A real full filesystem under a running `treem serve` (release build): the
# data folder on a small tmpfs, filled up, then freed. Every create answered
# 201 must be in the database after a restart, and every create answered
# otherwise must not; the server must take writes again once space returns,
# without a restart. Needs root (it mounts a tmpfs). Not part of CI.
# Usage: sudo scripts/full-disk.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
BIN=$PWD/target/release/treem
M=$(mktemp -d)
OUT=$(mktemp -d)
PORT=${PORT:-18095}
URL=http://127.0.0.1:$PORT
mount -t tmpfs -o size=24m tmpfs "$M"
cleanup() { kill "${PID:-0}" 2>/dev/null || true; umount "$M" 2>/dev/null || true; rm -rf "$M" "$OUT"; }
trap cleanup EXIT
"$BIN" --data-dir "$M" demo --children 300 >/dev/null 2>&1
echo "ban-bo-mua-lua-chin-vang" | "$BIN" --data-dir "$M" user add banbo --role commune --unit 03424 --password-stdin >/dev/null
TOKEN=$("$BIN" --data-dir "$M" token create banbo 2>/dev/null)
"$BIN" --data-dir "$M" serve --listen 127.0.0.1:$PORT >"$OUT/serve.log" 2>&1 &
PID=$!
until curl -fs "$URL/healthz" >/dev/null 2>&1; do sleep 0.05; done
long=$(printf 'Nà%.0s ' $(seq 1 300))
create() {
  curl -s -o "$OUT/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' \
    -d "{\"child_id\":\"$1\",\"full_name\":\"Vàng Thị Đầy\",\"sex\":\"F\",\"date_of_birth\":\"2022-03-14\",\"commune_code\":\"03424\",\"village\":\"$long\",\"mother_name\":\"$long\"}" \
    "$URL/api/v1/children"
}
# Fill the filesystem to the last block.
dd if=/dev/zero of="$M/filler" bs=64k >/dev/null 2>&1 || true
declare -A answer
for i in $(seq 1 40); do answer[FULL-$i]=$(create "FULL-$i"); done
rm -f "$M/filler"
for i in $(seq 1 10); do answer[ROOM-$i]=$(create "ROOM-$i"); done
kill $PID; wait $PID 2>/dev/null || true
"$BIN" --data-dir "$M" export "$OUT/export" >/dev/null 2>&1
ok=0; lost=0; refused=0; ghost=0; other=0
for code in "${!answer[@]}"; do
  stored=0; grep -q "^$code," "$OUT/export/children.csv" && stored=1
  case "${answer[$code]}" in
    201) if [ $stored = 1 ]; then ok=$((ok+1)); else lost=$((lost+1)); fi ;;
    503) if [ $stored = 0 ]; then refused=$((refused+1)); else ghost=$((ghost+1)); fi ;;
    *) other=$((other+1)); echo "$code answered ${answer[$code]}" ;;
  esac
done
room=0; for i in $(seq 1 10); do [ "${answer[ROOM-$i]}" = 201 ] && room=$((room+1)); done
echo "answered 201 and stored: $ok; answered 201 but lost: $lost"
echo "answered 503 and not stored: $refused; answered 503 but stored: $ghost; other answers: $other"
echo "after space returned, without a restart: $room of 10 created"
[ $lost = 0 ] && [ $ghost = 0 ] && [ $other = 0 ] && [ $room = 10 ] && [ $refused -gt 0 ]
