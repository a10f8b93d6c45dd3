"""When every ticket number is used, saving fails with a clear error and saves nothing."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

{% if cookiecutter.numbering == "sequence" %}from ...testing.sequences import alter_sequence, restored_afterwards
{% endif %}from ..exceptions import TicketsExhausted
{%- if cookiecutter.numbering == "gapless" %}
from ..models import TICKET_MAX, Record, Ticket, TicketCounter
{%- elif cookiecutter.ticket_scope == "yearly" %}
from ..models import TICKET_MAX, Record, Ticket, ticket_sequence
{%- else %}
from ..models import TICKET_MAX, TICKET_SEQUENCE, Record, Ticket
{%- endif %}
from .factories import BulkLoadedRecordFactory
{%- if cookiecutter.numbering == "sequence" and cookiecutter.ticket_scope == "yearly" %}
from .numbers import this_year
{%- endif %}

# transaction=True: the failed save really runs, and rolls back, in a
# transaction of its own. no_numbers_left works for any ticket_max.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_numbers_left")]


def test_a_new_record_is_not_saved():
    record = Record(title="One too many")

    with pytest.raises(TicketsExhausted, match="Tickets are exhausted") as raised:
        record.save()

    assert f"from 1 to {TICKET_MAX} " in str(raised.value)
    assert raised.value.maxvalue == TICKET_MAX
    assert Record.objects.count() == 0
    assert Ticket.objects.count() == 0
    assert record._state.adding, "the instance must not pretend it was saved"


def test_create_raises_the_same_error():
    with pytest.raises(TicketsExhausted):
        Record.objects.create(title="One too many")

    assert Record.objects.count() == 0


def test_a_loaded_records_first_save_changes_nothing():
    record = BulkLoadedRecordFactory(title="Before")
    record.title = "After"

    with pytest.raises(TicketsExhausted):
        record.save()

    assert Record.objects.get(pk=record.pk).title == "Before"
    assert Ticket.objects.count() == 0


def test_inside_a_callers_transaction_the_whole_transaction_is_undone():
    with pytest.raises(TicketsExhausted), transaction.atomic():
        BulkLoadedRecordFactory(title="Written first")
        Record.objects.create(title="One too many")

    assert Record.objects.count() == 0


def test_the_unsaved_record_can_be_saved_once_a_number_is_free():
    record = Record(title="Waits for a number")
    with pytest.raises(TicketsExhausted):
        record.save()

{%- if cookiecutter.numbering == "gapless" %}
    TicketCounter.objects.update(last_number=0)  # the table is empty: 1 is free again
    record.save()
{%- else %}
    sequence = {{ "ticket_sequence(this_year())" if cookiecutter.ticket_scope == "yearly" else "TICKET_SEQUENCE" }}
    with restored_afterwards(sequence):
        alter_sequence(sequence, "RESTART")  # the table is empty: 1 is free again
        record.save()
{%- endif %}

    assert Record.objects.get(pk=record.pk).ticket.number == record.ticket.number == 1


def test_issue_tickets_stops_with_the_same_error():
    BulkLoadedRecordFactory()

    with pytest.raises(CommandError, match="Tickets are exhausted"):
        call_command("issue_tickets", verbosity=0)

    assert Ticket.objects.count() == 0
