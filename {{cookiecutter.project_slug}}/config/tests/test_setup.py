"""The project runs on real PostgreSQL and its admin is wired up."""

import psycopg
from django.db import connection


def test_database_is_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        (version,) = cursor.fetchone()
    assert int(version) >= 150000, "the project needs PostgreSQL 15 or newer"


def test_parameters_are_bound_server_side(db):
    # config/settings/base.py turns this on. Without it Django uses psycopg's
    # ClientCursor, which merges the values into the SQL text on the client.
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, psycopg.Cursor)
        assert not isinstance(cursor.cursor, psycopg.ClientCursor)


def test_admin_login_page_renders(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content


def test_admin_requires_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
