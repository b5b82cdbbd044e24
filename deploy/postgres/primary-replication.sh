#!/bin/sh
# The primary's replication setup. The official image runs this once, when it creates the
# cluster (mounted in /docker-entrypoint-initdb.d/); the failover test runs it on its private
# primary. Executed or sourced (the image sources a file without its x bit), so no `set -u`
# and no `exit` except on failure.
#
# Synchronous commit is set here, not with the command line's -c flags: the image's temporary
# setup server gets those flags too, and its own CREATE DATABASE would wait forever for a
# standby that cannot connect to it yet. ALTER SYSTEM takes effect when the real server starts.
psql -v ON_ERROR_STOP=1 --no-psqlrc \
    --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-${POSTGRES_USER:-postgres}}" \
    --set password="${REPLICATION_PASSWORD:?set REPLICATION_PASSWORD}" \
    --set replica="${REPLICA_NAME:-replica}" <<'SQL' || exit 1
-- The replica streams as this role, through a slot: the primary keeps the WAL a
-- disconnected replica has not received (up to max_slot_wal_keep_size) instead of
-- dropping it and forcing a new base backup.
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SELECT pg_create_physical_replication_slot(:'replica');
-- A commit is acknowledged only once the replica has applied it: an acknowledged call is on
-- two machines, and visible on the replica the moment it is promoted.
ALTER SYSTEM SET synchronous_standby_names = :'replica';
ALTER SYSTEM SET synchronous_commit = 'remote_apply';
SQL
# Replication connections match no "all" line of pg_hba.conf: they need their own.
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
