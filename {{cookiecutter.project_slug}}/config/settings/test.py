"""Settings for the test suite (pytest-django selects them in pyproject.toml).

The tests run against real PostgreSQL: pytest-django creates `test_<NAME>`
from DATABASE_URL, runs every migration into it and drops it afterwards.
"""

from . import dotenv  # noqa: F401  (first: it loads .env, which base.py reads)
from .base import *  # noqa: F403

SECRET_KEY = "django-insecure-test-only-key-that-is-long-enough-for-checks"
# Hashing passwords properly is slow on purpose; tests do not need that.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
