"""Typed readers for settings that come from the environment.

Each helper fails loudly, naming the variable, when a value cannot be read: a
misconfigured 911 console must refuse to start rather than run on a guess.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(Exception):
    """A setting from the environment is missing or malformed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ConfigError(f"{name} is required and not set")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={value} is below the minimum {minimum}")
    return value


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_timezone(name: str, default: str) -> str:
    value = env_str(name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{name}={value!r} is not an IANA time zone") from None
    return value


def parse_database_url(url: str, *, base_dir: Path) -> dict[str, object]:
    """Turn ``postgres://user:pass@host:port/name`` or ``sqlite:///path`` into a DATABASES entry.

    A PostgreSQL URL may list several hosts (``@db1:5432,db2:5432/name``): HOST and PORT then
    hold comma-separated lists, which Django hands to psycopg and psycopg tries in order. With
    ``?target_session_attrs=read-write`` it skips a standby, so that after a failover the web and
    worker processes find the promoted replica by themselves (docs/deployment.md).
    """
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # an unbalanced [ or ] around an IPv6 host
        raise ConfigError(f"DATABASE_URL={url!r} cannot be read: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///relative/path and sqlite:////absolute/path, as dj-database-url reads them.
        raw_path = unquote(parts.path)
        if not raw_path or raw_path == "/":
            raise ConfigError(f"DATABASE_URL={url!r} names no SQLite file")
        path = Path(raw_path[1:])
        if not path.is_absolute():
            path = base_dir / path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            # A file, not memory, so integration tests can share it with a worker process.
            "TEST": {"NAME": str(path.with_name(f"{path.stem}_test{path.suffix}"))},
            # WAL lets the web process and the Celery worker read while the other writes.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ConfigError(f"DATABASE_URL={url!r} names no database")
        # Server-side binding: psycopg sends parameters apart from the SQL, and prepares a
        # statement once a connection has run it `prepare_threshold` times (Django turns
        # that off unless asked: it breaks behind a PgBouncer older than 1.21 in transaction
        # mode). Measured here, binding halved the database time of a call create and
        # preparing took the planning out of every repeated query (bench/README.md).
        # `?server_side_binding=false` and `?prepare_threshold=none` turn them off.
        options: dict[str, object] = {"server_side_binding": True, "prepare_threshold": 5}
        for key, values in parse_qs(parts.query).items():
            value = values[-1]
            if key == "server_side_binding":
                options[key] = value.lower() in {"1", "true", "yes", "on"}
            elif key == "prepare_threshold":
                options[key] = _prepare_threshold(value)
            else:
                options[key] = value
        user, password, hosts, ports = _postgres_netloc(parts.netloc, url)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": user,
            "PASSWORD": password,
            "HOST": ",".join(hosts),
            # One port per host; an empty one is libpq's default, and no port at all stays "".
            "PORT": ",".join(ports) if any(ports) else "",
            "OPTIONS": options,
        }
    raise ConfigError(
        f"DATABASE_URL scheme {scheme!r} is not supported (use postgres:// or sqlite:///)"
    )


# DATABASE_URL options that psycopg reads and libpq's own tools (pg_dump, psql) do not know.
PSYCOPG_ONLY_OPTIONS = frozenset({"server_side_binding", "prepare_threshold"})


def libpq_conninfo(database: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """A PostgreSQL DATABASES entry as a libpq connection string for pg_dump, pg_restore and
    psql, and the environment that carries its password: in a PGPASSWORD variable, never on a
    command line, which any user of the machine can read with `ps`."""
    params = {
        "dbname": database["NAME"],
        "user": database["USER"],
        "host": database["HOST"],
        "port": database["PORT"],
        **{k: v for k, v in database["OPTIONS"].items() if k not in PSYCOPG_ONLY_OPTIONS},
    }
    conninfo = " ".join(
        f"{key}={_conninfo_quote(str(value))}" for key, value in params.items() if value != ""
    )
    password = str(database["PASSWORD"])
    return conninfo, {"PGPASSWORD": password} if password else {}


def _conninfo_quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def _postgres_netloc(netloc: str, url: str) -> tuple[str, str, list[str], list[str]]:
    """``user:pass@host1:5432,[::1]:5433`` as (user, password, hosts, ports).

    Parsed by hand: urlsplit reads one host only, and a port list makes its `port` raise.
    """
    userinfo, _, hostlist = netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    hosts: list[str] = []
    ports: list[str] = []
    for entry in hostlist.split(",") if hostlist else []:
        if entry.startswith("["):
            host, bracket, rest = entry[1:].partition("]")
            if not bracket or (rest and not rest.startswith(":")):
                raise ConfigError(f"DATABASE_URL={url!r}: cannot read the host {entry!r}")
            port = rest[1:]
        else:
            host, _, port = entry.partition(":")
        if not host or (port and not (port.isdigit() and 0 < int(port) < 65536)):
            raise ConfigError(f"DATABASE_URL={url!r}: cannot read the host {entry!r}")
        # Percent-encoded, a host may be a socket directory (%2Fvar%2Frun%2Fpostgresql).
        hosts.append(unquote(host))
        ports.append(port)
    return unquote(user), unquote(password), hosts, ports


def _prepare_threshold(value: str) -> int | None:
    if value.strip().lower() in {"none", "off", "false", ""}:
        return None
    try:
        threshold = int(value)
    except ValueError:
        threshold = -1
    if threshold < 0:
        raise ConfigError(
            f"DATABASE_URL prepare_threshold={value!r}: give a whole number of executions "
            "(0 prepares every statement) or none"
        )
    return threshold


def check_redis_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise ConfigError(f"REDIS_URL={url!r} is not a redis:// or rediss:// URL with a host")
    return url


_RATE_PERIODS = {"s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day"}


def env_rate(name: str, default: str) -> str | None:
    """A DRF throttle rate such as ``10/min`` (periods s, min, hour, day); ``off`` or an empty
    value turns the throttle off (None)."""
    raw = os.environ.get(name, default).strip()
    if raw.lower() in {"", "off", "none"}:
        return None
    count, _, period = raw.partition("/")
    if not (count.isascii() and count.isdigit() and int(count) > 0 and period in _RATE_PERIODS):
        raise ConfigError(f"{name}={raw!r} is not a rate like 10/min (or off)")
    return raw
