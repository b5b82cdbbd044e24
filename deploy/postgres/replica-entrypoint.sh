#!/bin/sh
# The replica's entrypoint. On the first start (no cluster in $PGDATA) it copies the primary
# with pg_basebackup, which writes standby.signal and primary_conninfo (-R); then it runs its
# command: in docker-compose.yml the official image's entrypoint, which sees the cluster and
# starts PostgreSQL as a hot standby. The failover test runs it on a private replica.
set -eu
: "${PGDATA:?set PGDATA}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    export PGPASSWORD="${REPLICATION_PASSWORD:?set REPLICATION_PASSWORD}"
    primary_host="${PRIMARY_HOST:?set PRIMARY_HOST}"
    primary_port="${PRIMARY_PORT:-5432}"
    until pg_isready --quiet --host "$primary_host" --port "$primary_port"; do
        echo "waiting for the primary at $primary_host:$primary_port"
        sleep 1
    done
    # On failure pg_basebackup empties $PGDATA again, so the next start tries afresh. As root
    # (in the container) the files are root's until the image's entrypoint hands them to
    # postgres, as it does with every file of $PGDATA.
    # The replica's name is its slot on the primary and, as the application_name kept in
    # primary_conninfo, the standby that the primary's synchronous_standby_names waits for.
    name="${REPLICA_NAME:-replica}"
    pg_basebackup --dbname "application_name=$name" --host "$primary_host" \
        --port "$primary_port" --username "${REPLICATION_USER:-replicator}" --no-password \
        --pgdata "$PGDATA" --wal-method=stream --checkpoint=fast --slot "$name" \
        --write-recovery-conf
    # The copy carries the primary's synchronous_standby_names. Promoted, this server runs
    # alone until a new standby joins: waiting for a standby then would stop every commit.
    echo "synchronous_standby_names = ''" >> "$PGDATA/postgresql.auto.conf"
fi
exec "$@"
