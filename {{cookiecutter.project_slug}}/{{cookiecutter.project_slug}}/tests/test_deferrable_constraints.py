"""Every constraint the project declares deferrable is deferrable in PostgreSQL.

Django does not always emit what Meta.constraints says, and does not warn when it
does not. Django 5.2, for one, creates a table without the DEFERRABLE clause of a
UniqueConstraint that also sets nulls_distinct. So these tests read pg_constraint,
the catalog PostgreSQL enforces constraints from, for every model of the project's
apps: a deferrable constraint added later, with whatever option, is checked too.
"""

import pytest
from django.apps import apps
from django.contrib.postgres.constraints import ExclusionConstraint
from django.db import connection, models, transaction
from django.db.models import Deferrable, Q, UniqueConstraint
from django.test.utils import isolate_apps

from ..scheduling.models import LEVEL_UNIQUE_PER_DAY_PART, LEVEL_UNIQUE_WITHOUT_DAY_PART, Slot
from ..testing.constraints import constraint_in_catalog, constraint_replaced

pytestmark = pytest.mark.django_db

PROJECT_PACKAGE = __name__.partition(".")[0]

# pg_constraint.contype for each kind of constraint that can be deferred.
KINDS = ((ExclusionConstraint, "x"), (UniqueConstraint, "u"))


def declared_deferrable():
    """(model, constraint) for each constraint with `deferrable` set, in the project's apps."""
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith(f"{PROJECT_PACKAGE}."):
            continue
        for model in app_config.get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            for constraint in model._meta.constraints:
                if getattr(constraint, "deferrable", None) is not None:
                    yield model, constraint


def is_index(model, name):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_indexes WHERE tablename = %s AND indexname = %s",
            [model._meta.db_table, name],
        )
        return cursor.fetchone() is not None


def problems(model, constraint):
    """What the database holds that differs from a constraint declared deferrable."""
    where = f"{model._meta.label} {constraint.name}"
    found = constraint_in_catalog(model, constraint.name)
    if found is None:
        if is_index(model, constraint.name):
            return [f"{where}: only an index in the database, and indexes cannot be deferred"]
        return [f"{where}: not in the database (is a migration missing?)"]
    wrong = []
    kind = next((kind for cls, kind in KINDS if isinstance(constraint, cls)), found.kind)
    if found.kind != kind:
        wrong.append(f"{where}: contype {found.kind!r}, expected {kind!r}")
    if not found.deferrable:
        wrong.append(f"{where}: NOT DEFERRABLE in the database")
    elif found.deferred != (constraint.deferrable == Deferrable.DEFERRED):
        initially = "DEFERRED" if found.deferred else "IMMEDIATE"
        wrong.append(f"{where}: INITIALLY {initially} in the database, not as declared")
    if getattr(constraint, "condition", None) is not None and " WHERE " not in found.definition:
        wrong.append(f"{where}: lost its condition")
    return [f"{message}: {found.definition}" for message in wrong]


def test_the_slot_constraints_are_among_those_checked():
    names = {constraint.name for _, constraint in declared_deferrable()}

    assert {LEVEL_UNIQUE_PER_DAY_PART, LEVEL_UNIQUE_WITHOUT_DAY_PART} <= names


def test_every_declared_deferrable_constraint_is_deferrable_in_the_database():
    found = [problem for pair in declared_deferrable() for problem in problems(*pair)]

    assert found == []


def test_slot_constraints_as_postgresql_writes_them():
    unique = constraint_in_catalog(Slot, LEVEL_UNIQUE_PER_DAY_PART)
    exclude = constraint_in_catalog(Slot, LEVEL_UNIQUE_WITHOUT_DAY_PART)

    assert unique.kind == "u"
    assert unique.definition == (
        "UNIQUE (team_id, day_part_id, level) DEFERRABLE INITIALLY DEFERRED"
    )
    assert exclude.kind == "x"
    assert exclude.definition.startswith("EXCLUDE USING gist (team_id WITH =, level WITH =)")
    assert "WHERE ((day_part_id IS NULL))" in exclude.definition
    assert exclude.definition.endswith("DEFERRABLE INITIALLY DEFERRED")


# --- controls: the check above fails when the database is not what was declared -----------


def declared(name):
    return next(c for c in Slot._meta.constraints if c.name == name)


@pytest.mark.parametrize("name", [LEVEL_UNIQUE_PER_DAY_PART, LEVEL_UNIQUE_WITHOUT_DAY_PART])
@pytest.mark.parametrize(
    ("deferrable", "expected"),
    [(None, "NOT DEFERRABLE"), (Deferrable.IMMEDIATE, "INITIALLY IMMEDIATE")],
    ids=["not-deferrable", "initially-immediate"],
)
def test_catches_a_constraint_that_is_not_deferred(name, deferrable, expected):
    with constraint_replaced(Slot, name, deferrable=deferrable):
        found = problems(Slot, declared(name))

    assert len(found) == 1
    assert f"{name}: {expected} in the database" in found[0]


def test_catches_an_index_in_place_of_the_constraint():
    # What a "fix" with UniqueConstraint(condition=...) creates: a partial unique index.
    original = declared(LEVEL_UNIQUE_PER_DAY_PART)
    as_index = UniqueConstraint(
        fields=original.fields, condition=Q(level__gte=0), name=LEVEL_UNIQUE_PER_DAY_PART
    )

    with transaction.atomic():
        with connection.schema_editor() as editor:
            editor.remove_constraint(Slot, original)
            editor.add_constraint(Slot, as_index)
        found = problems(Slot, original)
        transaction.set_rollback(True)

    assert found == [
        f"scheduling.Slot {LEVEL_UNIQUE_PER_DAY_PART}: only an index in the database, "
        "and indexes cannot be deferred"
    ]


def test_catches_django_leaving_out_deferrable_when_it_creates_a_table():
    """Django 5.2 drops DEFERRABLE from a UniqueConstraint with nulls_distinct set.

    If this fails after a Django upgrade, Django has fixed that: delete this test and
    the sentence about it in docs/constraints.md.
    """
    with isolate_apps(f"{PROJECT_PACKAGE}.scheduling"):

        class Probe(models.Model):  # noqa: DJ008
            team = models.IntegerField()
            day_part = models.IntegerField(null=True)

            class Meta:
                app_label = "scheduling"
                constraints = (
                    UniqueConstraint(
                        fields=["team", "day_part"],
                        name="scheduling_probe_unique",
                        nulls_distinct=False,
                        deferrable=Deferrable.DEFERRED,
                    ),
                )

    with transaction.atomic():
        with connection.schema_editor() as editor:
            editor.create_model(Probe)
        found = problems(Probe, Probe._meta.constraints[0])
        transaction.set_rollback(True)

    assert len(found) == 1
    assert "scheduling_probe_unique: NOT DEFERRABLE in the database" in found[0]
