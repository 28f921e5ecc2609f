#!/usr/bin/env bash
# The dashboard's ID link counted from nothing on PostgreSQL (issue 22,
# fifth pass), statement by statement as treem sends them: the statement of
# the build before (`aed638f`: 64 communes a statement, their list joined
# to the children) and this build's (16 communes a statement, each unit's
# children read in its own index range), one after the other on one
# connection, for one province and for every commune; then checks both
# give the same counts. Run on a database of `scripts/bench-nation.sh`
# (kept with KEEP_DIR=…), e.g.
#   scripts/bench-id-link.sh postgres://postgres@127.0.0.1:56432/nation
# treem runs three of its statements at once (`kept_link`), so the page
# waits less than the sums printed here.
set -euo pipefail
DB=${1:?usage: scripts/bench-id-link.sh postgres://…/DATABASE}
BORN_AFTER=$(date -d "16 years ago" +%F)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
SUMS="SUM(CASE WHEN national_id <> '' AND national_id_verified = national_id THEN 1 ELSE 0 END), SUM(CASE WHEN national_id <> '' AND (national_id_verified IS NULL OR national_id_verified <> national_id) THEN 1 ELSE 0 END), SUM(CASE WHEN national_id IS NULL OR national_id = '' THEN 1 ELSE 0 END)"
BEFORE="SELECT unit_id, $SUMS FROM children WHERE unit_id IN (SELECT unnest(\$1::bigint[])) AND merged_into IS NULL AND status = 'active' AND date_of_birth > \$2 GROUP BY unit_id ORDER BY unit_id"
NOW="SELECT unit_id, $SUMS FROM (SELECT DISTINCT unnest(\$1::bigint[]) AS id) AS u CROSS JOIN LATERAL (SELECT unit_id, national_id, national_id_verified FROM children WHERE unit_id = u.id AND merged_into IS NULL AND status = 'active' AND date_of_birth > \$2 OFFSET 0) AS c GROUP BY unit_id ORDER BY unit_id"
run() { # label sql batch where
  local label=$1 sql=$2 batch=$3 where=$4
  {
    echo "SET jit = off; PREPARE q(bigint[], date) AS $sql;"
    psql -Atq $DB -c "SELECT '{' || string_agg(id::text, ',') || '}' FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / $batch AS b FROM units WHERE $where) u GROUP BY b ORDER BY b" |
      while read -r ids; do echo "EXECUTE q('$ids', '$BORN_AFTER');"; done
  } > $WORK/link-$label.sql
  local n=$(grep -c EXECUTE $WORK/link-$label.sql)
  local t0=$(date +%s.%N)
  psql -Atq $DB -f $WORK/link-$label.sql > $WORK/link-$label.out
  local t1=$(date +%s.%N)
  python3 -c "print(f'$label: $n statements, {$t1 - $t0:.2f} s, {sum(1 for _ in open(\"$WORK/link-$label.out\"))} units')"
}
PROV="parent_code = '13'"
NATION="id IN (SELECT DISTINCT unit_id FROM children)"
run province-before "$BEFORE" 64 "$PROV"
run province-now "$NOW" 16 "$PROV"
sort $WORK/link-province-before.out | cmp - <(sort $WORK/link-province-now.out) && echo "province: same counts"
run nation-before "$BEFORE" 64 "$NATION"
run nation-now "$NOW" 16 "$NATION"
sort $WORK/link-nation-before.out | cmp - <(sort $WORK/link-nation-now.out) && echo "nation: same counts"
