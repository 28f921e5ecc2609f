#!/usr/bin/env bash
# Sends hostile data sets to a real `treem serve` (release build), as a
# signed-in commune officer on the data-set page, one fresh server per
# file, and reports each answer, the message shown, the time taken and the
# server's peak memory (VmHWM). Not part of CI (it writes a few GB).
# Usage: scripts/hostile-uploads.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
BIN=$PWD/target/release/treem
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PORT=${PORT:-18090}
URL=http://127.0.0.1:$PORT
PASS="ban-bo-mua-lua-chin-vang"
python3 scripts/hostile_files.py "$WORK"
printf '| file | size | answer | message | seconds | server peak RSS |\n|---|---|---|---|---|---|\n'
for f in bomb.zip same-name.zip strings-20m.xlsx strings-5m.xlsx cells.xlsx; do
  D=$(mktemp -d -p "$WORK")
  "$BIN" --data-dir "$D" demo --children 300 >/dev/null 2>&1
  echo "$PASS" | "$BIN" --data-dir "$D" user add banbo --role commune --unit 03424 --password-stdin >/dev/null
  "$BIN" --data-dir "$D" serve --listen 127.0.0.1:$PORT >/dev/null 2>&1 &
  PID=$!
  until curl -fs "$URL/healthz" >/dev/null 2>&1; do sleep 0.05; done
  J="$D/jar"
  csrf() { grep -o 'name="csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//'; }
  C=$(curl -s -c "$J" -b "$J" "$URL/login" | csrf)
  curl -s -o /dev/null -c "$J" -b "$J" --data-urlencode "username=banbo" \
    --data-urlencode "password=$PASS" --data-urlencode "csrf=$C" "$URL/login"
  C=$(curl -s -c "$J" -b "$J" "$URL/datasets" | csrf)
  start=$(date +%s.%N)
  code=$(curl -s -o "$D/out.html" -w '%{http_code}' -c "$J" -b "$J" \
    -F "csrf=$C" -F "file=@$WORK/$f" "$URL/datasets" || echo "---")
  end=$(date +%s.%N)
  rss=$(awk '/VmHWM/ {printf "%.0f MB", $2/1024}' /proc/$PID/status)
  msg=$(grep -o 'role="alert"><p>[^<]*' "$D/out.html" 2>/dev/null | sed 's/.*<p>//' | head -n 1 || true)
  [ -z "$msg" ] && msg=$(grep -o 'notice error">[^<]*' "$D/out.html" | sed 's/.*">//' | head -n 1 || true)
  size=$(du -h "$WORK/$f" | cut -f1)
  printf '| %s | %s | %s | %s | %.1f | %s |\n' "$f" "$size" "$code" "$msg" "$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')" "$rss"
  kill $PID; wait $PID 2>/dev/null || true
  rm -rf "$D"
done
