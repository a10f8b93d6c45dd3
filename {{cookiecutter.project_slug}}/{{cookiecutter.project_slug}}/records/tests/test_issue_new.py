"""TicketManager.issue_new returns the ticket as the database stored it, cached on the record."""

import pytest

from ..models import Record, Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wide_ticket_range")]


def test_the_returned_ticket_is_the_stored_row_and_is_cached_both_ways(django_assert_num_queries):
    # Inserted in this transaction without a ticket, as Record.save() leaves it.
    (record,) = Record.objects.bulk_create([Record(title="Monitor flickers")])

    ticket = Ticket.objects.issue_new(record)

    assert Ticket.objects.filter(record=record).values_list("number", flat=True).get() == (
        ticket.number
    )
    assert (ticket._state.adding, ticket._state.db) == (False, "default")
    with django_assert_num_queries(0):
        assert record.ticket is ticket
        assert ticket.record is record
