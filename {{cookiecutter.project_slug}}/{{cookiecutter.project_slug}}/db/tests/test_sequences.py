"""CreateSequence and NextVal, tried on a throwaway table of invoices."""

import pytest
from django.db import DataError, NotSupportedError, connection, models, transaction
from django.db.migrations.operations import CreateModel
from django.db.migrations.state import ProjectState
from django.db.migrations.writer import OperationWriter
from django.db.models.fields import NOT_PROVIDED

from ...testing.sequences import fetch_one, sequence_catalog
from ..sequences import BIGINT_MAX, CreateSequence, NextVal
from .operations import backwards, forwards

pytestmark = pytest.mark.django_db

APP = "sequence_demo"
TABLE = "sequence_demo_invoice"
SEQUENCE = "sequence_demo_invoice_number_seq"

INVOICE = CreateModel(
    "Invoice",
    [
        ("number", models.BigIntegerField(primary_key=True)),
        ("code", models.CharField(max_length=5, db_default="")),
        ("copies", models.IntegerField(db_default=1)),
    ],
)


def numbering(**changes):
    arguments = {"name": SEQUENCE, "model_name": "invoice", "field_name": "number", "maxvalue": 5}
    return CreateSequence(**{**arguments, **changes})


def insert_invoice(number=None):
    """Insert an invoice, numbered by hand or by the column's default; return its number."""
    columns, values = ("number", "%s") if number is not None else ("code", "''")
    (inserted,) = fetch_one(
        f"INSERT INTO {TABLE} ({columns}) VALUES ({values}) RETURNING number",
        [number] if number is not None else [],
    )
    return inserted


def number_default():
    (default,) = fetch_one(
        "SELECT column_default FROM information_schema.columns "
        "WHERE table_name = %s AND column_name = 'number'",
        [TABLE],
    )
    return default


@pytest.fixture
def invoices():
    """An empty invoice table without a sequence; the migration state that has it."""
    return forwards(APP, INVOICE, ProjectState())


def test_an_empty_table_is_numbered_from_one(invoices):
    forwards(APP, numbering(), invoices)

    assert [insert_invoice(), insert_invoice()] == [1, 2]
    catalog = sequence_catalog(SEQUENCE)
    assert (catalog["data_type"], catalog["start_value"], catalog["max_value"]) == ("bigint", 1, 5)
    assert catalog["cycle"] is False
    assert number_default() == f"nextval('{SEQUENCE}'::regclass)"
    assert fetch_one(f"SELECT pg_get_serial_sequence('{TABLE}', 'number')") == (
        f"public.{SEQUENCE}",
    )


def test_numbering_continues_after_the_highest_existing_number(invoices):
    insert_invoice(3)
    insert_invoice(7)

    forwards(APP, numbering(maxvalue=100), invoices)

    assert insert_invoice() == 8


def test_numbers_stop_at_maxvalue(invoices):
    insert_invoice(4)
    forwards(APP, numbering(maxvalue=5), invoices)

    assert insert_invoice() == 5
    with pytest.raises(DataError, match="reached maximum value"), transaction.atomic():
        insert_invoice()


def test_a_range_of_one_number_works(invoices):
    forwards(APP, numbering(maxvalue=1), invoices)

    assert insert_invoice() == 1
    with pytest.raises(DataError, match="reached maximum value"), transaction.atomic():
        insert_invoice()


def test_existing_numbers_above_maxvalue_are_refused_naming_the_value(invoices):
    insert_invoice(9)

    with pytest.raises(DataError, match="value 9 is out of bounds"):
        forwards(APP, numbering(maxvalue=5), invoices)

    assert sequence_catalog(SEQUENCE) is None


def test_backwards_drops_the_default_and_the_sequence_and_keeps_the_rows(invoices):
    operation = numbering()
    after = forwards(APP, operation, invoices)
    insert_invoice()

    backwards(APP, operation, invoices, after)

    assert sequence_catalog(SEQUENCE) is None
    assert number_default() is None
    assert fetch_one(f"SELECT count(*) FROM {TABLE}") == (1,)


