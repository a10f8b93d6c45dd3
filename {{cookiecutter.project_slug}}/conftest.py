"""pytest set-up shared by the whole project.

Without DATABASE_URL the tests run on a throwaway embedded PostgreSQL in a
temporary folder, never on the one in .postgres/: it is started for the test
session and stopped, its folder deleted, when the session ends, whether the
tests passed, failed or were interrupted with Ctrl-C.
"""

import shutil
import tempfile
from pathlib import Path

import pytest

from config.database import ENGINE, embedded


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """pytest-django's hook for changing DATABASES before it creates the test database.

    https://pytest-django.readthedocs.io/en/latest/database.html#django-db-modify-db-settings
    """
    from django.conf import settings

    default = settings.DATABASES["default"]
    if default["ENGINE"] != ENGINE:
        yield  # DATABASE_URL names the server
        return
    project_data = default["HOST"]
    # Short and unique: the server's socket goes in this folder, and a unix
    # socket path may not be longer than 107 bytes.
    data_dir = Path(tempfile.mkdtemp(prefix="pg-"))
    default["HOST"] = str(data_dir)
    try:
        yield
    finally:
        default["HOST"] = project_data
        embedded.stop(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)
