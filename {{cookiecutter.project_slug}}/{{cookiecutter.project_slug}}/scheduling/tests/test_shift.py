"""Slot.objects.filter(...).shift(by) moves a whole range of levels in one UPDATE."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Deferrable

from ...testing.constraints import (
    check_deferred_constraints,
    constraint_in_catalog,
    constraint_replaced,
)
from ..models import LEVEL_UNIQUE_PER_DAY_PART, LEVEL_UNIQUE_WITHOUT_DAY_PART, Slot
from .factories import DayPartFactory, SlotFactory, TeamFactory

pytestmark = pytest.mark.django_db


# Levels 1..5 moved up, and 2..6 moved down, each with and without a day part (so
# under each of the two constraints). Rows are created in the order given, which is
# the order PostgreSQL meets them in this small table: moving them one row at a time
# always lands on a level that another row still holds.
CASES = [
    pytest.param(LEVEL_UNIQUE_PER_DAY_PART, [1, 2, 3, 4, 5], 1, id="day-part-up"),
    pytest.param(LEVEL_UNIQUE_PER_DAY_PART, [6, 5, 4, 3, 2], -1, id="day-part-down"),
    pytest.param(LEVEL_UNIQUE_WITHOUT_DAY_PART, [1, 2, 3, 4, 5], 1, id="whole-day-up"),
    pytest.param(LEVEL_UNIQUE_WITHOUT_DAY_PART, [6, 5, 4, 3, 2], -1, id="whole-day-down"),
]


def make_rota(constraint, levels):
    """A team's slots at `levels`, in a day part or not; returns them as a queryset."""
    team = TeamFactory()
    day_part = DayPartFactory() if constraint == LEVEL_UNIQUE_PER_DAY_PART else None
    for level in levels:
        SlotFactory(team=team, day_part=day_part, level=level)
    return Slot.objects.filter(team=team, day_part=day_part)


def levels_of(slots):
    return sorted(slots.values_list("level", flat=True))


@pytest.mark.parametrize(("constraint", "levels", "by"), CASES)
def test_shift_is_one_statement(django_assert_num_queries, constraint, levels, by):
    slots = make_rota(constraint, levels)
    # Slots that must not move: the same levels for another team, and the same team
    # at level 1 in another day part.
    bystanders = make_rota(constraint, levels)
    other_day_part = SlotFactory(team=slots.first().team, day_part=DayPartFactory(), level=1)

    with django_assert_num_queries(1):
        moved = slots.shift(by)

    check_deferred_constraints()
    assert moved == len(levels)
    assert levels_of(slots) == sorted(level + by for level in levels)
    assert levels_of(bystanders) == sorted(levels)
    other_day_part.refresh_from_db()
    assert other_day_part.level == 1


@pytest.mark.parametrize(("constraint", "levels", "by"), CASES)
def test_same_shift_fails_against_a_non_deferrable_copy(constraint, levels, by):
    """The control: Django's default constraint (NOT DEFERRABLE) is checked row by row."""
    slots = make_rota(constraint, levels)

    with constraint_replaced(Slot, constraint, deferrable=None):
        in_catalog = constraint_in_catalog(Slot, constraint)
        assert (in_catalog.deferrable, in_catalog.deferred) == (False, False)

        with pytest.raises(IntegrityError) as error, transaction.atomic():
            slots.shift(by)

        assert error.value.__cause__.diag.constraint_name == constraint
        assert levels_of(slots) == sorted(levels)  # the failed UPDATE left nothing behind


@pytest.mark.parametrize(("constraint", "levels", "by"), CASES)
def test_deferrable_initially_immediate_is_enough_for_one_update(constraint, levels, by):
    """DEFERRABLE INITIALLY IMMEDIATE checks at the end of the statement, not per row."""
    slots = make_rota(constraint, levels)

    with constraint_replaced(Slot, constraint, deferrable=Deferrable.IMMEDIATE):
        assert constraint_in_catalog(Slot, constraint).deferred is False

        assert slots.shift(by) == len(levels)
        assert levels_of(slots) == sorted(level + by for level in levels)

        # It is still checked right after each statement, unlike the real, deferred one.
        lowest, highest = slots.order_by("level")[0], slots.order_by("-level")[0]
        with pytest.raises(IntegrityError) as error, transaction.atomic():
            slots.filter(pk=highest.pk).update(level=lowest.level)
        assert error.value.__cause__.diag.constraint_name == constraint


def test_shift_onto_a_level_still_in_use_is_caught_when_checked():
    # Whole-day slots at 1, 2, 3; moving 2 and 3 down leaves two slots at level 1.
    slots = make_rota(LEVEL_UNIQUE_WITHOUT_DAY_PART, [1, 2, 3])

    with pytest.raises(IntegrityError) as error, transaction.atomic():
        assert slots.filter(level__gte=2).shift(-1) == 2  # accepted: checked at COMMIT
        check_deferred_constraints()

    assert error.value.__cause__.diag.constraint_name == LEVEL_UNIQUE_WITHOUT_DAY_PART
    assert levels_of(slots) == [1, 2, 3]


def test_shift_of_an_empty_selection_moves_nothing(django_assert_num_queries):
    slot = SlotFactory(level=1)

    with django_assert_num_queries(1):
        assert Slot.objects.filter(level=99).shift(1) == 0

    slot.refresh_from_db()
    assert slot.level == 1


@pytest.mark.parametrize(
    ("by", "error", "message"),
    [
        (0, ValueError, "by must not be 0"),
        (1.0, TypeError, "got 1.0"),
        ("1", TypeError, "got '1'"),
        (True, TypeError, "got True"),
        (None, TypeError, "got None"),
    ],
)
def test_shift_refuses_a_bad_by_before_touching_the_database(
    django_assert_num_queries, by, error, message
):
    slot = SlotFactory(level=1)

    with django_assert_num_queries(0), pytest.raises(error, match=message):
        Slot.objects.filter(pk=slot.pk).shift(by)
