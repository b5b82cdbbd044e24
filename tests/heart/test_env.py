from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict

from heart.env import (
    ConfigError,
    check_redis_url,
    env_bool,
    env_int,
    env_rate,
    env_timezone,
    libpq_conninfo,
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


def test_it_parses_a_url_listing_a_primary_and_its_replica():
    db = parse_database_url(
        "postgres://app:s3cret@db1.example:5432,db2.example:5433/fifth"
        "?target_session_attrs=read-write&connect_timeout=3",
        base_dir=Path("/app"),
    )
    assert (db["USER"], db["PASSWORD"], db["NAME"]) == ("app", "s3cret", "fifth")
    # Django passes HOST and PORT to psycopg as they are, and libpq reads lists in both.
    assert (db["HOST"], db["PORT"]) == ("db1.example,db2.example", "5432,5433")
    assert db["OPTIONS"]["target_session_attrs"] == "read-write"
    assert db["OPTIONS"]["connect_timeout"] == "3"


def test_it_keeps_each_hosts_port_in_its_place():
    db = parse_database_url("postgres://u@[::1]:5433,db2,10.0.0.3:6432/d", base_dir=Path("/a"))
    # An empty port in the list is libpq's default for that host.
    assert (db["HOST"], db["PORT"]) == ("::1,db2,10.0.0.3", "5433,,6432")
    single = parse_database_url("postgres://u@db/d", base_dir=Path("/a"))
    assert (single["HOST"], single["PORT"]) == ("db", "")
    socket = parse_database_url("postgres://u@%2Fvar%2Frun%2Fpostgresql/d", base_dir=Path("/a"))
    assert socket["HOST"] == "/var/run/postgresql"


def test_it_connects_psycopg_to_each_listed_host_in_order():
    from django.db.backends.postgresql.base import DatabaseWrapper
    from psycopg.conninfo import conninfo_attempts

    settings_dict = parse_database_url(
        "postgres://app@10.0.0.1:5432,10.0.0.2:5433/fifth?target_session_attrs=read-write",
        base_dir=Path("/a"),
    )
    settings_dict.update(
        {"CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": True, "TIME_ZONE": None, "AUTOCOMMIT": True}
    )
    params = DatabaseWrapper(settings_dict).get_connection_params()
    attempts = [
        (a["host"], a["port"], a["target_session_attrs"]) for a in conninfo_attempts(params)
    ]
    assert attempts == [
        ("10.0.0.1", "5432", "read-write"),
        ("10.0.0.2", "5433", "read-write"),
    ]


@pytest.mark.parametrize(
    "url",
    [
        "postgres://u@db1,,db2/d",
        "postgres://u@db1:54x2/d",
        "postgres://u@db1:70000/d",
        "postgres://u@[::1/d",
        "postgres://u@[::1]x/d",
    ],
)
def test_it_names_a_host_it_cannot_read(url):
    with pytest.raises(ConfigError, match="DATABASE_URL=.*cannot (read the host|be read)"):
        parse_database_url(url, base_dir=Path("/app"))


def test_it_gives_pg_dump_the_url_without_psycopgs_options_and_the_password_apart():
    db = parse_database_url(
        "postgres://app:pa%27ss@db1:5432,db2:5432/fifth?target_session_attrs=read-write"
        "&prepare_threshold=none&server_side_binding=false&application_name=it%27s%20me",
        base_dir=Path("/app"),
    )
    conninfo, env = libpq_conninfo(db)
    assert conninfo == (
        "dbname='fifth' user='app' host='db1,db2' port='5432,5432' "
        "target_session_attrs='read-write' application_name='it\\'s me'"
    )
    assert env == {"PGPASSWORD": "pa'ss"}
    assert "pa'ss" not in conninfo
    # libpq reads the quoting back as it was meant.
    assert conninfo_to_dict(conninfo)["application_name"] == "it's me"
    bare, no_env = libpq_conninfo(parse_database_url("postgres://db/d", base_dir=Path("/a")))
    assert (bare, no_env) == ("dbname='d' host='db'", {})


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
