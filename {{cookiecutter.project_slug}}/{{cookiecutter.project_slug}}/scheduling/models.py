"""Teams, the parts of a day, and each team's ordered slots.

A slot's level is its place in the team's order; levels start at 1. Two rules
keep levels unique. Both are DEFERRABLE, so PostgreSQL never checks them row by
row: a check at the end of the statement is what lets a whole range of levels
move in one UPDATE (SlotQuerySet.shift). Both are also INITIALLY DEFERRED,
checked at COMMIT, so that two slots can swap levels in two UPDATEs.
docs/constraints.md explains why and what it costs.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.validators import MinValueValidator
from django.db import IntegrityError, models
from django.db.models import Deferrable, F, Q

# The names of Slot's level rules, as PostgreSQL knows them. Tests look them
# up in pg_constraint by these names.
LEVEL_UNIQUE_PER_DAY_PART = "scheduling_slot_level_unique_per_day_part"
LEVEL_UNIQUE_WITHOUT_DAY_PART = "scheduling_slot_level_unique_without_day_part"
# Levels start at 1; a CHECK constraint refuses anything lower.
FIRST_LEVEL = 1
LEVEL_AT_LEAST_FIRST = f"scheduling_slot_level_at_least_{FIRST_LEVEL}"


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ("name",)

    def __str__(self):
        return self.name


class DayPart(models.Model):
    """A named part of the day, such as "Morning" or "Night"."""

    name = models.CharField(max_length=50, unique=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Where the day part appears in lists; lower comes first."
    )

    class Meta:
        ordering = ("position", "name")

    def __str__(self):
        return self.name


class SlotQuerySet(models.QuerySet):
    def shift(self, by):
        """Move the level of every selected slot by `by`; return how many slots moved.

        One UPDATE statement, whatever the number of rows, in either direction:
        `team.slots.filter(level__gte=3).shift(1)` frees level 3. This only works
        because the level constraints are DEFERRABLE: with Django's default
        (NOT DEFERRABLE) PostgreSQL checks each row as it changes, and moving
        level 3 to 4 collides with the old level 4 before that row has moved.
        A shift that would take any selected slot below level 1 raises ValueError,
        and no slot moves.
        """
        if isinstance(by, bool) or not isinstance(by, int):
            raise TypeError(f"shift(by): by must be a whole number (int), got {by!r}.")
        if by == 0:
            raise ValueError("shift(by): by must not be 0; give how many levels to move.")
        try:
            return self.update(level=F("level") + by)
        except IntegrityError as error:
            # The CHECK on the lowest level is never deferred: PostgreSQL refuses the
            # UPDATE as a whole as soon as one row would go below it.
            if error.__cause__.diag.constraint_name != LEVEL_AT_LEAST_FIRST:
                raise
            raise ValueError(
                f"shift({by}) would move a slot below level {FIRST_LEVEL}, where levels "
                "start; no slot was moved."
            ) from error


class Slot(models.Model):
    # No index of its own: the UNIQUE constraint's index starts with team_id and
    # already serves every lookup by team.
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="slots", db_index=False)
    # PROTECT: deleting a day part must not silently turn its slots into whole-day
    # slots, whose levels could then collide with the existing whole-day slots.
    day_part = models.ForeignKey(
        DayPart,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="slots",
        help_text="Leave empty for a slot that covers the whole day.",
    )
    level = models.IntegerField(
        validators=[MinValueValidator(FIRST_LEVEL)],
        help_text=f"Place in the team's order; {FIRST_LEVEL} comes first.",
    )
    label = models.CharField(max_length=100, blank=True)

    objects = SlotQuerySet.as_manager()

    class Meta:
        constraints = (
            # The form reports a level below 1 through the validator on the field;
            # this is the same rule for everything else that writes slots. A CHECK
            # cannot be deferred: PostgreSQL checks it on each row as it is written.
            models.CheckConstraint(
                condition=Q(level__gte=FIRST_LEVEL),
                name=LEVEL_AT_LEAST_FIRST,
                violation_error_message=f"Levels start at {FIRST_LEVEL}.",
            ),
            # DEFERRABLE INITIALLY DEFERRED: checked once, at COMMIT.
            # https://www.postgresql.org/docs/current/sql-createtable.html#SQL-CREATETABLE-PARMS-DEFERRABLE
            models.UniqueConstraint(
                fields=["team", "day_part", "level"],
                name=LEVEL_UNIQUE_PER_DAY_PART,
                deferrable=Deferrable.DEFERRED,
                violation_error_message=(
                    "This team already has a slot at this level in this day part."
                ),
            ),
            # The UNIQUE above never fires when day_part is NULL (NULLs are distinct),
            # so whole-day slots need their own rule. A partial unique index
            # (UniqueConstraint with condition=) cannot be deferred, an EXCLUDE
            # constraint with a WHERE clause can. Django builds exclusion constraints
            # on GiST (or SP-GiST) only, and GiST compares integers with `=` only
            # through the btree_gist extension, which migration 0001 installs.
            # https://www.postgresql.org/docs/current/sql-createtable.html#SQL-CREATETABLE-EXCLUDE
            ExclusionConstraint(
                name=LEVEL_UNIQUE_WITHOUT_DAY_PART,
                expressions=[("team", RangeOperators.EQUAL), ("level", RangeOperators.EQUAL)],
                condition=Q(day_part__isnull=True),
                deferrable=Deferrable.DEFERRED,
                violation_error_message=(
                    "This team already has a slot at this level with no day part."
                ),
            ),
        )

    def __str__(self):
        where = self.day_part or "whole day"
        return f"{self.team} level {self.level} ({where})"
