"""ticket_max reaches the baked project as a plain number, and the widest range works."""

import re

import pytest
from conftest import bake

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
