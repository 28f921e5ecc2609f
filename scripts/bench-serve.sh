#!/usr/bin/env bash
# Measures `treem serve` with the demo district: time until /healthz answers
# (first start, which loads the demo, and a restart), peak memory (VmHWM)
# after signing in and loading pages, and the release binary's size.
# Usage: scripts/bench-serve.sh   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
BIN=target/release/treem
DIR=$(mktemp -d)
PORT=${PORT:-18080}
URL=http://127.0.0.1:$PORT

now_ms() { date +%s%3N; }
wait_ready() {
  local start=$1
  until curl -fs "$URL/healthz" >/dev/null 2>&1; do sleep 0.005; done
  echo $(( $(now_ms) - start ))
}

start=$(now_ms)
$BIN --data-dir "$DIR" serve --demo --listen 127.0.0.1:$PORT > "$DIR/out.txt" 2>/dev/null &
PID=$!
first=$(wait_ready "$start")
PASSWORD=$(sed -n 's/.*: \([a-z0-9-]*\)$/\1/p' "$DIR/out.txt" | tail -n 1)
kill $PID; wait $PID 2>/dev/null || true

start=$(now_ms)
$BIN --data-dir "$DIR" serve --listen 127.0.0.1:$PORT > /dev/null 2>&1 &
PID=$!
restart=$(wait_ready "$start")

# Sign in (the login form needs its anti-forgery token) and load pages.
JAR="$DIR/jar"
csrf=$(curl -s -c "$JAR" -b "$JAR" "$URL/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1)
curl -s -c "$JAR" -b "$JAR" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "username=admin" \
  --data-urlencode "password=$PASSWORD" "$URL/login"
csrf=$(curl -s -c "$JAR" -b "$JAR" "$URL/account/password" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1)
curl -s -c "$JAR" -b "$JAR" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "current=$PASSWORD" \
  --data-urlencode "new=mat-khau-do-hieu-nang" --data-urlencode "repeat=mat-khau-do-hieu-nang" "$URL/account/password"
after_login=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
pages=0
for p in $(seq 1 60); do
  curl -fs -b "$JAR" -o /dev/null "$URL/children?page=$p"
  curl -fs -b "$JAR" -o /dev/null "$URL/units?date=30/06/2025"
  curl -fs -b "$JAR" -o /dev/null "$URL/"
  pages=$((pages + 3))
done
size=$(curl -s -b "$JAR" "$URL/children" | wc -c)
gz=$(curl -s -b "$JAR" -H 'Accept-Encoding: gzip' "$URL/children" | wc -c)
hwm=$(awk '/VmHWM/ {print $2}' /proc/$PID/status)
rss=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
kill $PID; wait $PID 2>/dev/null || true

echo "first start with demo load (3000 children): ready in ${first} ms"
echo "restart: ready in ${restart} ms"
echo "after signing in and changing the password: RSS $((after_login / 1024)) MiB"
echo "after ${pages} pages: peak RSS $((hwm / 1024)) MiB, RSS $((rss / 1024)) MiB"
echo "children page: ${size} bytes, ${gz} bytes gzipped"
echo "release binary: $(( $(stat -c %s $BIN) / 1024 / 1024 )) MiB ($(stat -c %s $BIN) bytes)"
rm -rf "$DIR"
