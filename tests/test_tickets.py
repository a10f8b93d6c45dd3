"""ticket_max reaches the baked project as a plain number, and the widest range works."""

import re

import psycopg
import pytest
from conftest import admin_execute, bake, database_url

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

BIGINT_MAX = "9223372036854775807"


@pytest.mark.parametrize("value", ["1", "999999", BIGINT_MAX])
def test_ticket_max_reaches_the_migration_and_the_app(tmp_path, value):
    project = bake(tmp_path, ticket_max=value)
    records = project / project.name / "records"

    migration = (records / "migrations" / "0002_ticket_number_sequence.py").read_text()
    models = (records / "models.py").read_text()

    assert re.findall(r"maxvalue=(\S+),", migration) == [value]
    assert re.findall(r"^TICKET_MAX = (\S+)$", models, re.MULTILINE) == [value]


def test_ticket_tests_pass_with_the_largest_ticket_range(make_project):
    """The default and the smallest range run the whole baked suite (test_project.py)."""
    project = make_project(ticket_max=BIGINT_MAX)
    package = project.path / project.path.name

    result = project.pytest(str(package / "records"), str(package / "db"))

    assert " passed" in result.stdout and " failed" not in result.stdout


def raise_the_limit_example(project):
    """The forward and reverse SQL of the "raise the limit" example in the baked docs."""
    docs = (project / "docs" / "tickets.md").read_text()
    return re.findall(r'"(ALTER SEQUENCE records_ticket_number_seq MAXVALUE (\d+))"', docs)


@pytest.mark.parametrize("value", ["1", "999999", "50000000", "123456789012345678"])
def test_the_raise_the_limit_example_raises_the_baked_limit(tmp_path, value):
    (_, raised), (_, restored) = raise_the_limit_example(bake(tmp_path, ticket_max=value))

    assert int(value) < int(raised) <= int(BIGINT_MAX)
    assert restored == value


def test_at_bigints_limit_the_docs_say_it_cannot_be_raised(tmp_path):
    project = bake(tmp_path, ticket_max=BIGINT_MAX)

    assert raise_the_limit_example(project) == []
    assert "it cannot be raised." in (project / "docs" / "tickets.md").read_text()


def test_following_the_raise_the_limit_example_raises_the_sequences_maxvalue(make_project):
    project = make_project(ticket_max="50000000")
    admin_execute(f'CREATE DATABASE "{project.database}"')
    project.manage("migrate", "--no-input")
    (forward, raised), (reverse, _) = raise_the_limit_example(project.path)

    def maxvalue_after(sql):
        with psycopg.connect(database_url(project.database), autocommit=True) as conn:
            conn.execute(sql)
            (maxvalue,) = conn.execute(
                "SELECT max_value FROM pg_sequences WHERE sequencename = %s",
                ["records_ticket_number_seq"],
            ).fetchone()
        return maxvalue

    assert maxvalue_after(forward) == int(raised) > 50_000_000
    assert maxvalue_after(reverse) == 50_000_000
