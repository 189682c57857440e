#!/bin/sh
# The official image's start: at the first start, a cluster whose superuser and database the
# environment names, then the server, as the postgres user, listening on every address.
set -eu
[ "${1:-}" = postgres ] || exec "$@"
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
user="${POSTGRES_USER:-postgres}"
mkdir -p "$PGDATA" /var/run/postgresql
chown -R postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  printf '%s\n' "$POSTGRES_PASSWORD" > /tmp/pwfile
  chown postgres /tmp/pwfile
  as_postgres initdb --username="$user" --pwfile=/tmp/pwfile --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm /tmp/pwfile
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  # initdb makes only the database postgres; the official image adds POSTGRES_DB (default: the user).
  if [ "${POSTGRES_DB:-$user}" != postgres ]; then
    as_postgres pg_ctl -w -o "-c listen_addresses=''" start >/dev/null
    as_postgres psql -q -U "$user" -d postgres -c "CREATE DATABASE \"${POSTGRES_DB:-$user}\""
    as_postgres pg_ctl -w stop >/dev/null
  fi
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups "$@" -c listen_addresses='*'
