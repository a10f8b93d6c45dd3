"""A record gets its ticket on its first save, and keeps it."""

import pytest
from django.db import DataError, transaction

from ..models import Record, Ticket
from .factories import BulkLoadedRecordFactory, RecordFactory, TicketFactory
from .numbers import next_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wide_ticket_range")]


def stored_number(record):
    return Ticket.objects.get(record=record).number


def test_create_issues_the_next_number():
    expected = next_number()

    record = Record.objects.create(title="Printer on fire")

    assert record.ticket.number == expected
    assert stored_number(record) == expected


def test_save_of_a_new_record_issues_a_ticket():
    record = Record(title="VPN drops every hour")
    assert Ticket.objects.filter(record=record).count() == 0

    record.save()

    assert stored_number(record) == record.ticket.number


def test_each_new_record_gets_a_different_number():
    records = RecordFactory.create_batch(3)

    numbers = [record.ticket.number for record in records]

    assert numbers == sorted(set(numbers))


def test_later_saves_keep_the_ticket_and_draw_no_number():
    record = RecordFactory()
    number = record.ticket.number
    following = next_number()

    record.title = "Renamed"
    record.save()
    reloaded = Record.objects.get(pk=record.pk)  # no ticket in memory
    reloaded.save()
    reloaded.save(update_fields=["title"])

    assert stored_number(record) == number
    assert reloaded.ticket.number == number
    assert next_number() == following


def test_bulk_created_records_have_no_ticket_until_their_first_save():
    first, second = Record.objects.bulk_create([Record(title="one"), Record(title="two")])
    assert Ticket.objects.count() == 0
    expected = next_number()

    second.save()

    assert second.ticket.number == expected
    assert Ticket.objects.filter(record=first).count() == 0


def test_first_save_of_a_loaded_record_fills_a_cached_empty_ticket():
    record = BulkLoadedRecordFactory()
    assert not hasattr(record, "ticket")  # caches "no ticket"

    record.save()

    assert record.ticket.number == stored_number(record)


def test_issue_for_a_record_with_a_ticket_does_nothing_and_draws_no_number():
    record = RecordFactory()
    number = record.ticket.number
    following = next_number()
    loaded = Record._base_manager.get(pk=record.pk)  # without its ticket

    assert Ticket.objects.issue_for(loaded) is None
    assert next_number() == following
    assert Ticket.objects.filter(record=record).count() == 1
    assert loaded.ticket.number == number  # found, and kept on the record


def test_records_are_loaded_with_their_ticket_or_its_absence():
    with_ticket = RecordFactory()
    without = BulkLoadedRecordFactory()

    loaded = Record.objects.in_bulk([with_ticket.pk, without.pk])

    reverse = Record.ticket.related
    assert reverse.get_cached_value(loaded[with_ticket.pk]) == with_ticket.ticket
    assert reverse.get_cached_value(loaded[without.pk]) is None


def test_only_keeps_the_ticket_and_the_fields_asked_for():
    record = RecordFactory()

    loaded = Record.objects.only("title").get(pk=record.pk)

    assert loaded.get_deferred_fields() == {"description", "created_at", "updated_at"}
    assert Record.ticket.related.get_cached_value(loaded) == record.ticket


def test_select_for_update_and_update_or_create_lock_the_record_row():
    # The default manager's LEFT JOIN to the ticket would otherwise make
    # PostgreSQL refuse FOR UPDATE ("nullable side of an outer join").
    record = BulkLoadedRecordFactory(title="Locked")
    with transaction.atomic():
        locked = Record.objects.select_for_update().get(pk=record.pk)
        assert locked.title == "Locked"

    updated, created = Record.objects.update_or_create(pk=record.pk, defaults={"title": "New"})

    assert not created
    assert Record.objects.get(pk=record.pk).title == "New"
    assert updated.ticket.number == stored_number(record)  # its first save issued it{%- if cookiecutter.numbering == "gapless" %}


def test_a_rolled_back_save_leaves_no_gap():
    before = RecordFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        RecordFactory()
        raise RuntimeError("the rest of the request failed")
    after = RecordFactory()

    # The counter went back with the rolled-back record: its number is issued again.
    assert after.ticket.number == before.ticket.number + 1
{%- else %}


def test_a_rolled_back_save_leaves_a_gap():
    before = RecordFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        RecordFactory()
        raise RuntimeError("the rest of the request failed")
    after = RecordFactory()

    # The rolled-back record's number was drawn and is never used again.
    assert after.ticket.number == before.ticket.number + 2
    assert Ticket.objects.filter(number=before.ticket.number + 1).count() == 0
{%- endif %}


def test_a_failed_save_does_not_pretend_the_record_was_saved():
    record = Record(title="x" * 201)  # too long for the column
    with pytest.raises(DataError, match="too long"), transaction.atomic():
        record.save()

    assert record._state.adding
    assert Record.objects.count() == 0


def test_deleting_a_record_deletes_its_ticket():
    record = RecordFactory()

    record.delete()

    assert Ticket.objects.count() == 0


def test_factories():
    assert RecordFactory().ticket.number >= 1
    assert not hasattr(BulkLoadedRecordFactory(), "ticket")
    ticket = TicketFactory()
    assert ticket.number >= 1
    assert Record.objects.get(pk=ticket.record_id).ticket == ticket
