"""With no DATABASE_URL and no PostgreSQL anywhere, a baked project still migrates and tests.

The baked project then runs its own embedded PostgreSQL (config/database/ and
conftest.py in the project). These tests run it the user's way and check, from
the process table, that no server is left behind.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from pathlib import Path

import psutil
import pytest
from conftest import TEMPLATE_DIR, bake, run

# A fresh machine: a network namespace with only loopback (nothing listens on
# 127.0.0.1:5432) and an empty /var/run/postgresql (no local socket), in a mount
# namespace of its own so the real folder is untouched. Paths are unchanged, and
# a unix socket in a project folder still works across namespaces.
ISOLATED = [
    "unshare",
    "--mount",
    "--net",
    "--fork",
    "--",
    "sh",
    "-c",
    "ip link set lo up && if [ -d /var/run/postgresql ]; then "
    'mount -t tmpfs tmpfs /var/run/postgresql; fi && exec "$@"',
    "isolated",
]
NO_SERVER_PROBE = """
import psycopg, sys
for target in ("host=127.0.0.1 port=5432", "host=/var/run/postgresql", ""):
    try:
        psycopg.connect(f"{target} dbname=postgres user=postgres connect_timeout=3").close()
    except psycopg.OperationalError:
        continue
    sys.exit(f"a PostgreSQL server answers at {target!r}")
print("no server")
"""


def postmasters_under(folder):
    """Process ids of PostgreSQL servers (`postgres -D <data dir>`) with data under `folder`."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        cmdline = process.info["cmdline"] or []
        if process.info["status"] == psutil.STATUS_ZOMBIE or cmdline[1:2] != ["-D"]:
            continue
        if Path(cmdline[2]).is_relative_to(folder):
            found.append(process.pid)
    return found


@pytest.fixture
def short_tmp():
    """A folder with a short path (sockets go in it) outside pytest's (see conftest.py)."""
    folder = Path(tempfile.mkdtemp(prefix="emb-"))
    yield folder
    for pid in postmasters_under(folder):  # only if a test failed half-way
        psutil.Process(pid).kill()
    shutil.rmtree(folder, ignore_errors=True)