def test_the_migration_state_gains_the_db_default(invoices):
    after = invoices.clone()

    numbering().state_forwards(APP, after)

    assert after.models[APP, "invoice"].fields["number"].db_default == NextVal(SEQUENCE)
    assert invoices.models[APP, "invoice"].fields["number"].db_default is NOT_PROVIDED


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"name": "Invoice_Seq"}, "must be a lowercase identifier"),
        ({"name": "1st_seq"}, "must be a lowercase identifier"),
        ({"name": "x" * 64}, "of at most 63 characters"),
        ({"name": ""}, "must be a lowercase identifier"),
        ({"model_name": ""}, "model_name must be a non-empty string"),
        ({"field_name": None}, "field_name must be a non-empty string"),
        ({"maxvalue": 0}, f"maxvalue must be from 1 to {BIGINT_MAX}, got 0"),
        ({"maxvalue": BIGINT_MAX + 1}, f"maxvalue must be from 1 to {BIGINT_MAX}"),
        ({"maxvalue": "5"}, "maxvalue must be an int, got '5'"),
        ({"maxvalue": 5.0}, "maxvalue must be an int, got 5.0"),
        ({"maxvalue": True}, "maxvalue must be an int, got True"),
    ],
)
def test_bad_arguments_are_refused_naming_them(changes, problem):
    with pytest.raises(ValueError, match=problem.replace("(", r"\(")):
        numbering(**changes)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"field_name": "code"}, "invoice.code must be an integer field"),
        ({"field_name": "missing"}, "invoice.missing must be an integer field"),
        ({"model_name": "receipt"}, "there is no model sequence_demo.receipt"),
    ],
)
def test_the_field_must_be_an_integer_field_of_an_existing_model(invoices, changes, problem):
    with pytest.raises(ValueError, match=problem):
        numbering(**changes).state_forwards(APP, invoices.clone())


def test_maxvalue_must_fit_the_column(invoices):
    too_big = numbering(field_name="copies", maxvalue=2**31)

    with pytest.raises(
        ValueError, match="does not fit the column, whose highest value is 2147483647"
    ):
        forwards(APP, too_big, invoices)


def test_describe_deconstruct_and_migration_name():
    operation = numbering()

    assert operation.describe() == f"Create sequence {SEQUENCE} numbering invoice.number up to 5"
    assert operation.migration_name_fragment == "invoice_number_sequence"
    name, args, kwargs = operation.deconstruct()
    assert (name, args) == ("CreateSequence", [])
    assert CreateSequence(**kwargs).deconstruct() == operation.deconstruct()
    # makemigrations and squashmigrations write it with its import path.
    text, imports = OperationWriter(operation).serialize()
    assert text.strip().startswith(f"{CreateSequence.__module__}.CreateSequence(")
    assert "maxvalue=5," in text
    assert imports == {f"import {CreateSequence.__module__}"}


def test_nextval_deconstructs_to_its_import_path_and_compares_by_name():
    path, args, kwargs = NextVal(SEQUENCE).deconstruct()

    assert (path, args, kwargs) == (f"{NextVal.__module__}.NextVal", (SEQUENCE,), {})
    assert NextVal("a_seq") == NextVal("a_seq")
    assert NextVal("a_seq") != NextVal("b_seq")
    with pytest.raises(ValueError, match="must be a lowercase identifier"):
        NextVal("Invoice Seq")


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_run_outside_a_transaction():
    before = ProjectState()
    after = before.clone()
    INVOICE.state_forwards(APP, after)
    try:
        with connection.schema_editor(atomic=False) as editor:
            INVOICE.database_forwards(APP, editor, before, after)
            with pytest.raises(NotSupportedError, match="must run inside a transaction"):
                forwards_in(editor, numbering(), after)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {TABLE}")
    assert sequence_catalog(SEQUENCE) is None


def forwards_in(editor, operation, state):
    after = state.clone()
    operation.state_forwards(APP, after)
    operation.database_forwards(APP, editor, state, after)
