"""A duplicate level is a validation error in forms and the admin, before any INSERT."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.forms import modelform_factory
from django.test.utils import CaptureQueriesContext

from ...testing.constraints import check_deferred_constraints
from ..models import Slot
from .factories import DayPartFactory, SlotFactory, TeamFactory

pytestmark = pytest.mark.django_db

PER_DAY_PART_MESSAGE = "This team already has a slot at this level in this day part."
WITHOUT_DAY_PART_MESSAGE = "This team already has a slot at this level with no day part."

DUPLICATES = pytest.mark.parametrize(
    ("with_day_part", "message"),
    [
        pytest.param(True, PER_DAY_PART_MESSAGE, id="with-day-part"),
        pytest.param(False, WITHOUT_DAY_PART_MESSAGE, id="without-day-part"),
    ],
)

SlotForm = modelform_factory(Slot, fields=("team", "day_part", "level", "label"))


def existing_slot(with_day_part):
    return SlotFactory(day_part=DayPartFactory() if with_day_part else None, level=3)


def form_data(slot, **changes):
    data = {"team": slot.team_id, "day_part": slot.day_part_id or "", "level": slot.level}
    return {"label": "", **data, **changes}


@DUPLICATES
def test_full_clean_reports_a_duplicate(with_day_part, message):
    slot = existing_slot(with_day_part)
    duplicate = Slot(team=slot.team, day_part=slot.day_part, level=slot.level)

    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()

    assert error.value.message_dict == {NON_FIELD_ERRORS: [message]}


@DUPLICATES
def test_model_form_reports_a_duplicate(with_day_part, message):
    slot = existing_slot(with_day_part)
    form = SlotForm(data=form_data(slot))

    assert not form.is_valid()
    assert form.non_field_errors() == [message]
    assert Slot.objects.count() == 1


# Each makes the new slot differ from the existing one (level 3, in a day part).
NOT_DUPLICATES = {
    "other-level": lambda: {"level": 4},
    "other-team": lambda: {"team": TeamFactory().pk},
    "other-day-part": lambda: {"day_part": DayPartFactory().pk},
    "whole-day-beside-a-day-part": lambda: {"day_part": ""},
}


@pytest.mark.parametrize("change", NOT_DUPLICATES)
def test_model_form_accepts_what_is_not_a_duplicate(change):
    slot = existing_slot(with_day_part=True)

    form = SlotForm(data=form_data(slot, **NOT_DUPLICATES[change]()))

    assert form.is_valid(), form.errors
    form.save()
    check_deferred_constraints()
    assert Slot.objects.count() == 2


@pytest.mark.parametrize("with_day_part", [True, False], ids=["with-day-part", "without-day-part"])
def test_model_form_lets_a_slot_keep_its_own_level(with_day_part):
    slot = existing_slot(with_day_part)

    form = SlotForm(data=form_data(slot, label="renamed"), instance=slot)

    assert form.is_valid(), form.errors
    form.save()
    slot.refresh_from_db()
    assert (slot.level, slot.label) == (3, "renamed")


@DUPLICATES
def test_admin_reports_a_duplicate(admin_client, with_day_part, message):
    slot = existing_slot(with_day_part)

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.post("/admin/scheduling/slot/add/", form_data(slot))

    assert response.status_code == 200  # the form again, not a redirect after saving
    assert message in response.content.decode()
    # The form caught it; the database was not asked (no INSERT was even tried).
    assert not [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "scheduling_slot"')]
    assert Slot.objects.count() == 1
