"""Production settings: safe when configured, refusing to start when not.

Every test here runs with the baked developer `.env` in the folder (it says
DJANGO_DEBUG=true and holds a secret), plus the database URL of a developer's
own server: production must ignore it all, as a server configured by its
environment alone.
"""

import secrets
import subprocess
import sys

import pytest
from conftest import project_env

REQUIRED = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "example.com,www.example.com",
    "DATABASE_URL": "postgres://app@db.example.com:5432/app",
}
DEVELOPER_DATABASE_URL = "DATABASE_URL=postgres://dev:dev-password@127.0.0.1:5432/from_dotenv"


@pytest.fixture(scope="module")
def project(default_project):
    dotenv = default_project.path / ".env"
    baked = dotenv.read_text()
    assert "DJANGO_DEBUG=true" in baked.splitlines()
    assert "DJANGO_SECRET_KEY=" in baked
    # The bake leaves DATABASE_URL out (the embedded server is the default); a
    # developer with a server of their own adds it.
    dotenv.write_text(baked + DEVELOPER_DATABASE_URL + "\n")
    return default_project


def manage(project, *args, **variables):
    env = project_env(project.database, DJANGO_SETTINGS_MODULE="config.settings.production")
    for name in (*REQUIRED, "DJANGO_DEBUG"):
        env.pop(name, None)
    env.update(variables)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=project.path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_when_configured(project):
    result = manage(project, "check", "--deploy", "--fail-level", "WARNING", **REQUIRED)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_nothing_set_at_all_refuses_to_start_although_dotenv_has_everything(project):
    result = manage(project, "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_refuses_to_start_without(project, missing):
    variables = {k: v for k, v in REQUIRED.items() if k != missing}

    result = manage(project, "check", **variables)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("empty", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_refuses_an_empty_value(project, empty):
    result = manage(project, "check", **{**REQUIRED, empty: ""})

    assert result.returncode != 0
    assert empty in result.stderr.strip().splitlines()[-1]


def show(project, expression, **variables):
    """The printed value of a Python expression over `settings`, under production settings."""
    code = f"from django.conf import settings; print({expression})"
    result = manage(project, "shell", "-c", code, **{**REQUIRED, **variables})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("variables", [{}, {"DJANGO_DEBUG": "true"}], ids=["unset", "true"])
def test_debug_is_always_off(project, variables):
    # Unset: the baked .env says DJANGO_DEBUG=true. Set: production does not read it at all.
    assert show(project, "settings.DEBUG", **variables) == "False"


def test_allowed_hosts_are_stripped_of_spaces_and_empty_items(project):
    hosts = show(project, "settings.ALLOWED_HOSTS", DJANGO_ALLOWED_HOSTS=" a.com, b.com ,,")

    assert hosts == "['a.com', 'b.com']"


def test_whole_number_settings_are_read(project):
    value = show(
        project,
        "settings.DATABASES['default']['CONN_MAX_AGE'], settings.SECURE_HSTS_SECONDS",
        DJANGO_CONN_MAX_AGE="0",
        DJANGO_SECURE_HSTS_SECONDS=" 31536000 ",
    )

    assert value == "0 31536000"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DJANGO_CONN_MAX_AGE", "abc", "a whole number"),
        ("DJANGO_CONN_MAX_AGE", "1.5", "a whole number"),
        ("DJANGO_SECURE_HSTS_SECONDS", "one year", "a whole number"),
        ("DJANGO_SECURE_SSL_REDIRECT", "ture", "true or false"),
        ("DJANGO_SECURE_HSTS_PRELOAD", "", "true or false"),
    ],
)
def test_a_value_that_does_not_parse_is_refused_by_name(project, name, value, expected):
    result = manage(project, "check", **{**REQUIRED, name: value})

    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        f"django.core.exceptions.ImproperlyConfigured: {name} must be {expected}; it is {value!r}."
    )


def test_environment_wins_over_dotenv(make_project):
    project = make_project()
    (project.path / ".env").write_text(
        "DATABASE_URL=postgres://file@127.0.0.1:5432/from_file\n"
        "DJANGO_ALLOWED_HOSTS=only-in-file.example\n"
    )
    show = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['NAME'], *settings.ALLOWED_HOSTS)"
    )

    result = project.manage("shell", "-c", show)

    assert result.stdout.strip().splitlines()[-1].split() == [
        project.database,
        "only-in-file.example",
    ]


def test_database_comes_from_the_environment_with_the_project_options(project):
    db = "settings.DATABASES['default']"
    value = show(
        project,
        f"{db}['HOST'], {db}['NAME'], {db}['OPTIONS']['server_side_binding'], {db}['CONN_MAX_AGE']",
    )

    # Client-side binding, so that PostgreSQL range-checks every integer (see base.py).
    assert value.split() == ["db.example.com", "app", "False", "60"]
