{%- set yearly = cookiecutter.ticket_scope == "yearly" -%}
"""Gapless numbers: committed tickets are exactly 1..N {%- if yearly %} in each year{% endif %}, whatever rolls back.

Real concurrent transactions (testing/concurrency.py). The control runs a
sequence under the same harness and the same rollbacks: it must leave gaps,
or the harness would prove nothing.
"""
{%- if yearly %}

import datetime
{%- endif %}

import pytest
from django.db import connection, transaction

from ...testing.concurrency import Background, HeldTransaction, run_together, wait_until_blocked
from ..exceptions import TicketsExhausted
from ..models import Record, Ticket, TicketCounter
from .numbers import set_ticket_max
{%- if yearly %}, this_year{% endif %}

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("wide_ticket_range")]

WORKERS = 8
CALLS = 30


class RolledBack(Exception):
    """Raised inside a worker's transaction to undo it, as a failed request would."""


def create_or_roll_back(worker, call):
    """Create a record; undo every third one after its ticket was issued."""
    with transaction.atomic():
        record = Record.objects.create(title=f"worker {worker}, record {call}")
        if call % 3 == 0:
            raise RolledBack
    return record.ticket.number


def committed_numbers():
    return sorted(Ticket.objects.values_list("number", flat=True))


def test_under_rollbacks_the_committed_numbers_are_exactly_1_to_n():
    report = run_together(create_or_roll_back, workers=WORKERS, calls=CALLS)

    assert all(isinstance(error, RolledBack) for error in report.errors), report.errors
    committed = len(report.results)
    assert committed == WORKERS * CALLS - len(report.errors) > 0
    assert committed_numbers() == list(range(1, committed + 1))


@pytest.fixture
def control_sequence():
    with connection.cursor() as cursor:
        cursor.execute("CREATE SEQUENCE control_ticket_number")
    yield "control_ticket_number"
    with connection.cursor() as cursor:
        cursor.execute("DROP SEQUENCE control_ticket_number")


def test_control_a_sequence_under_the_same_rollbacks_leaves_gaps(control_sequence):
    def sequence_numbered(worker, call):
        with transaction.atomic():
            (record,) = Record.objects.bulk_create([Record(title=f"control {worker}-{call}")])
            with connection.cursor() as cursor:
                cursor.execute(
{%- if yearly %}
                    "INSERT INTO records_ticket (record_id, year, number) "
                    "VALUES (%s, 2000, nextval(%s))",
{%- else %}
                    "INSERT INTO records_ticket (record_id, number) VALUES (%s, nextval(%s))",
{%- endif %}
                    [record.pk, control_sequence],
                )
            if call % 3 == 0:
                raise RolledBack

    report = run_together(sequence_numbered, workers=WORKERS, calls=CALLS)

    assert all(isinstance(error, RolledBack) for error in report.errors), report.errors
    committed = committed_numbers()
    assert len(committed) == WORKERS * CALLS - len(report.errors)
    assert committed != list(range(1, len(committed) + 1)), "no gap: the control proves nothing"


def test_a_writer_waits_for_the_open_transaction_of_its_own {%- if yearly %}_year{% endif %}():
    with HeldTransaction(lambda: Record.objects.create(title="first").ticket.number) as first:
        second = Background(lambda: Record.objects.create(title="second").ticket.number)
        wait_until_blocked(second.pid, by=first.pid)  # on the counter row
        assert first.commit() == 1
        assert second.result() == 2
{%- if yearly %}


def in_year(clock, year, title):
    """Create a record as if it were 1 July of `year`, on this thread."""
    with clock.frozen(datetime.datetime(year, 7, 1, tzinfo=datetime.UTC)):
        return Record.objects.create(title=title).ticket


def test_a_writer_of_another_year_does_not_wait(thread_clock):
    year = this_year()
    with HeldTransaction(lambda: in_year(thread_clock, year, "this year")) as held:
        # The held transaction keeps this year's counter row locked.
        other = Background(lambda: in_year(thread_clock, year + 1, "next year"))
        ticket = other.result()  # finishes while the other year's row is still locked
        assert not held.background.finished()
        assert (ticket.year, ticket.number) == (year + 1, 1)
        assert held.commit().number == 1


def test_each_year_runs_out_on_its_own(thread_clock, monkeypatch):
    year = this_year()
    set_ticket_max(monkeypatch, 1)
    in_year(thread_clock, year, "takes the only number")

    with pytest.raises(TicketsExhausted, match=f"every ticket number of {year} from 1 to 1 "):
        in_year(thread_clock, year, "one too many")

    assert in_year(thread_clock, year + 1, "next year still has its number").number == 1
    assert dict(TicketCounter.objects.values_list("year", "last_number")) == {year: 1, year + 1: 1}
{%- else %}


def test_at_ticket_max_the_counter_stops_and_nothing_is_saved(monkeypatch):
    set_ticket_max(monkeypatch, 2)
    Record.objects.create(title="one")
    Record.objects.create(title="two")

    with pytest.raises(TicketsExhausted, match="from 1 to 2 has been used"):
        Record.objects.create(title="three")

    assert Record.objects.count() == 2
    assert TicketCounter.objects.get().last_number == 2
{%- endif %}
