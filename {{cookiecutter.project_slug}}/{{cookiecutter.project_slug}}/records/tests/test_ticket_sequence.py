"""The ticket sequence as PostgreSQL itself describes it."""

import pytest

from ...testing.sequences import fetch_one, sequence_catalog
from ..models import TICKET_MAX, TICKET_SEQUENCE

pytestmark = pytest.mark.django_db


def test_sequence_counts_from_one_to_ticket_max_without_cycling():
    catalog = sequence_catalog(TICKET_SEQUENCE)

    assert catalog["data_type"] == "bigint"
    assert (catalog["start_value"], catalog["increment_by"]) == (1, 1)
    # 0 only so that MINVALUE is below MAXVALUE even when ticket_max is 1.
    assert catalog["min_value"] == 0
    # TICKET_MAX, the copy the app words its error with, matches the database.
    assert catalog["max_value"] == TICKET_MAX
    assert catalog["cycle"] is False


def test_sequence_is_owned_by_the_number_column():
    # pg_get_serial_sequence finds a sequence through its OWNED BY link.
    (owned,) = fetch_one("SELECT pg_get_serial_sequence('records_ticket', 'number')")

    assert owned == f"public.{TICKET_SEQUENCE}"


def test_sequence_is_the_number_columns_default():
    (column_default,) = fetch_one(
        "SELECT column_default FROM information_schema.columns "
        "WHERE table_name = 'records_ticket' AND column_name = 'number'"
    )
    (stored,) = fetch_one(
        "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d "
        "JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
        "WHERE d.adrelid = 'records_ticket'::regclass AND a.attname = 'number'"
    )

    assert column_default == stored == f"nextval('{TICKET_SEQUENCE}'::regclass)"


def test_only_the_number_column_uses_the_sequence():
    (users,) = fetch_one(
        "SELECT count(*) FROM information_schema.columns WHERE column_default LIKE %s",
        [f"%{TICKET_SEQUENCE}%"],
    )

    assert users == 1
