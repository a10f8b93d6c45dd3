"""CreateYearSequences, tried on a throwaway table of invoices numbered per year."""

import pytest
from django.db import connection, models
from django.db.migrations.operations import CreateModel
from django.db.migrations.state import ProjectState
from django.db.migrations.writer import OperationWriter
from django.utils import timezone

from ...testing.sequences import fetch_one, sequence_catalog
from ..sequences import BIGINT_MAX, CreateYearSequences, create_year_sequences
from .operations import backwards, forwards

pytestmark = pytest.mark.django_db

APP = "year_demo"
PREFIX = "year_demo_invoice_number_"

INVOICE = CreateModel(
    "Invoice",
    [
        ("id", models.BigAutoField(primary_key=True)),
        ("year", models.IntegerField()),
        ("number", models.BigIntegerField()),
    ],
)


def yearly(**changes):
    arguments = {"prefix": PREFIX, "model_name": "invoice", "field_name": "number", "maxvalue": 5}
    return CreateYearSequences(**{**arguments, **changes})


def this_year():
    return timezone.localdate(timezone=timezone.get_default_timezone()).year


def years_present():
    (names,) = fetch_one(
        "SELECT coalesce(array_agg(sequencename::text ORDER BY sequencename), '{}') "
        "FROM pg_sequences WHERE sequencename LIKE %s",
        [PREFIX + "%"],
    )
    return [int(name.removeprefix(PREFIX)) for name in names]


def create_years(years):
    """create_year_sequences() as the management command runs it; returns the names created."""
    with connection.cursor() as cursor:
        return create_year_sequences(
            cursor, connection.ops.quote_name, PREFIX, years, 5, '"year_demo_invoice"."number"'
        )


@pytest.fixture
def invoices():
    return forwards(APP, INVOICE, ProjectState())


def test_forwards_creates_this_year_and_the_years_ahead_and_backwards_drops_every_year(invoices):
    operation = yearly(years_ahead=2)
    after = forwards(APP, operation, invoices)
    create_years([this_year() + 5])  # a later year, as the management command makes it

    assert years_present() == [this_year() + offset for offset in (0, 1, 2, 5)]
    catalog = sequence_catalog(f"{PREFIX}{this_year()}")
    assert (catalog["start_value"], catalog["max_value"], catalog["cycle"]) == (1, 5, False)

    backwards(APP, operation, invoices, after)

    assert years_present() == []


def test_creating_a_year_twice_creates_it_once(invoices):
    forwards(APP, yearly(years_ahead=0), invoices)
    assert create_years([this_year()]) == []
    assert years_present() == [this_year()]


def test_the_state_is_untouched_and_the_operation_serializes(invoices):
    operation = yearly()
    after = invoices.clone()
    operation.state_forwards(APP, after)
    written, _ = OperationWriter(operation, indentation=0).serialize()

    assert after.models == invoices.models
    assert "CreateYearSequences(" in written and "maxvalue=5," in written


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"prefix": "Bad Name"}, "must be a lowercase identifier"),
        ({"model_name": ""}, "model_name must be a non-empty string"),
        ({"field_name": None}, "field_name must be a non-empty string"),
        ({"maxvalue": "5"}, "maxvalue must be an int, got '5'"),
        ({"maxvalue": 0}, f"maxvalue must be from 1 to {BIGINT_MAX}, got 0"),
        ({"years_ahead": -1}, "years_ahead must be a whole number, got -1"),
        ({"years_ahead": True}, "years_ahead must be a whole number, got True"),
    ],
)
def test_bad_arguments_are_refused_naming_them(changes, message):
    with pytest.raises(ValueError, match=message):
        yearly(**changes)
