"""Settings shared by every environment.

Configuration comes from environment variables only (see environment.py for
how they are read). Local and test settings load the developer's `.env` into
the environment before importing this module (dotenv.py); production never
does.
"""

from pathlib import Path

from config import database

from .environment import comma_list, env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Off unless a settings module turns it on: local.py does, production.py never.
DEBUG = False
ALLOWED_HOSTS = comma_list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "config.database",  # manage.py postgres status|start|stop
    "{{ cookiecutter.project_slug }}.records",
    "{{ cookiecutter.project_slug }}.scheduling",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# PostgreSQL only: the sequences and deferrable constraints this project relies
# on do not exist in SQLite. DATABASE_URL if set, else the embedded server in
# .postgres/ (config/database/).
DATABASES = {"default": database.from_env(env)}
# Parameters are bound on the client (Django's default, kept on purpose):
# psycopg's ClientCursor writes each value into the SQL text, so PostgreSQL
# parses every number itself and refuses one outside its column's range
# ("integer out of range"), whatever the column: smallint, integer or bigint.
# With server_side_binding=True, Django 5.2 sends integers typed as int2/int4/
# int8 in binary, and psycopg's C dumpers for int2 and int4 truncate instead of
# raising: level=2**31 + 5 was stored as -2147483643.
# Server-side binding would not prepare statements either: Django 5.2 leaves
# psycopg's prepare_threshold at None unless OPTIONS sets it, so PostgreSQL
# parses and plans every statement again. Preparing needs
# OPTIONS["prepare_threshold"] and, behind PgBouncer in transaction mode,
# PgBouncer 1.21+ with max_prepared_statements above 0.
# Measured both ways with 4 and 8 processes saving records with tickets:
# binding on the client costs about 4% (0.03 ms of Python per ticket), less
# than TicketManager.issue_new saves by sending its INSERT directly; together
# 1.12x the earlier rate with server-side binding.
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/databases/#server-side-parameters-binding
# https://www.psycopg.org/psycopg3/docs/advanced/prepare.html
DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Django's error reports (the debug 500 page, error e-mails) hide settings and
# request values whose names look secret; this filter also hides passwords in
# URLs such as DATABASE_URL.
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/howto/error-reporting/#custom-error-reports
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.error_reports.SecretHidingFilter"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
