#!/bin/sh
# Initialise the cluster on first start (empty volume), then run the server in the foreground.
set -eu
BIN=/usr/lib/postgresql/15/bin
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    echo shop > /tmp/pwfile
    "$BIN/initdb" -D "$PGDATA" -U shop --pwfile=/tmp/pwfile -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f /tmp/pwfile
    echo "host all all 0.0.0.0/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
    echo "CREATE DATABASE shop OWNER shop;" | "$BIN/postgres" --single -D "$PGDATA" postgres >/dev/null
    echo "pg-entrypoint: initialised database shop"
fi
exec "$BIN/postgres" -D "$PGDATA" \
    -c listen_addresses='*' \
    -c max_connections="${POSTGRES_MAX_CONNECTIONS:-200}" \
    -c shared_buffers="${POSTGRES_SHARED_BUFFERS:-128MB}" \
    -c log_min_messages=warning \
    -c log_connections=off "$@"
