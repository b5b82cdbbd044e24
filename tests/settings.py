"""Settings for the test suite: the project's settings with a development default for DEBUG."""

import os

os.environ.setdefault("DEBUG", "1")

from heart.settings import *  # noqa: E402,F403

# Hashing is deliberately slow in production; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Throttles count in the shared cache, across tests; tests/access/test_throttles.py turns them on.
API_TOKEN_THROTTLE_RATE = None
API_CREATE_THROTTLE_RATE = None
