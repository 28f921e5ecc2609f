#!/usr/bin/env bash
# `treem indicators --by` against the plain run on a generated data set of
# N children (default 1,000,000): each run three times, wall time and peak
# memory. Usage: scripts/bench-breakdown.sh [CHILDREN]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
cargo build --release -q -p treem
cargo build --release -q -p treem-interchange --example gen_dataset
target/release/examples/gen_dataset "$N" "$DIR/set"
target/release/treem --data-dir "$DIR/data" import "$DIR/set" > /dev/null
for by in "" sex ethnicity poverty; do
  for i in 1 2 3; do
    if [ -z "$by" ]; then args=(); label=plain; else args=(--by "$by"); label="--by $by"; fi
    /usr/bin/time -f "$label: %e s wall, peak RSS %M KiB" \
      target/release/treem --data-dir "$DIR/data" indicators --year 2025 --format json "${args[@]}" > /dev/null
  done
done
