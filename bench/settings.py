"""Settings for the benchmarks: the production settings (DEBUG off), on a PostgreSQL bench database.

DEBUG and SECRET_KEY are forced, not defaulted: a developer's shell with ``DEBUG=1`` would
otherwise measure the debug configuration (query logging, uncompressed static storage).
"""

from __future__ import annotations

import os

from heart.env import ConfigError

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fifth_bench"

os.environ["DEBUG"] = "0"
# Signs nothing that outlives a run on loopback; fixed so the bench needs no setup.
os.environ["SECRET_KEY"] = "bench-only-key-signs-nothing-that-outlives-one-loopback-run-0000"  # noqa: S105
os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)

from heart.settings import *  # noqa: E402,F403
from heart.settings import DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ConfigError(
        "the benchmarks need PostgreSQL: set DATABASE_URL to a postgres:// URL "
        f"(default {DEFAULT_DATABASE_URL})"
    )

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1"]
# Plain http on loopback: a redirect to https would measure nothing but the redirect.
SECURE_SSL_REDIRECT = False
# The benchmarks drive many clients through one token: they measure the call path, not the
# API's throttles (tests/access/test_throttles.py tests those).
API_CREATE_THROTTLE_RATE = None
API_TOKEN_THROTTLE_RATE = None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
