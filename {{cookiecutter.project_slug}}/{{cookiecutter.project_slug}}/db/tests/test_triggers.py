"""ForbidChange, tried on a throwaway table of invoices."""

import pytest
from django.db import IntegrityError, connection, models, transaction
from django.db.migrations.operations import CreateModel
from django.db.migrations.state import ProjectState
from django.db.migrations.writer import OperationWriter

from ...testing.sequences import fetch_one
from ..triggers import CHANGE_FORBIDDEN, ForbidChange
from .operations import backwards, forwards

pytestmark = pytest.mark.django_db

APP = "trigger_demo"
TABLE = "trigger_demo_invoice"
TRIGGER = "trigger_demo_invoice_frozen"

INVOICE = CreateModel(
    "Invoice",
    [
        ("id", models.BigAutoField(primary_key=True)),
        ("number", models.BigIntegerField(unique=True)),
        ("code", models.CharField(max_length=5)),
        ("note", models.TextField(db_default="")),
    ],
)


def frozen(**changes):
    arguments = {"name": TRIGGER, "model_name": "invoice", "field_names": ["number", "code"]}
    return ForbidChange(**{**arguments, **changes})


def execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def stored():
    return fetch_one(f"SELECT number, code, note FROM {TABLE}")


def trigger_catalog():
    """The trigger as PostgreSQL describes it, or None when there is none."""
    row = fetch_one(
        "SELECT pg_get_triggerdef(t.oid), t.tgenabled, p.proname "
        "FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE t.tgname = %s AND t.tgrelid = %s::regclass",
        [TRIGGER, TABLE],
    )
    return row


def function_exists():
    return fetch_one("SELECT count(*) FROM pg_proc WHERE proname = %s", [TRIGGER]) == (1,)


@pytest.fixture
def invoices():
    """An invoice table holding one row, and the migration state that has it."""
    state = forwards(APP, INVOICE, ProjectState())
    execute(f"INSERT INTO {TABLE} (number, code, note) VALUES (7, 'A', 'first')")
    return state


def refused_update(sql):
    """Run an UPDATE that must be refused; return psycopg's error."""
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        execute(sql)
    return raised.value.__cause__


def test_the_trigger_runs_before_updates_of_the_protected_columns(invoices):
    forwards(APP, frozen(), invoices)

    definition, enabled, function = trigger_catalog()
    assert definition == (
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OF number, code ON public.{TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}('number', 'code')"
    )
    assert enabled == "O"  # fires in ordinary sessions
    assert function == TRIGGER


@pytest.mark.parametrize(
    ("assignment", "column", "old", "new"),
    [("number = 8", "number", "7", "8"), ("code = 'B', note = 'x'", "code", "A", "B")],
)
def test_changing_a_protected_column_is_refused_and_writes_nothing(
    invoices, assignment, column, old, new
):
    forwards(APP, frozen(), invoices)

    error = refused_update(f"UPDATE {TABLE} SET {assignment}")

    assert str(error).splitlines()[0] == f"{TABLE}.{column} cannot be changed (from {old} to {new})"
    assert error.sqlstate == CHANGE_FORBIDDEN
    assert (error.diag.table_name, error.diag.column_name) == (TABLE, column)
    assert error.diag.constraint_name == TRIGGER
    assert stored() == (7, "A", "first")


def test_the_same_values_other_columns_and_deletes_pass(invoices):
    forwards(APP, frozen(), invoices)

    assert execute(f"UPDATE {TABLE} SET number = 7, code = 'A'") == 1
    assert execute(f"UPDATE {TABLE} SET note = 'second'") == 1
    assert stored() == (7, "A", "second")
    assert execute(f"DELETE FROM {TABLE}") == 1


def test_backwards_drops_the_trigger_and_the_function(invoices):
    operation = frozen()
    after = forwards(APP, operation, invoices)

    backwards(APP, operation, invoices, after)

    assert trigger_catalog() is None
    assert not function_exists()
    assert execute(f"UPDATE {TABLE} SET number = 8") == 1


def test_the_migration_state_is_untouched(invoices):
    after = invoices.clone()

    frozen().state_forwards(APP, after)

    assert after == invoices


def test_a_relation_is_protected_by_its_column():
    state = forwards(APP, INVOICE, ProjectState())
    line = CreateModel(
        "Line",
        [
            ("id", models.BigAutoField(primary_key=True)),
            ("invoice", models.ForeignKey(f"{APP}.invoice", models.CASCADE)),
        ],
    )
    state = forwards(APP, line, state)
    execute(f"INSERT INTO {TABLE} (number, code) VALUES (1, 'A'), (2, 'B')")
    execute(f"INSERT INTO {APP}_line (invoice_id) SELECT min(id) FROM {TABLE}")

    forwards(
        APP, ForbidChange(name="line_frozen", model_name="line", field_names=["invoice"]), state
    )

    error = refused_update(f"UPDATE {APP}_line SET invoice_id = invoice_id + 1")
    assert error.diag.column_name == "invoice_id"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"name": "Frozen"}, "A trigger name must be a lowercase identifier"),
        ({"name": "x" * 64}, "of at most 63 characters"),
        ({"model_name": ""}, "model_name must be a non-empty string, got ''"),
        ({"model_name": None}, "model_name must be a non-empty string, got None"),
        ({"field_names": []}, "field_names must be a non-empty list of field names, got []"),
        ({"field_names": "number"}, "field_names must be a non-empty list of field names"),
        ({"field_names": ["number", ""]}, "field_names must be a non-empty list"),
        ({"field_names": ["code", "code"]}, "field_names must not repeat a name"),
    ],
)
def test_bad_arguments_are_refused_naming_them(changes, problem):
    with pytest.raises(ValueError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        frozen(**changes)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"field_names": ["missing"]}, "invoice.missing must be a field stored in a column"),
        ({"model_name": "receipt"}, "there is no model trigger_demo.receipt"),
    ],
)
def test_the_fields_must_be_columns_of_an_existing_model(invoices, changes, problem):
    with pytest.raises(ValueError, match=problem):
        frozen(**changes).state_forwards(APP, invoices.clone())


def test_describe_deconstruct_and_migration_name():
    operation = frozen()

    assert operation.describe() == (
        f"Forbid changes to invoice.number, invoice.code (trigger {TRIGGER})"
    )
    assert operation.migration_name_fragment == "invoice_number_code_immutable"
    name, args, kwargs = operation.deconstruct()
    assert (name, args) == ("ForbidChange", [])
    assert ForbidChange(**kwargs).deconstruct() == operation.deconstruct()
    text, imports = OperationWriter(operation).serialize()
    assert text.strip().startswith(f"{ForbidChange.__module__}.ForbidChange(")
    assert imports == {f"import {ForbidChange.__module__}"}
