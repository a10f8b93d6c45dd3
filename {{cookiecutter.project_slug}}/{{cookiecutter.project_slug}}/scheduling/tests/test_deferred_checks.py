"""The level constraints are checked at COMMIT; tests check them on the spot."""

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Deferrable

from ...testing.constraints import check_deferred_constraints, constraint_replaced
from ..models import LEVEL_UNIQUE_PER_DAY_PART, LEVEL_UNIQUE_WITHOUT_DAY_PART, Slot
from .factories import DayPartFactory, SlotFactory, TeamFactory

BOTH_RULES = pytest.mark.parametrize(
    ("constraint", "with_day_part"),
    [
        pytest.param(LEVEL_UNIQUE_PER_DAY_PART, True, id="with-day-part"),
        pytest.param(LEVEL_UNIQUE_WITHOUT_DAY_PART, False, id="without-day-part"),
    ],
)


def two_slots(with_day_part):
    """A team with slots at levels 1 and 2, in one day part or without one."""
    team = TeamFactory()
    day_part = DayPartFactory() if with_day_part else None
    return (
        SlotFactory(team=team, day_part=day_part, level=1),
        SlotFactory(team=team, day_part=day_part, level=2),
    )


def swap_levels(first, second):
    """Two UPDATEs; between them both slots share a level."""
    first.level, second.level = second.level, first.level
    first.save(update_fields=["level"])
    second.save(update_fields=["level"])


# --- real transactions: these tests COMMIT, so PostgreSQL checks for itself ---------------


@BOTH_RULES
@pytest.mark.django_db(transaction=True)
def test_duplicate_is_rejected_at_commit_and_nothing_is_written(constraint, with_day_part):
    first, _ = two_slots(with_day_part)
    before = set(Slot.objects.values_list("pk", "level"))
    inserted = False

    with pytest.raises(IntegrityError) as error, transaction.atomic():
        SlotFactory(team=first.team, day_part=first.day_part, level=3)  # a valid row
        SlotFactory(team=first.team, day_part=first.day_part, level=1)  # the duplicate
        inserted = True  # both INSERTs were accepted; the check waits for COMMIT

    assert inserted
    assert error.value.__cause__.diag.constraint_name == constraint
    assert set(Slot.objects.values_list("pk", "level")) == before


@BOTH_RULES
@pytest.mark.django_db(transaction=True)
def test_swapping_two_levels_commits(constraint, with_day_part):
    first, second = two_slots(with_day_part)

    with transaction.atomic():
        swap_levels(first, second)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.level, second.level) == (2, 1)


# --- inside a test transaction: check_deferred_constraints() checks on the spot -----------


@BOTH_RULES
@pytest.mark.django_db
def test_swap_passes_the_check_on_the_spot(constraint, with_day_part):
    first, second = two_slots(with_day_part)

    swap_levels(first, second)
    check_deferred_constraints()

    assert set(Slot.objects.values_list("pk", "level")) == {(first.pk, 2), (second.pk, 1)}


@BOTH_RULES
@pytest.mark.parametrize(
    "deferrable", [None, Deferrable.IMMEDIATE], ids=["not-deferrable", "initially-immediate"]
)
@pytest.mark.django_db
def test_swap_fails_unless_the_check_waits_for_commit(constraint, with_day_part, deferrable):
    """The control: checked after each statement, the swap fails at its first UPDATE."""
    first, second = two_slots(with_day_part)

    with (
        constraint_replaced(Slot, constraint, deferrable=deferrable),
        pytest.raises(IntegrityError) as error,
        transaction.atomic(),
    ):
        swap_levels(first, second)

    assert error.value.__cause__.diag.constraint_name == constraint


@BOTH_RULES
@pytest.mark.django_db
def test_duplicate_is_reported_where_it_happens(constraint, with_day_part):
    first, _ = two_slots(with_day_part)

    with pytest.raises(IntegrityError) as error, transaction.atomic():
        SlotFactory(team=first.team, day_part=first.day_part, level=1)  # accepted for now
        check_deferred_constraints()

    assert error.value.__cause__.diag.constraint_name == constraint


@pytest.mark.django_db
def test_check_keeps_deferred_constraints_deferred():
    first, _ = two_slots(with_day_part=False)
    check_deferred_constraints()

    with transaction.atomic():
        SlotFactory(team=first.team, level=1)  # still accepted: the check is at COMMIT
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_check_keeps_initially_immediate_constraints_immediate():
    """Django's connection.check_constraints() would defer them; the helper must not."""
    first, _ = two_slots(with_day_part=False)

    with constraint_replaced(Slot, LEVEL_UNIQUE_WITHOUT_DAY_PART, deferrable=Deferrable.IMMEDIATE):
        check_deferred_constraints()
        with pytest.raises(IntegrityError), transaction.atomic():
            SlotFactory(team=first.team, level=1)  # fails at once, no check needed

        # The control: after Django's own check the same INSERT is accepted.
        connection.check_constraints()
        with transaction.atomic():
            SlotFactory(team=first.team, level=1)
            transaction.set_rollback(True)


# --- the cost: ON CONFLICT cannot use a deferrable constraint --------------------------------


@pytest.mark.parametrize(
    "on_conflict",
    [
        pytest.param({"ignore_conflicts": True}, id="do-nothing"),
        pytest.param(
            {
                "update_conflicts": True,
                "unique_fields": ["team", "day_part", "level"],
                "update_fields": ["label"],
            },
            id="do-update",
        ),
    ],
)
@pytest.mark.django_db
def test_on_conflict_cannot_use_the_deferrable_constraints(on_conflict):
    first, _ = two_slots(with_day_part=True)
    again = Slot(team=first.team, day_part=first.day_part, level=1, label="again")

    # These bulk_create() options make it INSERT ... ON CONFLICT DO NOTHING / DO UPDATE.
    with pytest.raises(OperationalError) as error, transaction.atomic():
        Slot.objects.bulk_create([again], **on_conflict)

    assert error.value.__cause__.sqlstate == "55000"  # object_not_in_prerequisite_state
