#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 and prints its URL.
# Used by .ci/run and by developers: `eval "$(bash .ci/pg-start.sh)"`.
#
# TREEM_PG_DIR (default /tmp/treem-pg) holds the cluster and its socket;
# TREEM_PG_PORT (default 55432) is the first port tried. A cluster left by a
# killed run (stale postmaster.pid, another version's files, a port taken by
# something else) is not trusted: the directory is made anew and the next free
# port is used. On failure the server's log goes to stderr and the exit code
# is not 0, so `pgenv=$(bash .ci/pg-start.sh)` stops a `set -e` script.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
VERSION=$(basename "$(dirname "$PGBIN")")
DIR=${TREEM_PG_DIR:-/tmp/treem-pg}
PORT=${TREEM_PG_PORT:-55432}
as_pg() { su postgres -s /bin/sh -c "$1"; }
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! id postgres >/dev/null 2>&1; then useradd -r postgres; fi

# A cluster of this directory already serving: reuse it (a developer's loop).
if [ -f "$DIR/PG_VERSION" ] && [ -f "$DIR/port" ] \
  && as_pg "$PGBIN/pg_ctl -D $DIR status" >/dev/null 2>&1 \
  && as_pg "$PGBIN/psql -h 127.0.0.1 -p $(cat "$DIR/port") -U postgres -Atc 'select 1'" >/dev/null 2>&1; then
  echo "export TREEM_TEST_POSTGRES=postgres://postgres@127.0.0.1:$(cat "$DIR/port")/postgres"
  exit 0
fi

# Anything else is made anew: a stopped or foreign cluster is not worth saving.
if [ -f "$DIR/postmaster.pid" ]; then
  as_pg "$PGBIN/pg_ctl -D $DIR -m immediate stop" >/dev/null 2>&1 || true
fi
rm -rf "$DIR"
mkdir -p "$DIR"
chown postgres "$DIR"
as_pg "$PGBIN/initdb -D $DIR -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null

tries=0
while port_taken "$PORT"; do
  PORT=$((PORT + 1))
  tries=$((tries + 1))
  if [ "$tries" -gt 50 ]; then
    echo "pg-start: no free port from ${TREEM_PG_PORT:-55432}" >&2
    exit 1
  fi
done
echo "$PORT" >"$DIR/port"
if ! as_pg "$PGBIN/pg_ctl -D $DIR -l $DIR/log -w -t 60 -o '-h 127.0.0.1 -p $PORT -k $DIR' start" >/dev/null; then
  echo "pg-start: PostgreSQL $VERSION did not start on port $PORT; its log:" >&2
  tail -n 30 "$DIR/log" >&2 || true
  exit 1
fi
echo "export TREEM_TEST_POSTGRES=postgres://postgres@127.0.0.1:$PORT/postgres"
