"""A baked project checks, migrates and passes its own test suite on PostgreSQL."""

import pytest
from conftest import admin_execute, run

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

    result = project.pytest()

    assert " passed" in result.stdout and " failed" not in result.stdout


def test_baked_suite_passes_with_the_smallest_ticket_range(make_project):
    project = make_project(ticket_max="1")

    result = project.pytest()

    assert " passed" in result.stdout and " failed" not in result.stdout


def test_users_way_uv_sync_then_uv_run_pytest(make_project):
    """Exactly what the baked README says, in the baked folder's own environment."""
    project = make_project()

    run(["uv", "sync"], project.path, project.env)
    result = run(["uv", "run", "pytest", "-q"], project.path, project.env)

    assert (project.path / ".venv").is_dir()
    assert " passed" in result.stdout and " failed" not in result.stdout
