"""Back up the PostgreSQL database with pg_dump, and restore a backup into a new database.

    scripts/backup [FILE]          dump DATABASE_URL's database (default FILE:
                                   $VAR_DIR/backups/fifth-<UTC time>.dump, VAR_DIR ./var)
    scripts/restore FILE           restore FILE into DATABASE_URL's database, which must exist
                                   and hold no tables yet

`--database-url URL` names another database than DATABASE_URL's. Both read the URL as the
console does (heart/env.py: several hosts, `target_session_attrs`), hand libpq's tools a
connection string without psycopg's own options, and pass the password in PGPASSWORD, never
on the command line. pg_dump, pg_restore and psql come from PG_BIN if set, else from the PATH;
they must be of the server's major version or newer.

The dump is pg_dump's custom format: one consistent snapshot, taken while the console runs.
The restore is one transaction: it lands whole (tables, rows, sequences, the audit log's
append-only trigger, owners and grants) or not at all. The routine, and the recovery point and
time it gives, are in docs/deployment.md; tests/reliability/test_backup_restore.py runs it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from heart.env import ConfigError, libpq_conninfo, parse_database_url  # noqa: E402


class BackupError(Exception):
    """The backup or restore did not happen; the message says why."""


def _connection(url: str | None) -> tuple[str, dict[str, str]]:
    url = url or os.environ.get("DATABASE_URL", "")
    if not url:
        raise BackupError("give --database-url or set DATABASE_URL")
    try:
        database = parse_database_url(url, base_dir=ROOT)
    except ConfigError as exc:
        raise BackupError(str(exc)) from None
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("backups are for PostgreSQL; copy a SQLite file while nothing runs")
    conninfo, password_env = libpq_conninfo(database)
    return conninfo, {**os.environ, **password_env}


def _tool(name: str) -> str:
    directory = os.environ.get("PG_BIN")
    return str(Path(directory) / name) if directory else name


def _run(command: list[str], env: dict[str, str]) -> str:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} not found: install PostgreSQL's client or set PG_BIN"
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed:\n{result.stderr.strip()}")
    return result.stdout


def backup(file: Path, *, url: str | None = None) -> float:
    """Dump the database into `file`; return the seconds it took. A dump that fails or cannot
    be read back leaves no file under that name, so a half-written dump never passes for one."""
    conninfo, env = _connection(url)
    file.parent.mkdir(parents=True, exist_ok=True)
    partial = file.with_name(file.name + ".partial")
    started = time.monotonic()
    try:
        _run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-password",
                f"--file={partial}",
                f"--dbname={conninfo}",
            ],
            env,
        )
        # Its table of contents readable to the end: the archive is whole.
        _run([_tool("pg_restore"), "--list", str(partial)], env)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(file)
    return time.monotonic() - started


def restore(file: Path, *, url: str | None = None) -> float:
    """Restore `file` into an existing database that holds no tables; return the seconds."""
    if not file.is_file():
        raise BackupError(f"{file}: no such backup")
    conninfo, env = _connection(url)
    psql = [_tool("psql"), "--no-psqlrc", "--no-password", "--quiet", f"--dbname={conninfo}"]
    tables = _run(
        [*psql, "--tuples-only", "--no-align", "--command", _COUNT_TABLES],
        env,
    ).strip()
    if tables != "0":
        # Restoring over a live database would mix two histories; never do it.
        raise BackupError(
            f"the target database already holds {tables} tables: restore into a new, empty "
            "database (createdb NAME) and point the console at it once it is checked"
        )
    started = time.monotonic()
    _run(
        [
            _tool("pg_restore"),
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            f"--dbname={conninfo}",
            str(file),
        ],
        env,
    )
    # A restore carries no planner statistics: gather them before the console's first query.
    _run([*psql, "--command", "ANALYZE"], env)
    return time.monotonic() - started


_COUNT_TABLES = (
    "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
)


def main(argv: list[str]) -> int:
    action = argv[0] if argv[:1] in (["backup"], ["restore"]) else ""
    if not action:
        print("usage: scripts/backup [FILE] | scripts/restore FILE", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog=f"scripts/{action}")
    if action == "backup":
        parser.add_argument("file", nargs="?", type=Path, help="default: $VAR_DIR/backups/...")
    else:
        parser.add_argument("file", type=Path, help="a backup made by scripts/backup")
    parser.add_argument("--database-url", help="default: the DATABASE_URL environment variable")
    args = parser.parse_args(argv[1:])
    try:
        if action == "backup":
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            var_dir = Path(os.environ.get("VAR_DIR") or ROOT / "var")
            file = args.file or var_dir / "backups" / f"fifth-{stamp}.dump"
            seconds = backup(file, url=args.database_url)
            size = file.stat().st_size
            print(f"backed up to {file} ({size / 1e6:.1f} MB) in {seconds:.1f} s")
        else:
            seconds = restore(args.file, url=args.database_url)
            print(f"restored {args.file} in {seconds:.1f} s")
    except BackupError as exc:
        print(f"{action} failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
