"""Settings for a developer's machine: .env read, debug on, nothing secret required."""

from . import dotenv  # noqa: F401  (first: it loads .env, which base.py reads)
from .base import *  # noqa: F403
from .environment import comma_list, env, flag

DEBUG = flag("DJANGO_DEBUG", default=True)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="django-insecure-local-development-only-never-use-this-key-in-production",
)
ALLOWED_HOSTS = comma_list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
