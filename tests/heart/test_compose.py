"""No Docker engine runs here, so the compose file is checked against the settings instead."""

import re
import tomllib
from pathlib import Path

import yaml

from heart.env import parse_database_url

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_SOURCE = (ROOT / "heart" / "settings.py").read_text()


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def env_names_read_by_settings() -> set[str]:
    names = set(re.findall(r'env_\w+\("([A-Z_]+)"', SETTINGS_SOURCE))
    names |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', SETTINGS_SOURCE))
    return names


def test_it_has_the_production_services_with_health_checks():
    services = compose()["services"]
    assert set(services) == {
        "postgres",
        "postgres-replica",
        "redis",
        "migrate",
        "web",
        "worker",
        "beat",
    }
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no health check"
    # The one-shot migration is done when it exits; the rest wait for that.
    assert services["migrate"]["healthcheck"] == {"disable": True}


def test_it_runs_gunicorn_after_migrating_and_celery_for_worker_and_beat():
    services = compose()["services"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"
    web = " ".join(services["web"]["command"])
    assert "gunicorn heart.wsgi:application" in web and "migrate" not in web
    for name in ("web", "worker", "beat"):
        waits = services[name]["depends_on"]["migrate"]
        assert waits == {"condition": "service_completed_successfully"}, name
    assert services["worker"]["command"][:4] == ["celery", "-A", "heart", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "heart", "beat"]


def test_it_passes_only_settings_the_project_reads():
    known = env_names_read_by_settings()
    for name in ("web", "worker", "beat"):
        env = compose()["services"][name]["environment"]
        assert set(env) <= known, f"{name} sets variables settings.py ignores: {set(env) - known}"
        assert env["DEBUG"] == "0"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert "@postgres:5432,postgres-replica:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert "SECRET_KEY" in env and "ALLOWED_HOSTS" in env


def test_it_migrates_as_the_owner_and_runs_the_console_as_a_role_that_owns_nothing():
    """access/db_roles.py: the console's role reads and appends to the audit log, no more."""
    services = compose()["services"]
    migrate = services["migrate"]["environment"]
    assert migrate["DATABASE_URL"].startswith("postgres://fifth:")
    assert migrate["DATABASE_APP_ROLE"] == "fifth_app"
    assert set(migrate) <= env_names_read_by_settings()
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://fifth_app:"), name
        assert "DATABASE_APP_ROLE" not in env
    postgres = services["postgres"]
    assert postgres["environment"]["POSTGRES_USER"] == "fifth"
    mounted = [v for v in postgres["volumes"] if "docker-entrypoint-initdb.d" in v]
    # The app role first, then replication (deploy/postgres/primary-replication.sh), in the
    # order the image runs its init scripts.
    assert mounted == [
        "./scripts/postgres-app-role.sh:/docker-entrypoint-initdb.d/10-app-role.sh:ro",
        "./deploy/postgres/primary-replication.sh:/docker-entrypoint-initdb.d/20-replication.sh:ro",
    ]
    script = (ROOT / "scripts" / "postgres-app-role.sh").read_text()
    assert "CREATE ROLE fifth_app LOGIN PASSWORD :'app_password'" in script
    assert "$APP_DB_PASSWORD" in script and "APP_DB_PASSWORD" in postgres["environment"]


def test_it_waits_for_healthy_database_and_broker():
    for name in ("web", "worker", "beat"):
        depends = compose()["services"][name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


def test_it_builds_on_python_313_and_serves_with_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.13", dockerfile, re.M)
    assert "gunicorn" in dockerfile and "heart.wsgi:application" in dockerfile
    assert "collectstatic" in dockerfile


def test_it_copies_every_package_of_the_project_into_the_image():
    dockerfile = (ROOT / "Dockerfile").read_text()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = {
        name.rstrip("*") for name in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    copied = set(re.findall(r"^COPY (\w+) \1$", dockerfile, re.M))
    assert packages <= copied, f"not copied into the image: {sorted(packages - copied)}"


def interpolated(value: str) -> str:
    """A compose value with each ${NAME:?message} or ${NAME:-default} given a stand-in."""
    return re.sub(r"\$\{(\w+)[^}]*\}", lambda m: f"stand-in-{m[1].lower()}", value)


def bind_mounts(service: dict) -> dict[str, str]:
    """The service's files from this repository, by where they appear in the container."""
    mounts = [volume.split(":") for volume in service["volumes"] if volume.startswith("./")]
    return {host: container for host, container, *_mode in mounts}


def server_flags(service: dict) -> list[str]:
    command = service["command"]
    return command[command.index("postgres") + 1 :]


def test_it_connects_the_processes_to_whichever_database_host_accepts_writes():
    for name in ("web", "worker", "beat"):
        url = interpolated(compose()["services"][name]["environment"]["DATABASE_URL"])
        db = parse_database_url(url, base_dir=ROOT)
        # Listed in order, the primary first; psycopg skips a host that refuses writes.
        assert (db["HOST"], db["PORT"]) == ("postgres,postgres-replica", "5432,5432")
        assert db["OPTIONS"]["target_session_attrs"] == "read-write"
        # A machine that is gone does not answer at all: give up on it within seconds.
        assert 0 < int(db["OPTIONS"]["connect_timeout"]) <= 10


def test_it_runs_a_replica_that_copies_the_primary_on_first_start():
    services = compose()["services"]
    primary, replica = services["postgres"], services["postgres-replica"]
    # Streaming replication needs the same major version on both machines.
    assert replica["image"] == primary["image"]
    assert replica["environment"]["PRIMARY_HOST"] == "postgres"
    assert replica["depends_on"]["postgres"]["condition"] == "service_healthy"
    mounts = bind_mounts(replica)
    assert mounts["./deploy/postgres/replica-entrypoint.sh"] == replica["entrypoint"][-1]
    assert replica["command"][:2] == ["docker-entrypoint.sh", "postgres"]
    # Its own volume: a replica sharing the primary's disk would die with it.
    data = {volume.split(":")[0] for volume in replica["volumes"]} & set(compose()["volumes"])
    assert data == {"pgreplica"}
    # Promoted, it runs with the primary's WAL settings (ready for the next standby).
    assert set(server_flags(primary)) <= set(server_flags(replica))
    assert "hot_standby=on" in server_flags(replica)


def test_it_sets_the_primary_up_for_replication_when_it_creates_the_cluster():
    primary = compose()["services"]["postgres"]
    script = bind_mounts(primary)["./deploy/postgres/primary-replication.sh"]
    assert script.startswith("/docker-entrypoint-initdb.d/") and script.endswith(".sh")
    assert "wal_level=replica" in server_flags(primary)
    assert any(flag.startswith("max_slot_wal_keep_size=") for flag in server_flags(primary))
    for name in ("postgres", "postgres-replica"):
        password = compose()["services"][name]["environment"]["REPLICATION_PASSWORD"]
        assert password.startswith("${REPLICATION_PASSWORD:?"), name
    for name in ("postgres", "postgres-replica"):
        for path in bind_mounts(compose()["services"][name]):
            assert (ROOT / path).is_file(), f"{name} mounts {path}, which does not exist"
