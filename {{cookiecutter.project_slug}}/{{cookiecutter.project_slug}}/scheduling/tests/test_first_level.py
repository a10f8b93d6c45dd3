"""Levels start at 1: the form says so, and PostgreSQL refuses anything lower."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from ...testing.constraints import constraint_in_catalog
from ..models import FIRST_LEVEL, LEVEL_AT_LEAST_FIRST, Slot
from .factories import DayPartFactory, SlotFactory, TeamFactory

pytestmark = pytest.mark.django_db

BELOW = pytest.mark.parametrize("level", [0, -1, -(2**31)], ids=["zero", "minus-one", "int-min"])
TOO_LOW_MESSAGE = f"Ensure this value is greater than or equal to {FIRST_LEVEL}."


def test_postgresql_holds_the_check():
    found = constraint_in_catalog(Slot, LEVEL_AT_LEAST_FIRST)

    assert found.kind == "c"
    assert found.definition == "CHECK ((level >= 1))"
    assert (found.deferrable, found.deferred) == (False, False)


# --- the database: every way of writing a slot --------------------------------------------

WRITES = {
    "create": lambda team, level: Slot.objects.create(team=team, level=level),
    "bulk_create": lambda team, level: Slot.objects.bulk_create([Slot(team=team, level=level)]),
    "update": lambda team, level: team.slots.update(level=level),
    "save": lambda team, level: Slot(pk=team.slots.get().pk, team=team, level=level).save(),
}


@BELOW
@pytest.mark.parametrize("write", WRITES)
def test_postgresql_refuses_a_level_below_1_at_once(write, level):
    team = SlotFactory(level=1).team
    reached_the_end_of_the_block = False

    with pytest.raises(IntegrityError) as error, transaction.atomic():
        WRITES[write](team, level)
        reached_the_end_of_the_block = True  # a deferred check would let it get here

    assert not reached_the_end_of_the_block
    assert error.value.__cause__.diag.constraint_name == LEVEL_AT_LEAST_FIRST
    assert list(team.slots.values_list("level", flat=True)) == [1]


# --- forms and the admin: a field error, before any INSERT ---------------------------------


@BELOW
def test_full_clean_reports_a_level_below_1_on_the_field(level):
    slot = Slot(team=TeamFactory(), level=level)

    with pytest.raises(ValidationError) as error:
        slot.full_clean()

    # The field's validator reports it; the CHECK is not reported a second time.
    assert error.value.message_dict == {"level": [TOO_LOW_MESSAGE]}


@BELOW
def test_admin_reports_a_level_below_1(admin_client, level):
    team = TeamFactory()

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.post(
            "/admin/scheduling/slot/add/", {"team": team.pk, "day_part": "", "level": level}
        )

    assert response.status_code == 200  # the form again, not a redirect after saving
    assert TOO_LOW_MESSAGE in response.content.decode()
    assert not [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "scheduling_slot"')]
    assert not Slot.objects.exists()


# --- shift(): moving a slot below 1 fails with a clear error and moves nothing ------------


@pytest.mark.parametrize("with_day_part", [True, False], ids=["day-part", "whole-day"])
@pytest.mark.django_db(transaction=True)
def test_shift_below_1_fails_and_moves_nothing(with_day_part):
    team, day_part = TeamFactory(), DayPartFactory() if with_day_part else None
    # Levels 5 and 4 could move down; level 1 cannot, and the UPDATE fails as a whole.
    for level in (5, 4, 1):
        SlotFactory(team=team, day_part=day_part, level=level)
    slots = team.slots.filter(day_part=day_part)

    with pytest.raises(ValueError, match=r"shift\(-1\) would move a slot below level 1") as error:
        slots.shift(-1)  # no transaction of ours: the UPDATE commits or fails on its own

    assert error.value.__cause__.__cause__.diag.constraint_name == LEVEL_AT_LEAST_FIRST
    assert sorted(slots.values_list("level", flat=True)) == [1, 4, 5]


def test_shift_down_to_level_1_is_fine():
    team = TeamFactory()
    for level in (2, 3):
        SlotFactory(team=team, level=level)

    assert team.slots.shift(-1) == 2
    assert sorted(team.slots.values_list("level", flat=True)) == [1, 2]
