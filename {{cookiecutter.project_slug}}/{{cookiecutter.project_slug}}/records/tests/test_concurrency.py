"""Many sessions issuing tickets at once: real transactions, real commits.

Each worker is a thread with its own PostgreSQL connection (see
testing/concurrency.py). The same harness runs the naive max() + 1 approach
as a control: it must fail, or the harness would prove nothing.
"""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Max

from ...testing.concurrency import Background, HeldTransaction, run_together, wait_until_blocked
from ..models import Record, Ticket
from .factories import BulkLoadedRecordFactory
from .numbers import next_number
{%- if cookiecutter.ticket_scope == "yearly" %}, this_year{% endif %}

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("wide_ticket_range")]

WORKERS = 8


def numbers_by_record():
    return dict(Ticket.objects.values_list("record_id", "number"))


def first_save(record_id):
    """Load a record and save it, as a request would; return the ticket number it then has."""
    record = Record.objects.get(pk=record_id)
    record.save()
    return record.ticket.number


def test_workers_creating_records_get_distinct_numbers_without_gaps():
    start = next_number()

    report = run_together(
        lambda worker, call: Record.objects.create(title=f"worker {worker}, record {call}"),
        workers=WORKERS,
        calls=25,
    )

    assert report.errors == []
    numbers = numbers_by_record()
    assert len(numbers) == Record.objects.count() == WORKERS * 25
    assert sorted(numbers.values()) == list(range(start, start + WORKERS * 25))
    assert all(numbers[record.pk] == record.ticket.number for record in report.results)


def naive_create(worker, call):
    """The approach the {{ cookiecutter.numbering }} numbering replaces, kept here only as the
    control: read the highest number, add one, insert."""
    with transaction.atomic():
        (record,) = Record.objects.bulk_create([Record(title=f"naive {worker}-{call}")])
{%- if cookiecutter.ticket_scope == "yearly" %}
        year = this_year()
        highest = Ticket.objects.filter(year=year).aggregate(Max("number"))["number__max"] or 0
        Ticket.objects.create(record=record, year=year, number=highest + 1)
{%- else %}
        highest = Ticket.objects.aggregate(Max("number"))["number__max"] or 0
        Ticket.objects.create(record=record, number=highest + 1)
{%- endif %}


def is_duplicate_ticket_number(error):
    cause = error.__cause__
    return (
        isinstance(error, IntegrityError)
        and cause.sqlstate == "23505"  # unique_violation
        and cause.diag.constraint_name == {{ '"records_ticket_year_number_unique"' if cookiecutter.ticket_scope == "yearly" else '"records_ticket_pkey"' }}
    )


def test_the_naive_max_plus_one_fails_under_the_same_harness():
    report = run_together(naive_create, workers=WORKERS, calls=25)

    # Two transactions read the same highest number; the second to insert it
    # waits for the first to commit, then fails on the primary key.
    assert report.errors, "max() + 1 survived: the harness is not concurrent enough"
    assert all(is_duplicate_ticket_number(error) for error in report.errors), report.errors


def test_workers_first_saving_the_same_records_agree_on_one_ticket_each():
    ids = [record.pk for record in BulkLoadedRecordFactory.create_batch(20)]
    start = next_number()

    # Every worker saves every record, in the same order: each record's first
    # save is contended by all workers at once.
    report = run_together(lambda worker, call: first_save(ids[call]), workers=WORKERS, calls=20)

    assert report.errors == []
    numbers = numbers_by_record()
    assert sorted(numbers) == sorted(ids)
    assert sorted(numbers.values()) == list(range(start, start + 20))
    # Every worker, winner or not, read the same number for a record.
    assert sorted(report.results) == sorted(list(numbers.values()) * WORKERS)

    # Later saves, just as contended, change nothing and draw no number.
    again = run_together(lambda worker, call: first_save(ids[call]), workers=WORKERS, calls=20)

    assert again.errors == []
    assert numbers_by_record() == numbers
    assert next_number() == start + 20


def test_two_first_saves_of_one_record_at_the_same_moment_both_succeed():
    record = BulkLoadedRecordFactory()
    expected = next_number()

    with HeldTransaction(lambda: first_save(record.pk)) as first:
        second = Background(lambda: first_save(record.pk))
        # The second save waits for the first one's lock on the record row.
        wait_until_blocked(second.pid, by=first.pid)
        assert first.commit() == expected
        assert second.result() == expected

    assert numbers_by_record() == {record.pk: expected}
    # The second save found the committed ticket and drew no number.
    assert next_number() == expected + 1


def test_first_save_during_a_backfill_waits_and_keeps_the_backfilled_ticket():
    record = BulkLoadedRecordFactory()
    expected = next_number()

    with HeldTransaction(Ticket.objects.issue_missing) as backfill:
        save = Background(lambda: first_save(record.pk))
{%- if cookiecutter.numbering == "gapless" %}
        # The backfill does not lock record rows; the save waits for the
        # counter row the backfill holds, then finds the backfilled ticket.
{%- else %}
        # The backfill does not lock record rows; the save waits on the
        # ticket's unique index instead, for the backfill to commit.
{%- endif %}
        wait_until_blocked(save.pid, by=backfill.pid)
        assert backfill.commit().issued == 1
        assert save.result() == expected

    assert numbers_by_record() == {record.pk: expected}
{%- if cookiecutter.numbering == "gapless" %}
    # The save drew no number: none is lost.
    assert next_number() == expected + 1
{%- else %}
    # The save drew a number before it met the conflict: that number is a gap.
    assert next_number() == expected + 2
{%- endif %}
