"""PostgreSQL refuses to change a ticket's {{ "year or " if cookiecutter.ticket_scope == "yearly" }}number or move a ticket to another record."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from ...testing.sequences import fetch_one
from ..models import Record, Ticket
from .factories import BulkLoadedRecordFactory, RecordFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wide_ticket_range")]

TRIGGER = "records_ticket_immutable"


def refused(update):
    """Run update() (a QuerySet.update) that must be refused; return psycopg's error."""
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        update()
    return raised.value.__cause__


def stored_tickets():
    return dict(Ticket.objects.values_list("record_id", "number"))


def test_the_trigger_guards_the_number_and_the_record_columns():
    columns = fetch_one(
        "SELECT array_agg(a.attname::text ORDER BY a.attname) "
        "FROM pg_trigger t JOIN pg_attribute a "
        "  ON a.attrelid = t.tgrelid AND a.attnum = ANY (t.tgattr) "
        "WHERE t.tgname = %s AND t.tgrelid = 'records_ticket'::regclass AND t.tgenabled = 'O'",
        [TRIGGER],
    )

    assert columns == ({{ '["number", "record_id", "year"]' if cookiecutter.ticket_scope == "yearly" else '["number", "record_id"]' }},)


def test_changing_a_number_is_refused_with_a_clear_error():
    ticket = RecordFactory().ticket
    before = stored_tickets()

    error = refused(lambda: Ticket.objects.filter(pk=ticket.pk).update(number=ticket.number + 1))

    assert str(error).splitlines()[0] == (
        f"records_ticket.number cannot be changed (from {ticket.number} to {ticket.number + 1})"
    )
    assert error.diag.constraint_name == TRIGGER
    assert stored_tickets() == before
{%- if cookiecutter.ticket_scope == "yearly" %}


def test_changing_a_year_is_refused():
    ticket = RecordFactory().ticket
    before = stored_tickets()

    error = refused(lambda: Ticket.objects.filter(pk=ticket.pk).update(year=ticket.year + 1))

    assert error.diag.column_name == "year"
    assert stored_tickets() == before
{%- endif %}


def test_moving_a_ticket_to_another_record_is_refused():
    ticket = RecordFactory().ticket
    other = BulkLoadedRecordFactory()
    before = stored_tickets()

    error = refused(lambda: Ticket.objects.filter(pk=ticket.pk).update(record=other))

    assert error.diag.column_name == "record_id"
    assert stored_tickets() == before


def test_writing_the_same_values_again_passes():
    ticket = RecordFactory().ticket
    before = stored_tickets()

    assert Ticket.objects.filter(pk=ticket.pk).update(number=F("number")) == 1
    ticket.save()  # an UPDATE of both columns, with the values they have

    assert stored_tickets() == before


def test_deleting_records_deletes_their_tickets():
    first, second = RecordFactory.create_batch(2)

    first.delete()
    Record.objects.filter(pk=second.pk).delete()

    assert Ticket.objects.count() == 0
