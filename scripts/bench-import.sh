#!/usr/bin/env bash
# Generates a data set of N children (about 4.2 rows per child over all
# files), imports it into an empty SQLite data folder, and exports it again.
# Usage: scripts/bench-import.sh [CHILDREN]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
DIR=$(mktemp -d)
cargo build --release -q -p treem
cargo build --release -q -p treem-interchange --example gen_dataset
target/release/examples/gen_dataset "$N" "$DIR/set"
echo "data set: $(cat "$DIR"/set/*.csv | wc -l) lines, $(du -sh "$DIR/set" | cut -f1)"
TREEM_TIMINGS=1 /usr/bin/time -f "import: %e s wall, peak RSS %M KiB" \
  target/release/treem --data-dir "$DIR/data" import "$DIR/set" > /dev/null
TREEM_TIMINGS=1 /usr/bin/time -f "export: %e s wall, peak RSS %M KiB" \
  target/release/treem --data-dir "$DIR/data" export "$DIR/out" > /dev/null
rm -rf "$DIR"
