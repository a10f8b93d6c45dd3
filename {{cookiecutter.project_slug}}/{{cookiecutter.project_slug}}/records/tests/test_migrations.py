{%- set default = cookiecutter.numbering == "sequence" and cookiecutter.ticket_scope == "global" -%}
"""The records migrations reverse cleanly {%- if default %}; the sequence adopts existing tickets{% endif %}."""

import pytest
from django.core.management import call_command
{%- if default %}
from django.db import connection
{%- endif %}

{% if default -%}
from ...testing.sequences import fetch_one, sequence_catalog, sequence_position, widened
from ..models import TICKET_MAX, TICKET_SEQUENCE, Record
{%- else -%}
from ...testing.sequences import fetch_one
{%- endif %}

# transaction=True: migrations run as they do for real, each in its own transaction.
pytestmark = pytest.mark.django_db(transaction=True)

TABLE_ONLY = "0001_initial"
NUMBERING = "{{ "0002_ticketcounter" if cookiecutter.numbering == "gapless" else "0002_ticket_year_sequences" if cookiecutter.ticket_scope == "yearly" else "0002_ticket_number_sequence" }}"
TRIGGER = "records_ticket_immutable"


def migrate_records(target=None):
    call_command("migrate", "records", *([target] if target else []), verbosity=0)
{%- if default %}


def number_default():
    (default,) = fetch_one(
        "SELECT column_default FROM information_schema.columns "
        "WHERE table_name = 'records_ticket' AND column_name = 'number'"
    )
    return default


def insert_tickets(count):
    """Tickets 1..count for new records, written with SQL as an older version of the app might."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH new AS ("
            "  INSERT INTO records_record (id, title, created_at, updated_at)"
            "  SELECT gen_random_uuid(), 'legacy ' || n, now(), now()"
            "  FROM generate_series(1, %(count)s) AS n RETURNING id"
            ") INSERT INTO records_ticket (number, record_id)"
            "  SELECT row_number() OVER (), id FROM new",
            {"count": count},
        )


def test_the_sequence_continues_after_existing_tickets_and_unapplying_removes_it():
    migrate_records(TABLE_ONLY)
    try:
        assert sequence_catalog(TICKET_SEQUENCE) is None
        existing = min(3, TICKET_MAX)
        insert_tickets(existing)

        migrate_records()

        assert sequence_position(TICKET_SEQUENCE) == (existing, True)  # next is existing + 1
        with widened(TICKET_SEQUENCE):  # room for one more even when ticket_max is tiny
            record = Record.objects.create(title="First one after the migration")
        assert record.ticket.number == existing + 1

        migrate_records(TABLE_ONLY)

        assert sequence_catalog(TICKET_SEQUENCE) is None
        assert number_default() is None
        assert Record.objects.count() == existing + 1, "unapplying must keep the tickets"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE records_ticket, records_record")
        migrate_records()

    assert sequence_catalog(TICKET_SEQUENCE)["max_value"] == TICKET_MAX
    assert number_default() == f"nextval('{TICKET_SEQUENCE}'::regclass)"
{%- endif %}


def immutable_trigger():
    """(trigger count, function count) for the trigger that keeps ticket numbers fixed."""
    return fetch_one(
        "SELECT (SELECT count(*) FROM pg_trigger WHERE tgname = %(name)s), "
        "(SELECT count(*) FROM pg_proc WHERE proname = %(name)s)",
        {"name": TRIGGER},
    )


def test_unapplying_the_immutable_numbers_migration_removes_its_trigger_and_function():
    assert immutable_trigger() == (1, 1)
    try:
        migrate_records(NUMBERING)

        assert immutable_trigger() == (0, 0)
    finally:
        migrate_records()

    assert immutable_trigger() == (1, 1)
