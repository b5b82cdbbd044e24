"""The baselines every other benchmark is measured against, under gunicorn's sync workers.

- ``bare``: ``GET /bench/bare/``, a JSON view with no database work: Django's request cycle
  and the project's middleware, nothing else.
- ``raw-insert``: ``POST /bench/raw-insert/``, one INSERT in autocommit through Django's
  cursor on a persistent connection: the floor for any endpoint that writes one row.
"""

from __future__ import annotations

from bench.harness import BenchConfig, gunicorn_server, run_load
from bench.views import RAW_INSERT_TABLE


def reset_raw_insert_table() -> None:
    """Create the raw-insert table if missing and empty it, so every run inserts into the same."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {RAW_INSERT_TABLE} ("
            " id bigserial PRIMARY KEY, body text NOT NULL, created_at timestamptz NOT NULL)"
        )
        cursor.execute(f"TRUNCATE {RAW_INSERT_TABLE} RESTART IDENTITY")
    connection.close()


def raw_insert_rows() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {RAW_INSERT_TABLE}")
        (rows,) = cursor.fetchone()
    connection.close()
    return int(rows)


def open_connections() -> int:
    """Connections to the bench database other than this process's own."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        (count,) = cursor.fetchone()
    connection.close()
    return int(count)


def run(config: BenchConfig) -> None:
    reset_raw_insert_table()
    inserted = 0
    with gunicorn_server(workers=config.workers) as server:
        # Each ratio's two rows back to back, so drift in the machine's load affects both alike.
        for clients in config.clients:
            config.table.add(
                run_load(
                    server.url + "/bench/bare/",
                    name="bare",
                    clients=clients,
                    duration=config.duration,
                    warmup=config.warmup,
                )
            )
            result = run_load(
                server.url + "/bench/raw-insert/",
                name="raw-insert",
                clients=clients,
                duration=config.duration,
                warmup=config.warmup,
                method="POST",
                headers={"Content-Type": "text/plain; charset=utf-8"},
                body=lambda number: f"bench row {number}".encode(),
                expect={201},
            )
            config.table.add(result, baseline="bare")
            inserted += result.requests
            # Idle between requests, the workers' connections stay open only if CONN_MAX_AGE
            # keeps them: the baseline would otherwise measure a connect per request.
            if result.requests and not open_connections():
                raise RuntimeError("the workers closed their database connections: no CONN_MAX_AGE")
    # Warm-up requests insert too, so the table holds at least the measured 201s.
    rows = raw_insert_rows()
    if rows < inserted:
        raise RuntimeError(f"{inserted} inserts answered 201 but {RAW_INSERT_TABLE} holds {rows}")
