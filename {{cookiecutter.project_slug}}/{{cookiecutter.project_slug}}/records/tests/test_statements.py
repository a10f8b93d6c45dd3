"""What a save costs, counted from the statements Django sends to PostgreSQL."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ...testing.concurrency import Background, HeldTransaction, wait_until_blocked
from ..models import Record, Ticket
from .factories import BulkLoadedRecordFactory, RecordFactory
from .numbers import next_number

# transaction=True: each save runs in a real transaction of its own, so the
# captured statements include its BEGIN and COMMIT.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("wide_ticket_range")]


# The statements that issue the ticket of a record saved before without one.
{%- if cookiecutter.numbering == "gapless" %}
# Lock the counter (an upsert), then issue unless the record has a ticket.
ISSUING_FOR = ["INSERT", "WITH"]
{%- else %}
ISSUING_FOR = ["WITH"]
{%- endif %}


def statements_of(action):
    with CaptureQueriesContext(connection) as captured:
        action()
    return [query["sql"] for query in captured.captured_queries]


def verbs_of(action):
    """The first word of each statement action() sends: BEGIN, UPDATE, WITH, COMMIT..."""
    return [sql.split()[0] for sql in statements_of(action)]


def renamed_and_saved(record):
    record.title = "Renamed"
    return verbs_of(record.save)


# Every way of loading one record through Record.objects.
LOADERS = {
    "get": lambda pk: Record.objects.get(pk=pk),
    "filter().first()": lambda pk: Record.objects.filter(pk=pk).first(),
    "iterating a queryset": lambda pk: next(r for r in Record.objects.all() if r.pk == pk),
    "iterator()": lambda pk: next(r for r in Record.objects.iterator() if r.pk == pk),
    "only(title)": lambda pk: Record.objects.only("title").get(pk=pk),
    "defer(description)": lambda pk: Record.objects.defer("description").get(pk=pk),
    "in_bulk()": lambda pk: Record.objects.in_bulk([pk])[pk],
}


def test_a_new_record_and_its_ticket_cost_two_inserts_in_one_transaction():
    statements = statements_of(lambda: Record.objects.create(title="Laptop will not boot"))

    begin, record, ticket, commit = statements
    assert (begin, commit) == ("BEGIN", "COMMIT")
    assert record.startswith('INSERT INTO "records_record" ')
{%- if cookiecutter.numbering == "gapless" %}
    # The counter's next number and the ticket, in one statement.
    assert ticket.split()[:3] == ["WITH", "drawn", "AS"]
    assert 'INSERT INTO "records_ticketcounter"' in ticket
    assert ticket.split()[-2:] == ["RETURNING", "number"]
{%- elif cookiecutter.ticket_scope == "yearly" %}
    # The number comes from the year's sequence, inside the INSERT itself.
    assert ticket.split()[:3] == ["INSERT", "INTO", '"records_ticket"']
    assert "nextval(" in ticket
    assert ticket.split()[-2:] == ["RETURNING", "number"]
{%- else %}
    # The number comes from the column's default, inside the INSERT itself: the
    # INSERT gives it no value (Django 5.2 writes DEFAULT, 6.0 leaves the column out).
    columns, values = ticket.removeprefix('INSERT INTO "records_ticket" (').split(") VALUES (")
    values = values.split(") RETURNING ")[0]
    given = dict(zip(columns.split(", "), values.split(", "), strict=True))
    assert given.get('"number"', "DEFAULT") == "DEFAULT"
    assert ticket.endswith('RETURNING "records_ticket"."number"')
{%- endif %}


def test_inside_a_callers_transaction_it_is_the_same_two_inserts_and_no_savepoint():
    def create_in_a_transaction():
        with transaction.atomic():
            Record.objects.create(title="Inside a request")

    statements = statements_of(create_in_a_transaction)

    assert [" ".join(sql.split()[:3]) for sql in statements] == [
        "BEGIN",
        'INSERT INTO "records_record"',
{%- if cookiecutter.numbering == "gapless" %}
        "WITH drawn AS",
{%- else %}
        'INSERT INTO "records_ticket"',
{%- endif %}
        "COMMIT",
    ]


def test_a_later_save_is_one_update():
    record = RecordFactory()
    record.title = "Renamed"

    statements = statements_of(record.save)

    assert [sql.split(" ")[0] for sql in statements] == ["BEGIN", "UPDATE", "COMMIT"]


@pytest.mark.parametrize("load", LOADERS.values(), ids=LOADERS.keys())
def test_saving_a_loaded_record_with_a_ticket_is_one_update(load):
    RecordFactory()  # another record, so iterating finds more than one
    record = RecordFactory()
    following = next_number()

    loaded = load(record.pk)

    assert renamed_and_saved(loaded) == ["BEGIN", "UPDATE", "COMMIT"]
    assert Record.objects.get(pk=record.pk).title == "Renamed"
    assert next_number() == following


@pytest.mark.parametrize("load", LOADERS.values(), ids=LOADERS.keys())
def test_saving_a_loaded_ticketless_record_issues_its_ticket_then_is_one_update(load):
    record = BulkLoadedRecordFactory()
    expected = next_number()
    loaded = load(record.pk)

    assert renamed_and_saved(loaded) == ["BEGIN", "UPDATE", *ISSUING_FOR, "COMMIT"]
    assert Record.objects.get(pk=record.pk).ticket.number == expected
    assert verbs_of(lambda: loaded.ticket) == []  # kept in memory
    assert renamed_and_saved(loaded) == ["BEGIN", "UPDATE", "COMMIT"]


def test_a_ticket_issued_by_another_transaction_is_found_without_a_number_and_kept():
    record = BulkLoadedRecordFactory()
    loaded = Record.objects.get(pk=record.pk)  # loaded without a ticket
    # Meanwhile another session saves the record, issuing its ticket, and commits.
    Background(lambda: Record.objects.get(pk=record.pk).save()).result()
    number = Record.objects.get(pk=record.pk).ticket.number
    following = next_number()

    assert renamed_and_saved(loaded) == ["BEGIN", "UPDATE", *ISSUING_FOR, "COMMIT"]
    assert next_number() == following  # no number drawn
    assert verbs_of(lambda: loaded.ticket.number) == []
    assert loaded.ticket.number == number
    assert renamed_and_saved(loaded) == ["BEGIN", "UPDATE", "COMMIT"]


def test_a_ticket_being_issued_by_another_transaction_is_waited_for_then_read_when_asked():
    record = BulkLoadedRecordFactory()

    def load_and_save_twice():
        loaded = Record.objects.get(pk=record.pk)  # loaded without a ticket
        first = renamed_and_saved(loaded)  # waits for the other transaction's ticket
        reading = verbs_of(lambda: loaded.ticket.number)
        return first, reading, renamed_and_saved(loaded), loaded.ticket.number

    def issue_elsewhere():
        return Ticket.objects.issue_for(Record._base_manager.get(pk=record.pk))

    with HeldTransaction(issue_elsewhere) as other:
        saving = Background(load_and_save_twice)
        wait_until_blocked(saving.pid, by=other.pid)
        issued = other.commit()
        first, reading, second, number = saving.result()

    assert first == ["BEGIN", "UPDATE", *ISSUING_FOR, "COMMIT"]
{%- if cookiecutter.numbering == "gapless" %}
    assert reading == []  # found once the counter was free, and kept
{%- else %}
    assert reading == ["SELECT"]  # the other transaction's ticket, read once
{%- endif %}
    assert second == ["BEGIN", "UPDATE", "COMMIT"]
    assert number == issued.number


def test_a_record_loaded_without_its_ticket_keeps_the_one_it_finds():
    # Record._base_manager (used for ticket.record, refresh_from_db) does not join the ticket.
    record = RecordFactory()
    loaded = Record._base_manager.get(pk=record.pk)

    assert renamed_and_saved(loaded) == ["BEGIN", "UPDATE", *ISSUING_FOR, "COMMIT"]
    assert verbs_of(lambda: loaded.ticket.number) == []
    assert loaded.ticket.number == record.ticket.number
    assert renamed_and_saved(loaded) == ["BEGIN", "UPDATE", "COMMIT"]


def test_a_record_reached_from_its_ticket_is_one_update():
    ticket = RecordFactory().ticket
    reloaded = type(ticket).objects.get(pk=ticket.pk)

    record = reloaded.record

    assert renamed_and_saved(record) == ["BEGIN", "UPDATE", "COMMIT"]
