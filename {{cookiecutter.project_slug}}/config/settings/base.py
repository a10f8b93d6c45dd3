"""Settings shared by every environment.

Configuration comes from environment variables, read through django-environ.
A `.env` file next to manage.py is read too, but a variable that is really set
in the environment always wins over the file (read_env never overwrites).
"""

from pathlib import Path

import environ

from config import database

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

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
# Server-side parameter binding: psycopg sends values apart from the SQL text
# and, after a few runs, prepares a statement once per connection, so PostgreSQL
# stops re-parsing the same INSERTs; measured, it made saving a record with its
# ticket about a third cheaper in Python and on the server. DDL takes no bound
# parameters: write values into DDL through the schema editor, which quotes them.
# Behind PgBouncer in transaction mode, use PgBouncer 1.21+ (prepared statements).
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/databases/#server-side-parameters-binding
DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
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

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
