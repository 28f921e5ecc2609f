#!/usr/bin/env bash
# Makes a streaming replica of the cluster `.ci/pg-start.sh` started (in
# TREEM_PG_DIR, default /tmp/treem-pg) with `pg_basebackup`, starts it on
# the next free port on 127.0.0.1 and prints its URL:
#   eval "$(bash .ci/pg-replica.sh)"   # sets TREEM_TEST_PG_REPLICA
# The replica lives in TREEM_PG_DIR-replica and is made anew every time.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
DIR=${TREEM_PG_DIR:-/tmp/treem-pg}
REPLICA="$DIR-replica"
as_pg() { su postgres -s /bin/sh -c "$1"; }
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PRIMARY_PORT=$(cat "$DIR/port")

if [ -f "$REPLICA/postmaster.pid" ]; then
  as_pg "$PGBIN/pg_ctl -D $REPLICA -m immediate stop" >/dev/null 2>&1 || true
fi
rm -rf "$REPLICA"
mkdir -p "$REPLICA"
chown postgres "$REPLICA"
chmod 700 "$REPLICA"
# -R writes the standby's settings (standby.signal, primary_conninfo);
# initdb's -A trust allowed replication connections from 127.0.0.1.
# (Its warnings about the primary's socket files in the folder are kept
# out of the way, shown only if it fails.)
said=$(mktemp)
if ! as_pg "$PGBIN/pg_basebackup -h 127.0.0.1 -p $PRIMARY_PORT -U postgres -D $REPLICA -R -X stream -c fast" >"$said" 2>&1; then
  echo "pg-replica: pg_basebackup failed:" >&2
  cat "$said" >&2
  rm -f "$said"
  exit 1
fi
rm -f "$said"
PORT=$((PRIMARY_PORT + 1))
tries=0
while port_taken "$PORT"; do
  PORT=$((PORT + 1))
  tries=$((tries + 1))
  if [ "$tries" -gt 50 ]; then
    echo "pg-replica: no free port after $PRIMARY_PORT" >&2
    exit 1
  fi
done
echo "$PORT" >"$REPLICA/port"
rm -f "$REPLICA/log"
if ! as_pg "$PGBIN/pg_ctl -D $REPLICA -l $REPLICA/log -w -t 60 -o '-h 127.0.0.1 -p $PORT -k $REPLICA' start" >/dev/null; then
  echo "pg-replica: the replica did not start on port $PORT; its log:" >&2
  tail -n 30 "$REPLICA/log" >&2 || true
  exit 1
fi
if [ "$(as_pg "$PGBIN/psql -h 127.0.0.1 -p $PORT -U postgres -Atc 'select pg_is_in_recovery()'")" != t ]; then
  echo "pg-replica: the server on port $PORT is not a replica" >&2
  exit 1
fi
echo "export TREEM_TEST_PG_REPLICA=postgres://postgres@127.0.0.1:$PORT/postgres"
