"""An integer outside its column's range is refused, never stored wrapped.

PostgreSQL checks the range itself ("integer out of range") because the
project binds parameters on the client (config/settings/base.py explains why
server-side binding is off). Each test reads the table back with SQL: the
stored values must be exactly what they were.
"""

import pytest
from django.db import DataError, connection, transaction

from ...scheduling.models import FIRST_LEVEL, DayPart, Slot, Team

# One column of each integer type, with the range PostgreSQL allows in it.
# Two have a CHECK as well, which sets their low end: DayPart.position >= 0
# and Slot.level >= FIRST_LEVEL.
COLUMNS = {
    "int2": (DayPart, "position", "smallint", 0, 2**15 - 1),
    "int4": (Slot, "level", "integer", FIRST_LEVEL, 2**31 - 1),
    "int8": (Team, "id", "bigint", -(2**63), 2**63 - 1),
}


def out_of_range(kind):
    """Values just outside the type, and ones a 2-, 4- or 8-byte truncation turns into 5."""
    _, _, data_type, _, _ = COLUMNS[kind]
    bits = {"smallint": 16, "integer": 32, "bigint": 64}[data_type]
    top = 2 ** (bits - 1)
    values = [top, top + 5, 2**bits + 5, -top - 1, 2**70]
    return [pytest.param(kind, value, id=f"{kind}:{value}") for value in values]


ALL_OUT_OF_RANGE = [param for kind in COLUMNS for param in out_of_range(kind)]


@pytest.fixture
def team():
    return Team.objects.create(name="range team")


def new_row(kind, team, value):
    """Create one row of the kind's model with `value` in its integer column."""
    model, field, _, _, _ = COLUMNS[kind]
    if model is Slot:
        return Slot.objects.create(team=team, **{field: value})
    if model is Team:
        return Team.objects.create(name=f"team {value}", **{field: value})
    return DayPart.objects.create(name=f"day part {value}", **{field: value})


def stored(model, field):
    """Every value of model's column, read straight from the table."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(field).column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY {column}")
        return [value for (value,) in cursor.fetchall()]


def refused(data_type):
    return pytest.raises(DataError, match=f"{data_type} out of range")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", COLUMNS)
def test_the_columns_have_the_types_the_tests_name(kind):
    model, field, data_type, _, _ = COLUMNS[kind]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = %s",
            [model._meta.db_table, model._meta.get_field(field).column],
        )
        assert cursor.fetchone() == (data_type,)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", COLUMNS)
def test_the_ends_of_each_range_are_stored_exactly(kind, team):
    model, field, _, low, high = COLUMNS[kind]
    before = stored(model, field)

    new_row(kind, team, low)
    new_row(kind, team, high)

    assert stored(model, field) == sorted([*before, low, high])


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "value"), ALL_OUT_OF_RANGE)
def test_create_refuses_an_out_of_range_value(kind, value, team):
    model, field, data_type, _, _ = COLUMNS[kind]
    before = stored(model, field)

    with refused(data_type), transaction.atomic():
        new_row(kind, team, value)

    assert stored(model, field) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "value"), ALL_OUT_OF_RANGE)
def test_update_refuses_an_out_of_range_value(kind, value, team):
    model, field, data_type, _, _ = COLUMNS[kind]
    row = new_row(kind, team, 7)
    before = stored(model, field)
    assert 7 in before

    with refused(data_type), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: value})

    assert stored(model, field) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "by",
    [
        2**31,  # every level lands above the top of integer
        2**31 - 3,  # a valid integer, but level 3 + it is not
        -(2**31) - 5,  # every level lands below the bottom of integer
        2**32,  # truncated to 4 bytes: 0
        2**32 + 1,  # truncated to 4 bytes: 1, a plausible shift
        -(2**32) + 1,  # truncated to 4 bytes: 1
        2**70,
    ],
)
def test_shift_refuses_a_move_out_of_range(by, team):
    for level in (1, 2, 3):
        Slot.objects.create(team=team, level=level)

    with refused("integer"), transaction.atomic():
        team.slots.all().shift(by)

    assert stored(Slot, "level") == [1, 2, 3]
