"""Shared helpers for the template's own tests: baking, running, databases.

Every bake goes into its own temporary folder and gets its own database names
on the server in DATABASE_URL, so test runs never collide and never depend on
leftovers.
"""

import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest
from cookiecutter.main import cookiecutter

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
OPTIONS = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())


def database_url(name):
    """SERVER_URL with its database name replaced by `name`."""
    base, _, _ = SERVER_URL.rpartition("/")
    return f"{base}/{name}"


def admin_execute(sql):
    """Run one statement on the server's maintenance database (autocommit)."""
    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        conn.execute(sql)


def bake(output_dir, **extra_context):
    """Bake the template with cookiecutter's Python API; return the project folder."""
    return Path(
        cookiecutter(
            str(TEMPLATE_DIR),
            no_input=True,
            output_dir=str(output_dir),
            extra_context=extra_context,
        )
    )


def project_env(database_name, **extra):
    """The environment a baked project runs in: its own DATABASE_URL, no outer venv."""
    env = {
        k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE"}
    }
    env["DATABASE_URL"] = database_url(database_name)
    env.update(extra)
    return env


def run(args, cwd, env, timeout=600):
    """Run a command; fail the test with its output when it exits non-zero."""
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))} exited {result.returncode}\n"
        f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )
    return result


class BakedProject:
    """A baked project folder with a unique database name, run with this venv's Python."""

    def __init__(self, path):
        self.path = path
        self.database = f"tpl_{uuid.uuid4().hex[:12]}"
        self.env = project_env(self.database)

    def manage(self, *args, env=None):
        return run([sys.executable, "manage.py", *args], self.path, env or self.env)

    def pytest(self, *args):
        return run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
            self.path,
            self.env,
        )

    def drop_databases(self):
        for name in (self.database, f"test_{self.database}"):
            admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True, scope="session")
def temporary_files_under_pytest(tmp_path_factory):
    """Keep stray temporary files inside pytest's own folder, which pytest prunes.

    Cookiecutter writes each rendered hook to a temporary file that it never
    deletes; without this, every test run would leave dozens in /tmp.
    """
    folder = str(tmp_path_factory.mktemp("tmp"))
    patch = pytest.MonkeyPatch()
    patch.setattr(tempfile, "tempdir", folder)
    patch.setenv("TMPDIR", folder)  # for the cookiecutter and pytest subprocesses
    yield
    patch.undo()


@pytest.fixture
def make_project(tmp_path):
    """Factory fixture: bake with extra context; databases are dropped afterwards."""
    projects = []

    def make(**extra_context):
        output = tmp_path / f"bake{len(projects)}"
        project = BakedProject(bake(output, **extra_context))
        projects.append(project)
        return project

    yield make
    for project in projects:
        project.drop_databases()


@pytest.fixture(scope="module")
def default_project(tmp_path_factory):
    """One project baked with the defaults, shared by a module's read-only tests."""
    project = BakedProject(bake(tmp_path_factory.mktemp("default")))
    yield project
    project.drop_databases()
