"""Shared helpers for the template's own tests: baking, running, databases.

Every bake goes into its own temporary folder and gets its own database names
on one server, so test runs never collide and never depend on leftovers. The
server is the one in DATABASE_URL, or else one throwaway embedded PostgreSQL for
the whole session (benchmarks/database_server.py).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest
from cookiecutter.main import cookiecutter
from database_server import database_url, server_url

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
SERVER_URL = server_url()
OPTIONS = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())


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
def session_environment():
    """What every subprocess of the session inherits: the server, and a temporary folder.

    DATABASE_URL, so that subprocesses (the benchmark) use the session's server.
    TMPDIR, a folder of our own deleted at the end: cookiecutter writes each
    rendered hook to a temporary file that it never deletes, and the baked
    suites' throwaway servers go there too. It is not under pytest's folder,
    whose rights every new pytest session resets to its owner alone, which a
    server run as another user (as root, the embedded one is) cannot survive.
    """
    folder = tempfile.mkdtemp(prefix="template-tests-")
    patch = pytest.MonkeyPatch()
    patch.setenv("DATABASE_URL", SERVER_URL)
    patch.setattr(tempfile, "tempdir", folder)
    patch.setenv("TMPDIR", folder)
    yield
    patch.undo()
    shutil.rmtree(folder, ignore_errors=True)


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
