"""A baked project checks, migrates and passes its own test suite on PostgreSQL."""

import os
import subprocess
from pathlib import Path

import pytest
from conftest import OPTIONS, admin_execute, run

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# Every numbering the generator offers, each baked once (with a prefix in some,
# and a ticket_max whose padding shows), and its whole suite run once.
NUMBERINGS = [
    pytest.param({}, id="sequence-global"),
    pytest.param({"numbering": "gapless", "ticket_prefix": "GL"}, id="gapless-global"),
    pytest.param({"ticket_scope": "yearly"}, id="sequence-yearly"),
    pytest.param(
        {
            "numbering": "gapless",
            "ticket_scope": "yearly",
            "ticket_prefix": "SD",
            "ticket_max": "99999",
        },
        id="gapless-yearly",
    ),
]


@pytest.mark.parametrize("answers", NUMBERINGS)
def test_manage_check_and_migrations_are_clean(make_project, answers):
    project = make_project(**answers)
    admin_execute(f'CREATE DATABASE "{project.database}"')

    project.manage("check", "--fail-level", "WARNING")
    project.manage("makemigrations", "--check", "--dry-run")
    project.manage("migrate", "--no-input")
    # Every migration, including the hand-written ones, is reversible.
    for app in ("records", "scheduling"):
        project.manage("migrate", app, "zero", "--no-input")
    project.manage("migrate", "--no-input")
    shown = project.manage("showmigrations", "--plan").stdout
    assert "[ ]" not in shown


@pytest.mark.parametrize("answers", NUMBERINGS)
def test_baked_suite_passes(make_project, answers):
    project = make_project(**answers)

    result = project.pytest("-W", "error::DeprecationWarning")

    assert " passed" in result.stdout and " failed" not in result.stdout


def test_baked_suite_passes_with_the_smallest_ticket_range(make_project):
    project = make_project(ticket_max="1")

    result = project.pytest()

    assert " passed" in result.stdout and " failed" not in result.stdout


def python_at_least(minimum):
    """An installed Python of at least `minimum`, found without downloading one.

    What `uv python find` finds (PATH, uv's own installs), else one that pyenv
    installed (its shims answer only for the selected version).
    """
    env = os.environ | {"UV_PYTHON_DOWNLOADS": "never"}
    found = subprocess.run(
        ["uv", "python", "find", f">={minimum}"], env=env, capture_output=True, text=True
    )
    if found.returncode == 0:
        return found.stdout.strip()
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    wanted = tuple(map(int, minimum.split(".")))
    for python in sorted(pyenv_root.glob("versions/*/bin/python3")):
        version = subprocess.run(
            [python, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
        )
        if version.returncode == 0 and tuple(map(int, version.stdout.split())) >= wanted:
            return str(python)
    raise AssertionError(f"no Python >= {minimum} installed (uv python find, pyenv)")


@pytest.mark.parametrize("version", OPTIONS["django_version"])
def test_users_way_uv_sync_then_uv_run_pytest(make_project, version):
    """Exactly what the baked README says, in the baked folder's own environment,
    for each Django version on the oldest Python it supports; deprecations fail."""
    project = make_project(django_version=version)
    minimum = OPTIONS["_django"][version]["python"]
    env = project.env | {"UV_PYTHON": python_at_least(minimum), "UV_PYTHON_DOWNLOADS": "never"}

    run(["uv", "sync"], project.path, env)
    installed = run(
        ["uv", "run", "python", "-c", "import django; print(django.__version__)"], project.path, env
    )
    result = run(
        ["uv", "run", "pytest", "-q", "-W", "error::DeprecationWarning"], project.path, env
    )

    assert (project.path / ".venv").is_dir()
    assert installed.stdout.startswith(f"{version}.")
    assert " passed" in result.stdout and " failed" not in result.stdout
