"""issue_tickets gives every ticketless record its ticket, in batches, and is safe to rerun."""

import io

import pytest
from django.core.management import CommandError, call_command

from ...testing.concurrency import Background, HeldTransaction, wait_until_blocked
from ...testing.sequences import next_value
from ..models import TICKET_SEQUENCE, Record, Ticket
from .factories import BulkLoadedRecordFactory, RecordFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wide_ticket_range")]


def issue_tickets(*args):
    out = io.StringIO()
    call_command("issue_tickets", *args, stdout=out)
    return out.getvalue()


def numbers_by_record():
    return dict(Ticket.objects.values_list("record_id", "number"))


def test_every_ticketless_record_gets_one_ticket_and_tickets_stay():
    ticketed = RecordFactory.create_batch(2)
    kept = {record.pk: record.ticket.number for record in ticketed}
    BulkLoadedRecordFactory.create_batch(5)
    start = next_value(TICKET_SEQUENCE)

    output = issue_tickets("--batch-size", "2")

    numbers = numbers_by_record()
    assert set(numbers) == set(Record.objects.values_list("pk", flat=True))
    assert {pk: numbers[pk] for pk in kept} == kept
    # Records that had a ticket were skipped without drawing a number.
    assert sorted(set(numbers.values()) - set(kept.values())) == list(range(start, start + 5))
    assert output.endswith("Tickets issued: 5\n")


def test_progress_is_shown_for_each_batch():
    BulkLoadedRecordFactory.create_batch(5)

    output = issue_tickets("--batch-size", "2")

    assert output.splitlines() == [
        "Records checked: 2, tickets issued: 2",
        "Records checked: 4, tickets issued: 4",
        "Records checked: 5, tickets issued: 5",
        "Tickets issued: 5",
    ]


def test_a_second_run_issues_nothing():
    BulkLoadedRecordFactory.create_batch(3)
    issue_tickets()
    numbers = numbers_by_record()
    following = next_value(TICKET_SEQUENCE)

    output = issue_tickets()

    assert output.endswith("Tickets issued: 0\n")
    assert numbers_by_record() == numbers
    assert next_value(TICKET_SEQUENCE) == following


def test_an_empty_table_is_fine():
    assert issue_tickets() == "Tickets issued: 0\n"


@pytest.mark.parametrize("size", ["0", "-3", "ten"])
def test_a_bad_batch_size_is_refused(size):
    expected = f"--batch-size: must be a whole number of at least 1, got '{size}'"
    with pytest.raises(CommandError, match=expected):
        issue_tickets("--batch-size", size)


@pytest.mark.django_db(transaction=True)
def test_it_waits_for_a_concurrent_first_save_and_leaves_that_ticket_alone():
    other, saved = BulkLoadedRecordFactory.create_batch(2)

    def first_save():
        record = Record.objects.get(pk=saved.pk)
        record.save()
        return record.ticket.number

    with HeldTransaction(first_save) as save:
        command = Background(issue_tickets)
        # The command meets the save's uncommitted ticket on the unique index
        # and waits for the save to commit.
        wait_until_blocked(command.pid, by=save.pid)
        saved_number = save.commit()
        output = command.result()

    assert output.endswith("Tickets issued: 1\n")
    numbers = numbers_by_record()
    assert set(numbers) == {other.pk, saved.pk}
    assert numbers[saved.pk] == saved_number
