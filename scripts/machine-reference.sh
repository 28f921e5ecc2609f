#!/usr/bin/env bash
# How fast this machine's cores are today, to read a size test's figures
# against another day's: `treem zscore` on 1,000,000 generated
# measurements (one core, no database, no disk to speak of), best of
# three. It took 1.63-1.71 s on 2026-11-29 (docs/performance.md «WHO
# z-scores»); a figure twice that means every timing of the run is to be
# read against a core half as fast. Called by the size tests; runs alone
# too.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p treem -p treem-domain --example gen_measurements
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
target/release/examples/gen_measurements 1000000 "$DIR/in.csv" >/dev/null
best=
for _ in 1 2 3; do
  s=$(date +%s.%N)
  target/release/treem --data-dir "$DIR/data" zscore --input "$DIR/in.csv" --output "$DIR/out.csv" >/dev/null
  e=$(date +%s.%N)
  t=$(python3 -c "print(f'{$e - $s:.2f}')")
  if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $t < $best else 1)"; then best=$t; fi
done
echo "machine reference: treem zscore of 1,000,000 rows in $best s (1.63-1.71 s on 2026-11-29)"
