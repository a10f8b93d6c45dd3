"""The project runs on real PostgreSQL and its admin is wired up."""

import psycopg
from django.db import connection


def test_database_is_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        (version,) = cursor.fetchone()
    assert int(version) >= 150000, "the project needs PostgreSQL 15 or newer"


def test_parameters_are_bound_on_the_client(db):
    # config/settings/base.py keeps Django's default on purpose: psycopg's
    # ClientCursor writes the values into the SQL text, so PostgreSQL checks
    # every integer's range (db/tests/test_integer_range.py).
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is False
    assert not connection.features.uses_server_side_binding
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, psycopg.ClientCursor)


def test_admin_login_page_renders(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content


def test_admin_requires_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
