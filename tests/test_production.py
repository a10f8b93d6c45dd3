"""Production settings: safe when configured, refusing to start when not."""

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


@pytest.fixture(scope="module")
def project(default_project):
    # A server has no .env: without it only the real environment counts.
    (default_project.path / ".env").unlink(missing_ok=True)
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


def test_debug_stays_off_unless_asked(project):
    show = "from django.conf import settings; print(settings.DEBUG)"
    result = manage(project, "shell", "-c", show, **REQUIRED)

    assert result.stdout.strip().splitlines()[-1] == "False"


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
    show = (
        "from django.conf import settings; db = settings.DATABASES['default']; "
        "print(db['HOST'], db['NAME'], db['OPTIONS']['server_side_binding'], db['CONN_MAX_AGE'])"
    )

    result = manage(project, "shell", "-c", show, **REQUIRED)

    assert result.stdout.strip().splitlines()[-1].split() == ["db.example.com", "app", "True", "60"]
