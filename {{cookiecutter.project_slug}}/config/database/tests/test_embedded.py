"""The embedded PostgreSQL: started on first use, one server per data folder, stopped on request.

These tests start their own servers in temporary folders, whatever server the
rest of the suite runs on.
"""

import environ
import psutil
import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from config import database
from config.database import embedded
from config.database.base import DatabaseWrapper
from config.database.management.commands import postgres


def connect(socket_dir, dbname=database.DATABASE_NAME):
    return psycopg.connect(dbname=dbname, user="postgres", host=str(socket_dir), autocommit=True)


def is_gone(pid):
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def servers_on(data_dir):
    """Process ids of the postmasters (`postgres -D data_dir ...`) running on `data_dir`."""
    return [
        process.pid
        for process in psutil.process_iter(["cmdline"])
        if str(data_dir) in (process.info["cmdline"] or [])[1:3]
    ]


@pytest.fixture
def data_dir(tmp_path_factory):
    """A fresh data folder (short path: the socket goes in it); its server is stopped after."""
    folder = tmp_path_factory.mktemp("pg")
    yield folder
    embedded.stop(folder)


def test_database_url_wins_over_the_embedded_server(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://someone@db.example:6543/elsewhere")

    config = database.from_env(environ.Env())

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 6543, "elsewhere")


def test_without_database_url_the_embedded_server_in_dot_postgres_is_used(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)

    config = database.from_env(environ.Env())

    assert config["ENGINE"] == database.ENGINE
    assert config["HOST"] == str(database.PROJECT_DIR / ".postgres")
    assert config["NAME"] == database.DATABASE_NAME


def test_first_start_creates_the_server_and_the_project_database(data_dir):
    socket_dir = embedded.start(data_dir)

    assert (data_dir / "PG_VERSION").exists()
    with connect(socket_dir) as conn:
        version = conn.execute("SHOW server_version_num").fetchone()[0]
        # No TCP address at all: only the unix socket, so no port can collide.
        listen = conn.execute("SHOW listen_addresses").fetchone()[0]
        sockets = conn.execute("SHOW unix_socket_directories").fetchone()[0]
    assert int(version) >= 180000
    assert listen == ""
    assert sockets == str(socket_dir)


def test_a_second_start_reuses_the_running_server(data_dir):
    embedded.start(data_dir)
    pid = embedded.running_pid(data_dir)

    embedded.start(data_dir)

    assert embedded.running_pid(data_dir) == pid
    assert servers_on(data_dir) == [pid]


def test_two_data_folders_run_two_servers_that_do_not_share_data(tmp_path_factory):
    first, second = tmp_path_factory.mktemp("pg"), tmp_path_factory.mktemp("pg")
    try:
        with connect(embedded.start(first)) as conn:
            conn.execute("CREATE TABLE only_in_first (id int)")
        with connect(embedded.start(second)) as conn:
            found = conn.execute("SELECT to_regclass('only_in_first')").fetchone()[0]

        assert found is None
        assert embedded.running_pid(first) != embedded.running_pid(second)
    finally:
        embedded.stop(first)
        embedded.stop(second)


def test_stop_ends_the_server_and_a_later_start_keeps_the_data(data_dir):
    with connect(embedded.start(data_dir)) as conn:
        conn.execute("CREATE TABLE kept (id int)")
    pid = embedded.running_pid(data_dir)

    assert embedded.stop(data_dir) is True

    assert embedded.running_pid(data_dir) is None
    assert is_gone(pid)
    assert embedded.stop(data_dir) is False
    with connect(embedded.start(data_dir)) as conn:
        assert conn.execute("SELECT to_regclass('kept')").fetchone()[0] == "kept"


def test_the_postgres_command_reports_starts_and_stops(data_dir, monkeypatch, capsys):
    monkeypatch.setattr(postgres, "DATA_DIR", data_dir)

    call_command("postgres", "status")
    assert f"no data yet in {data_dir}" in capsys.readouterr().out

    call_command("postgres", "start")
    pid = embedded.running_pid(data_dir)
    assert f"running (pid {pid}), data in {data_dir}" in capsys.readouterr().out

    call_command("postgres", "stop")
    out = capsys.readouterr().out
    assert out.startswith("stopped\n")
    assert f"stopped, data in {data_dir}" in out
    assert is_gone(pid)


def test_a_data_folder_too_deep_for_a_socket_path_still_connects(tmp_path_factory):
    # A unix socket path has at most 107 bytes; the package then puts the socket
    # in a runtime folder of its own, and the backend connects there.
    deep = tmp_path_factory.mktemp("pg") / ("d" * 60) / ("e" * 60)
    deep.parent.mkdir()
    try:
        socket_dir = embedded.start(deep)
        settings = {**connection.settings_dict, "HOST": str(deep), "NAME": database.DATABASE_NAME}
        wrapper = DatabaseWrapper(settings, alias="deep")
        # The backend's own connection parameters (a raw connection: no test database needed).
        with wrapper.get_new_connection(wrapper.get_connection_params()) as raw:
            data_directory = raw.execute("SELECT current_setting('data_directory')").fetchone()[0]

        assert len(str(deep / ".s.PGSQL.5432")) > 107
        assert socket_dir != deep
        assert data_directory == str(deep)
    finally:
        embedded.stop(deep)
