"""Settings as a fresh process sees them: production checks and loud failures."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "-production-secret-for-the-deploy-check-0123456789abcdef",
    "ALLOWED_HOSTS": "console.example.org",
    "DATABASE_URL": "sqlite:///var/deploy_check.sqlite3",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    dropped = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_the_deploy_check_with_production_values():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_it_names_a_bad_setting():
    result = run_manage("check", env={**PRODUCTION, "TIME_ZONE": "Nowhere/Town"})
    assert result.returncode != 0
    assert "TIME_ZONE='Nowhere/Town' is not an IANA time zone" in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"CLIENT_ADDRESS_HEADER": "X-Forwarded-For"},
            "CLIENT_ADDRESS_HEADER needs TRUSTED_PROXIES",
        ),
        ({"TRUSTED_PROXIES": "10.0.0.0/33"}, "TRUSTED_PROXIES: '10.0.0.0/33' is not an address"),
        (
            {"LOGIN_ADDRESS_FAILURE_LIMIT": "3"},
            "LOGIN_ADDRESS_FAILURE_LIMIT must not be below LOGIN_FAILURE_LIMIT",
        ),
    ],
)
def test_it_refuses_a_sign_in_throttle_that_cannot_work(env, message):
    """A forwarded header believed from anyone, or an address limit under the account limit,
    would undo the throttling by address (access/login_throttle.py)."""
    result = run_manage("check", env={**PRODUCTION, **env})
    assert result.returncode != 0
    assert message in result.stderr


def test_it_refuses_demo_accounts_in_production():
    result = run_manage("seed_demo", env=PRODUCTION)
    assert result.returncode != 0
    assert "refused while DEBUG is off" in result.stderr


def test_it_collects_static_files_for_the_production_image(tmp_path):
    # The Dockerfile runs collectstatic with the manifest storage: a vendored file that points
    # at a missing source map would break the image build.
    env = {**PRODUCTION, "VAR_DIR": str(tmp_path)}
    result = run_manage("collectstatic", "--noinput", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "staticfiles" / "staticfiles.json").exists()
