from pathlib import Path

import pytest

from heart.env import (
    ConfigError,
    check_redis_url,
    env_bool,
    env_int,
    env_rate,
    env_timezone,
    parse_database_url,
)


def test_it_reads_booleans_and_rejects_anything_else(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ConfigError, match="X_FLAG='maybe' is not a boolean"):
        env_bool("X_FLAG", False)


def test_it_names_the_variable_of_a_bad_integer(monkeypatch):
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ConfigError, match="X_NUM='ten' is not an integer"):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "-3")
    with pytest.raises(ConfigError, match="below the minimum 0"):
        env_int("X_NUM", 1, minimum=0)


def test_it_rejects_an_unknown_time_zone(monkeypatch):
    monkeypatch.setenv("X_TZ", "Mars/Olympus")
    with pytest.raises(ConfigError, match="not an IANA time zone"):
        env_timezone("X_TZ", "UTC")
    monkeypatch.setenv("X_TZ", "America/Denver")
    assert env_timezone("X_TZ", "UTC") == "America/Denver"


def test_it_parses_postgres_urls():
    db = parse_database_url(
        "postgres://u%40x:p%2Fw@db.example:5433/heart?sslmode=require", base_dir=Path("/app")
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "heart",
        "u@x",
        "p/w",
        "db.example",
        "5433",
    )
    assert db["OPTIONS"] == {
        "sslmode": "require",
        "server_side_binding": True,
        "prepare_threshold": 5,
    }
    off = parse_database_url(
        "postgres://h/d?server_side_binding=false&prepare_threshold=none", base_dir=Path("/app")
    )
    assert off["OPTIONS"] == {"server_side_binding": False, "prepare_threshold": None}
    always = parse_database_url("postgres://h/d?prepare_threshold=0", base_dir=Path("/app"))
    assert always["OPTIONS"]["prepare_threshold"] == 0


@pytest.mark.parametrize("value", ["-1", "often", "2.5"])
def test_it_refuses_a_prepare_threshold_that_is_not_a_count(value):
    with pytest.raises(ConfigError, match=f"prepare_threshold={value!r}"):
        parse_database_url(f"postgres://h/d?prepare_threshold={value}", base_dir=Path("/app"))


def test_it_parses_relative_and_absolute_sqlite_paths():
    rel = parse_database_url("sqlite:///var/x.sqlite3", base_dir=Path("/app"))
    assert rel["NAME"] == "/app/var/x.sqlite3"
    absolute = parse_database_url("sqlite:////srv/y.sqlite3", base_dir=Path("/app"))
    assert absolute["NAME"] == "/srv/y.sqlite3"


@pytest.mark.parametrize("url", ["mysql://x/y", "postgres://host/", "sqlite://"])
def test_it_fails_loudly_on_unusable_database_urls(url):
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        parse_database_url(url, base_dir=Path("/app"))


def test_it_checks_redis_urls():
    assert check_redis_url("redis://127.0.0.1:6379/0")
    with pytest.raises(ConfigError, match="REDIS_URL"):
        check_redis_url("http://127.0.0.1:6379")


def test_it_reads_throttle_rates_and_off(monkeypatch):
    monkeypatch.delenv("X_RATE", raising=False)
    assert env_rate("X_RATE", "10/min") == "10/min"
    for off in ("off", "", "none"):
        monkeypatch.setenv("X_RATE", off)
        assert env_rate("X_RATE", "10/min") is None
    for bad in ("ten/min", "10", "10/fortnight", "0/s", "-1/s"):
        monkeypatch.setenv("X_RATE", bad)
        with pytest.raises(ConfigError, match=f"X_RATE={bad!r} is not a rate"):
            env_rate("X_RATE", "10/min")
