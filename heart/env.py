"""Typed readers for settings that come from the environment.

Each helper fails loudly, naming the variable, when a value cannot be read: a
misconfigured 911 console must refuse to start rather than run on a guess.
"""

from __future__ import annotations

import os
from pathlib import Path
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
    """Turn ``postgres://user:pass@host:port/name`` or ``sqlite:///path`` into a DATABASES entry."""
    parts = urlsplit(url)
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
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
        }
    raise ConfigError(
        f"DATABASE_URL scheme {scheme!r} is not supported (use postgres:// or sqlite:///)"
    )


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
