"""A sequence per year, made ahead of time: by migration 0002, then by create_ticket_sequences."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection

from ...testing.sequences import fetch_one, sequence_catalog
from ..exceptions import TicketYearMissing
from ..models import TICKET_MAX, TICKET_SEQUENCE_PREFIX, Record, Ticket, ticket_sequence
from .factories import BulkLoadedRecordFactory
from .numbers import this_year

pytestmark = pytest.mark.django_db(transaction=True)

# Far enough ahead that no migration or earlier run has created its sequence.
LATER = 30


def year_sequences():
    """The years whose ticket sequence exists, in order."""
    (names,) = fetch_one(
        "SELECT coalesce(array_agg(sequencename::text ORDER BY sequencename), '{}') "
        "FROM pg_sequences WHERE schemaname = current_schema() AND sequencename ~ %s",
        [f"^{TICKET_SEQUENCE_PREFIX}[0-9]+$"],
    )
    return [int(name.removeprefix(TICKET_SEQUENCE_PREFIX)) for name in names]


@pytest.fixture
def later_years_dropped_afterwards():
    yield
    with connection.cursor() as cursor:
        for year in year_sequences():
            if year > this_year() + 1:
                cursor.execute(f"DROP SEQUENCE {connection.ops.quote_name(ticket_sequence(year))}")


def create_ticket_sequences(*args):
    out = io.StringIO()
    call_command("create_ticket_sequences", *args, stdout=out)
    return out.getvalue()


def in_year(clock, year):
    return clock.frozen(datetime.datetime(year, 7, 1, tzinfo=datetime.UTC))


def test_the_migration_created_this_year_and_the_next():
    assert year_sequences() == [this_year(), this_year() + 1]


@pytest.mark.parametrize("offset", [0, 1])
def test_each_sequence_counts_from_1_to_ticket_max_and_belongs_to_the_number_column(offset):
    name = ticket_sequence(this_year() + offset)
    catalog = sequence_catalog(name)
    (owner,) = fetch_one(
        "SELECT a.attrelid::regclass::text || '.' || a.attname FROM pg_depend d "
        "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
        "WHERE d.objid = %s::regclass AND d.deptype = 'a'",
        [name],
    )

    assert (catalog["data_type"], catalog["start_value"], catalog["increment_by"]) == (
        "bigint",
        1,
        1,
    )
    assert (catalog["max_value"], catalog["cycle"]) == (TICKET_MAX, False)
    assert owner == "records_ticket.number"


@pytest.mark.usefixtures("later_years_dropped_afterwards")
def test_a_year_without_its_sequence_is_refused_naming_the_command(thread_clock):
    with in_year(thread_clock, this_year() + LATER), pytest.raises(TicketYearMissing) as raised:
        Record.objects.create(title="Too far ahead")

    assert str(raised.value) == (
        f"There is no ticket sequence for {this_year() + LATER}: run `python manage.py "
        "create_ticket_sequences` to create the sequences of this year and the next "
        "(docs/tickets.md, once a year)."
    )
    assert Record.objects.count() == 0


@pytest.mark.usefixtures("later_years_dropped_afterwards")
def test_the_backfill_refuses_a_year_without_its_sequence_and_issues_nothing(thread_clock):
    with in_year(thread_clock, this_year() + LATER):
        BulkLoadedRecordFactory()

    with pytest.raises(TicketYearMissing, match="create_ticket_sequences"):
        Ticket.objects.issue_missing()

    assert Ticket.objects.count() == 0


@pytest.mark.usefixtures("later_years_dropped_afterwards")
def test_create_ticket_sequences_creates_the_coming_years_once(thread_clock):
    first = create_ticket_sequences("--years-ahead", str(LATER))
    again = create_ticket_sequences("--years-ahead", str(LATER))

    later = range(this_year() + 2, this_year() + LATER + 1)
    assert first == f"Ticket sequences created: {', '.join(map(ticket_sequence, later))}\n"
    assert again == "Ticket sequences created: none\n"
    assert year_sequences() == list(range(this_year(), this_year() + LATER + 1))
    with in_year(thread_clock, this_year() + LATER):
        assert Record.objects.create(title="Now it has numbers").ticket.number == 1


@pytest.mark.usefixtures("later_years_dropped_afterwards")
def test_unapplying_the_migration_drops_every_year_and_applying_it_creates_two_again():
    create_ticket_sequences("--years-ahead", "3")
    try:
        call_command("migrate", "records", "0001_initial", verbosity=0)

        assert year_sequences() == []
    finally:
        call_command("migrate", "records", verbosity=0)

    assert year_sequences() == [this_year(), this_year() + 1]
