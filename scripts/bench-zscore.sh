#!/usr/bin/env bash
# Times `treem zscore` on a generated file of 1,000,000 measurements and runs
# the criterion benchmark of the z-score crate.
# Usage: scripts/bench-zscore.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
DIR=$(mktemp -d)
cargo build --release -q -p treem -p treem-domain --example gen_measurements
target/release/examples/gen_measurements "$ROWS" "$DIR/in.csv"
echo "input: $ROWS rows, $(( $(stat -c %s "$DIR/in.csv") / 1024 / 1024 )) MiB"
for i in 1 2 3; do
  /usr/bin/time -f "treem zscore: %e s wall, %U s user, peak RSS %M KiB" \
    target/release/treem --data-dir "$DIR/data" zscore --input "$DIR/in.csv" --output "$DIR/out.csv"
done
rm -rf "$DIR"
cargo bench -q -p treem-growth --bench zscores -- --warm-up-time 2 --measurement-time 5 2>/dev/null | grep -E "time:|thrpt:"
