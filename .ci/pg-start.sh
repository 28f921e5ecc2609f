#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 and prints its URL.
# Used by .ci/run and by developers: `eval "$(bash .ci/pg-start.sh)"`.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
DIR=${TREEM_PG_DIR:-/tmp/treem-pg}
PORT=${TREEM_PG_PORT:-55432}
if ! id postgres >/dev/null 2>&1; then useradd -r postgres; fi
if [ ! -f "$DIR/PG_VERSION" ]; then
  rm -rf "$DIR"; mkdir -p "$DIR"; chown postgres "$DIR"
  su postgres -s /bin/sh -c "$PGBIN/initdb -D $DIR -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
fi
if ! su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $DIR status" >/dev/null 2>&1; then
  su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $DIR -l $DIR/log -w -o '-h 127.0.0.1 -p $PORT -k /tmp' start" >/dev/null
fi
echo "export TREEM_TEST_POSTGRES=postgres://postgres@127.0.0.1:$PORT/postgres"
