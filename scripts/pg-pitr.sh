#!/usr/bin/env bash
# PostgreSQL backups that are tested (issue 22, item 5): a base backup and
# WAL archiving, then a restore to a chosen time — all on 127.0.0.1, with
# Debian's PostgreSQL, in a folder of its own, removed at the end.
#
#   1. a primary with `archive_mode = on` (each finished WAL segment copied
#      to an archive folder) and an empty `treem` database, migrated;
#   2. a base backup (`pg_basebackup`) of it;
#   3. writes A: a demo district (children, measurements, cases … and
#      their audit events); the counts and the audit chain noted; the time T;
#   4. writes B after T: two accounts added and a data set exported (audit
#      events), so the database at the end differs from the one at T;
#   5. the restore: the base backup in a new folder, `restore_command`
#      reading the archive, `recovery_target_time = T`, promoted; started on
#      another port;
#   6. the checks: the restored database has A's counts (children, accounts,
#      audit events), not B's, and `treem audit verify` finds its chain whole.
# docs/operations.md («PostgreSQL: continuous backup and recovery to a
# point in time») is the procedure for a real server; this script is that
# procedure run end to end.
#
# Usage: scripts/pg-pitr.sh [CHILDREN]   (default 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
CHILDREN=${1:-2000}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
WORK=$(mktemp -d /tmp/treem-pitr.XXXXXX)
PRIMARY=$WORK/primary BASE=$WORK/base ARCHIVE=$WORK/archive RESTORED=$WORK/restored
P1=${PITR_PORT:-56432}
P2=$((P1 + 1))
as_pg() { su postgres -s /bin/sh -c "$1"; }
stop() { [ -f "$1/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl -D $1 -m fast stop" >/dev/null 2>&1 || true; }
trap 'stop "$RESTORED"; stop "$PRIMARY"; rm -rf "$WORK"' EXIT
id postgres >/dev/null 2>&1 || useradd -r postgres
mkdir -p "$ARCHIVE" "$WORK/data"
# The clusters, their sockets and the archive are the server's; the data
# folder (the key that seals case contents) is treem's.
chown postgres "$WORK" "$ARCHIVE"

cargo build --release -q -p treem
BIN=$PWD/target/release/treem
url() { echo "postgres://postgres@127.0.0.1:$1/treem"; }
treem() { local port=$1; shift; "$BIN" --data-dir "$WORK/data" --db "$(url "$port")" "$@"; }
sql() { as_pg "$PGBIN/psql -h 127.0.0.1 -p $1 -U postgres -d treem -Atqc \"$2\""; }
counts() { sql "$1" "SELECT (SELECT count(*) FROM children) || ' children, ' || (SELECT count(*) FROM accounts) || ' accounts, ' || (SELECT count(*) FROM audit_log) || ' audit events'"; }

echo "== 1. a primary archiving its WAL (port $P1)"
as_pg "$PGBIN/initdb -D $PRIMARY -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
cat >>"$PRIMARY/postgresql.conf" <<EOF
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $ARCHIVE/%f && cp %p $ARCHIVE/%f'
EOF
as_pg "$PGBIN/pg_ctl -D $PRIMARY -l $WORK/primary.log -w -o '-h 127.0.0.1 -p $P1 -k $WORK' start" >/dev/null
as_pg "$PGBIN/createdb -h 127.0.0.1 -p $P1 -U postgres treem"
treem "$P1" audit verify >/dev/null # migrates the empty database

echo "== 2. the base backup"
as_pg "$PGBIN/pg_basebackup -h 127.0.0.1 -p $P1 -U postgres -D $BASE -X stream -c fast"
as_pg "$PGBIN/pg_verifybackup -n $BASE"

echo "== 3. writes A: a demo district of $CHILDREN children"
treem "$P1" demo --children "$CHILDREN" >/dev/null
AT_A=$(counts "$P1")
echo "   at T: $AT_A"
treem "$P1" audit verify
sleep 1
T=$(sql "$P1" "SELECT to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS.US TZH')")
sleep 1
echo "   T = $T"

echo "== 4. writes B, after T"
for who in sau-moc-1 sau-moc-2; do
  echo "mat-khau-sau-moc-thoi-gian" | treem "$P1" user add "$who" --role viewer --unit 12 --password-stdin >/dev/null
done
treem "$P1" export "$WORK/export" >/dev/null
AT_B=$(counts "$P1")
echo "   at the end: $AT_B"
# The segment holding B's last write closed and archived, so the restore
# can read past T.
seg=$(sql "$P1" "SELECT pg_walfile_name(pg_switch_wal())")
for _ in $(seq 1 120); do
  [ -f "$ARCHIVE/$seg" ] && break
  sleep 0.5
done
[ -f "$ARCHIVE/$seg" ] || { echo "FAIL: $seg was not archived"; exit 1; }
echo "   archived up to $seg ($(ls "$ARCHIVE" | wc -l) files)"

echo "== 5. the restore to T (port $P2)"
cp -a "$BASE" "$RESTORED"
cat >>"$RESTORED/postgresql.auto.conf" <<EOF
restore_command = 'cp $ARCHIVE/%f %p'
recovery_target_time = '$T'
recovery_target_action = 'promote'
archive_mode = off
EOF
as_pg "touch $RESTORED/recovery.signal"
as_pg "$PGBIN/pg_ctl -D $RESTORED -l $WORK/restored.log -w -t 120 -o '-h 127.0.0.1 -p $P2 -k $WORK' start" >/dev/null
for _ in $(seq 1 120); do
  [ "$(sql "$P2" "SELECT pg_is_in_recovery()")" = "f" ] && break
  sleep 0.5
done
grep -E "recovery stopping|selected new timeline" "$WORK/restored.log" | sed 's/^/   /' || true

echo "== 6. the checks"
RESTORED_COUNTS=$(counts "$P2")
echo "   restored: $RESTORED_COUNTS"
fail=0
if [ "$RESTORED_COUNTS" != "$AT_A" ]; then
  echo "FAIL: the restored database is not the one at T ($AT_A)"
  fail=1
fi
if [ "$RESTORED_COUNTS" = "$AT_B" ]; then
  echo "FAIL: the restored database holds the writes made after T"
  fail=1
fi
treem "$P2" audit verify || fail=1
[ "$fail" = 0 ] && echo "OK: restored to T — counts as at T, audit chain whole"
exit "$fail"
