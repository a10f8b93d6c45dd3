"""Settings for a deployed server.

Configured by the real environment only: a `.env` file is never read here,
even when one is in the folder. Refuses to start unless DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DATABASE_URL are set; passes
`manage.py check --deploy --fail-level WARNING`. DEBUG is always off.
HTTPS is assumed to end at a proxy that sets X-Forwarded-Proto.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES
from .environment import comma_list, env, flag, whole_number


def required(name, value):
    """Return value, or stop with an error naming the variable when it is empty."""
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable (it is empty).")
    return value


# env() raises ImproperlyConfigured naming the variable when it is not set at all.
SECRET_KEY = required("DJANGO_SECRET_KEY", env("DJANGO_SECRET_KEY"))
ALLOWED_HOSTS = required("DJANGO_ALLOWED_HOSTS", comma_list("DJANGO_ALLOWED_HOSTS"))
# base.py read DATABASE_URL with a default for developers; a server must set it.
required("DATABASE_URL", env.str("DATABASE_URL"))
DATABASES["default"]["CONN_MAX_AGE"] = whole_number("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Not configurable: DEBUG on a server shows settings and code to anyone.
DEBUG = False

# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = flag("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Start HSTS small; raise it to a year (31536000) once every subdomain serves HTTPS.
SECURE_HSTS_SECONDS = whole_number("DJANGO_SECURE_HSTS_SECONDS", default=3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = flag("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = flag("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
