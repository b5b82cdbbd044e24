"""A private primary and synchronous replica set up as docker-compose.yml sets them up: the same
server flags (read from the compose file), the same scripts (deploy/postgres/)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, LiteralString

import psycopg
import yaml

from tests.reliability.servers import (
    ROOT,
    PrivatePostgres,
    _pg_bin,
    free_port,
    private_postgres,
    wait_until,
)

DEPLOY = ROOT / "deploy" / "postgres"
REPLICA_NAME = "replica"
# Unused with the private clusters' trust authentication; the scripts require one.
REPLICATION_PASSWORD = "test-only-replication-password"


def compose_server_settings(service: str) -> tuple[str, ...]:
    """The `-c name=value` flags that docker-compose.yml gives the service's `postgres`."""
    command = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"][service][
        "command"
    ]
    flags = command[command.index("postgres") + 1 :]
    assert len(flags) % 2 == 0 and set(flags[::2]) == {"-c"}, f"{service}: {flags}"
    return tuple(flags[1::2])


def query(server: PrivatePostgres, sql: LiteralString, *params: object) -> list[tuple[Any, ...]]:
    dsn = f"host=127.0.0.1 port={server.port} user=postgres dbname=fifth connect_timeout=5"
    with psycopg.connect(dsn, autocommit=True) as db:
        return db.execute(sql, params).fetchall()


def _script_env(**extra: str) -> dict[str, str]:
    # The scripts call psql, pg_isready and pg_basebackup of the servers' own version.
    path = f"{Path(_pg_bin('pg_basebackup')).parent}:{os.environ['PATH']}"
    return {**os.environ, "PATH": path, "REPLICATION_PASSWORD": REPLICATION_PASSWORD, **extra}


@contextlib.contextmanager
def private_primary_and_replica() -> Iterator[tuple[PrivatePostgres, PrivatePostgres]]:
    """A primary that acknowledges a commit once the replica has applied it, and the replica."""
    with private_postgres() as primary:
        primary._run(
            "sh",
            str(DEPLOY / "primary-replication.sh"),
            env=_script_env(
                PGHOST="127.0.0.1",
                PGPORT=str(primary.port),
                POSTGRES_USER="postgres",
                POSTGRES_DB="fifth",
                PGDATA=str(primary.directory / "data"),
            ),
        )
        # As the image does after its setup scripts: the real start, with the compose flags.
        primary.settings = compose_server_settings("postgres")
        primary.restart()
        directory = Path(tempfile.mkdtemp(prefix="fifth-pg-replica-"))
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")
        replica = PrivatePostgres(
            directory=directory,
            port=free_port(),
            settings=compose_server_settings("postgres-replica"),
        )
        try:
            # The command after the copy is the image's entrypoint in compose; here the
            # replica is started by pg_ctl below, so the script's command does nothing.
            replica._run(
                "sh",
                str(DEPLOY / "replica-entrypoint.sh"),
                "true",
                env=_script_env(
                    PGDATA=str(directory / "data"),
                    PRIMARY_HOST="127.0.0.1",
                    PRIMARY_PORT=str(primary.port),
                ),
            )
            replica.start()
            wait_until(
                lambda: query(
                    primary,
                    "SELECT 1 FROM pg_stat_replication "
                    "WHERE application_name = %s AND sync_state = 'sync'",
                    REPLICA_NAME,
                ),
                30,
                "the replica to stream synchronously",
            )
            yield primary, replica
        finally:
            with contextlib.suppress(subprocess.CalledProcessError):
                replica.stop()
            shutil.rmtree(directory, ignore_errors=True)