def user_env(tmp, **extra):
    """A user's environment: no DATABASE_URL, no outer virtualenv, temporary files in `tmp`."""
    drop = {"DATABASE_URL", "VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    return {**env, "TMPDIR": str(tmp), **extra}


def test_fresh_machine_bake_sync_migrate_and_test(short_tmp):
    env = user_env(short_tmp, UV_OFFLINE="1")  # uv installs from its cache, as no network

    def isolated(*args, cwd=short_tmp):
        return run([*ISOLATED, *args], cwd, env)

    assert isolated(sys.executable, "-c", NO_SERVER_PROBE).stdout.strip() == "no server"
    isolated(sys.executable, "-m", "cookiecutter", str(TEMPLATE_DIR), "--no-input")
    project = short_tmp / "service_desk"
    assert "\nDATABASE_URL=" not in (project / ".env").read_text()

    isolated("uv", "sync", "--quiet", cwd=project)
    isolated("uv", "run", "python", "manage.py", "migrate", "--no-input", cwd=project)
    [server] = postmasters_under(project / ".postgres")
    status = isolated("uv", "run", "python", "manage.py", "postgres", "status", cwd=project)
    assert f"running (pid {server})" in status.stdout

    tests = isolated("uv", "run", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert " passed" in tests.stdout and " failed" not in tests.stdout
    # The tests ran on a throwaway server, stopped since; .postgres/ kept its own.
    assert postmasters_under(short_tmp) == [server]
    assert [p.name for p in short_tmp.iterdir() if p.name.startswith("pg-")] == []

    isolated("uv", "run", "python", "manage.py", "postgres", "stop", cwd=project)
    assert postmasters_under(short_tmp) == []


def wait_for(condition, process, what):
    """Poll `condition` until it is true; fail if `process` exits first. A wait, not a timing."""
    for _ in range(1200):  # up to 4 minutes on a busy machine
        if result := condition():
            return result
        assert process.poll() is None, f"exited before {what}"
        time.sleep(0.2)
    process.kill()
    raise AssertionError(f"gave up waiting for {what}")


def start_baked_pytest(project, tmp):
    """The baked suite with no DATABASE_URL, once its throwaway server runs: (process, pids)."""
    pytest_run = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        env=user_env(tmp),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    servers = wait_for(lambda: postmasters_under(tmp), pytest_run, "the throwaway server")
    return pytest_run, servers


def test_ctrl_c_stops_the_throwaway_server(short_tmp):
    project = bake(short_tmp / "bake")
    pytest_run, servers = start_baked_pytest(project, short_tmp)

    pytest_run.send_signal(signal.SIGINT)  # what Ctrl-C sends
    output, _ = pytest_run.communicate(timeout=120)

    assert pytest_run.returncode == pytest.ExitCode.INTERRUPTED, output
    assert len(servers) == 1
    assert postmasters_under(short_tmp) == []
    assert [p.name for p in short_tmp.iterdir() if p.name.startswith("pg-")] == []


def test_control_a_killed_run_leaves_its_server_behind(short_tmp):
    # The same harness, when nothing gets to clean up: the check above can fail.
    project = bake(short_tmp / "bake")
    pytest_run, servers = start_baked_pytest(project, short_tmp)

    pytest_run.kill()
    pytest_run.communicate(timeout=120)

    assert postmasters_under(short_tmp) == servers


def serves(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=5) as page:
            return page.status == 200
    except OSError:
        return False


def test_runserver_reloads_onto_the_same_server(short_tmp):
    project = bake(short_tmp / "bake")
    env = user_env(short_tmp)
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = short_tmp / "runserver.log"
    with log.open("w") as output:
        # Its own session, so that the reloader and its child are ended together.
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(lambda: serves(port), server, "the site")
        [postgres] = postmasters_under(project / ".postgres")

        (project / "config" / "urls.py").touch()
        wait_for(lambda: "changed, reloading" in log.read_text(), server, "the reload")
        wait_for(lambda: serves(port), server, "the site after the reload")

        assert postmasters_under(project / ".postgres") == [postgres]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        run([sys.executable, "manage.py", "postgres", "stop"], project, env)
    assert postmasters_under(short_tmp) == []


AS_USER = """
import sys
from pathlib import Path

import psutil
import psycopg

sys.path.insert(0, sys.argv[1])
from config.database import embedded

data_dir = Path(sys.argv[2])
socket_dir = embedded.start(data_dir)
with psycopg.connect(dbname="postgres", user="postgres", host=str(socket_dir)) as conn:
    conn.execute("SELECT 1")
pid = embedded.running_pid(data_dir)
print(psutil.Process(pid).username(), embedded.stop(data_dir), embedded.running_pid(data_dir))
"""


def test_an_ordinary_user_runs_the_server_as_itself(short_tmp):
    """As root the package runs PostgreSQL as a user of its own; an ordinary user runs it as itself.

    Run as root, this test becomes the ordinary user `nobody`, with a virtualenv
    it can read (the template's may live in root's home).
    """
    project = bake(short_tmp / "bake")
    data_dir = short_tmp / "data"
    data_dir.mkdir()
    if os.geteuid() == 0:
        user, as_user = "nobody", ["runuser", "-u", "nobody", "--"]
        for folder in (short_tmp.parent, short_tmp):  # let nobody in (adds rights, takes none)
            folder.chmod(folder.stat().st_mode | 0o055)
        shutil.chown(data_dir, user)
        python = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")
        assert python, "a system python3 that nobody may run"
        venv = short_tmp / "venv"
        requirements = tomllib.loads((project / "pyproject.toml").read_text())
        packages = [
            *requirements["project"]["dependencies"],
            *requirements["dependency-groups"]["dev"],
        ]
        run(["uv", "venv", "-q", "-p", python, str(venv)], short_tmp, os.environ)
        run(["uv", "pip", "install", "-q", "-p", str(venv), *packages], short_tmp, os.environ)
        python = str(venv / "bin" / "python")
    else:
        user, as_user, python = psutil.Process().username(), [], sys.executable

    result = run(
        [*as_user, python, "-c", AS_USER, str(project), str(data_dir)],
        short_tmp,
        user_env(short_tmp, HOME=str(short_tmp)),
    )

    assert result.stdout.split() == [user, "True", "None"]
    assert data_dir.owner() == user
    assert postmasters_under(short_tmp) == []
