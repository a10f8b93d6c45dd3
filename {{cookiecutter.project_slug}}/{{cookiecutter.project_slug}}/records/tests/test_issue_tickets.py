"""issue_tickets gives every ticketless record its ticket, in batches, and is safe to rerun."""

import io
import re

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import transaction

from ...testing.concurrency import Background, HeldTransaction, wait_until_blocked
{%- if cookiecutter.numbering == "sequence" %}
from ...testing.sequences import alter_sequence, restored_afterwards
from ..exceptions import TicketsExhausted
{%- endif %}
from ..models import {{ "TICKET_SEQUENCE, " if cookiecutter.numbering == "sequence" and cookiecutter.ticket_scope == "global" }}Record, Ticket{{ ", ticket_sequence" if cookiecutter.numbering == "sequence" and cookiecutter.ticket_scope == "yearly" }}
from .factories import BulkLoadedRecordFactory, RecordFactory
from .numbers import next_number
{%- if cookiecutter.numbering == "gapless" %}, set_ticket_max
{%- elif cookiecutter.ticket_scope == "yearly" %}, this_year
{%- endif %}
from .terminal import on_a_terminal

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
    start = next_number()

    output = issue_tickets("--batch-size", "2")

    numbers = numbers_by_record()
    assert set(numbers) == set(Record.objects.values_list("pk", flat=True))
    assert {pk: numbers[pk] for pk in kept} == kept
    # Records that had a ticket were skipped without drawing a number.
    assert sorted(set(numbers.values()) - set(kept.values())) == list(range(start, start + 5))
    assert output.endswith("Tickets issued: 5\n")


def test_the_count_is_said_once():
    BulkLoadedRecordFactory.create_batch(5)

    assert issue_tickets() == "Tickets issued: 5\n"


def test_a_second_run_issues_nothing():
    BulkLoadedRecordFactory.create_batch(3)
    issue_tickets()
    numbers = numbers_by_record()
    following = next_number()

    output = issue_tickets()

    assert output.endswith("Tickets issued: 0\n")
    assert numbers_by_record() == numbers
    assert next_number() == following


def test_an_empty_table_is_fine():
    assert issue_tickets() == "Tickets issued: 0\n"


@pytest.mark.parametrize("size", ["0", "-3", "ten", "1000001", "99999999999999999999"])
def test_a_bad_batch_size_is_refused_naming_the_option_and_the_value(size):
    expected = f"--batch-size: must be a whole number from 1 to 1000000, got '{size}'"
    with pytest.raises(CommandError, match=re.escape(expected)):
        issue_tickets("--batch-size", size)


def test_the_largest_batch_size_is_accepted():
    BulkLoadedRecordFactory.create_batch(2)

    assert issue_tickets("--batch-size", "1000000") == "Tickets issued: 2\n"


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


# Progress: plain lines when the output is not a terminal, a bar on one, nothing at verbosity 0.


def test_off_a_terminal_progress_is_a_plain_line_per_tenth_and_the_count_is_said_once():
    BulkLoadedRecordFactory.create_batch(10)

    lines = issue_tickets("--batch-size", "1").splitlines()

    # One line at each tenth from 10% to 90%; at 100% the summary alone.
    assert len(lines) == 10
    for done, line in enumerate(lines[:-1], start=1):
        assert re.fullmatch(
            rf"Records checked: {done} of 10 records \({done}0%\), [\d.]+ records/s, "
            rf"\d\d:\d\d left, tickets issued: {done}",
            line,
        ), line
    assert lines[-1] == "Tickets issued: 10"


def test_a_plain_line_is_written_per_tenth_not_per_batch():
    BulkLoadedRecordFactory.create_batch(40)

    lines = issue_tickets("--batch-size", "1").splitlines()

    assert [line.split(" of ")[0] for line in lines[:-1]] == [
        f"Records checked: {done}" for done in range(4, 40, 4)
    ]


def test_verbosity_0_writes_nothing():
    BulkLoadedRecordFactory.create_batch(3)
    out, err = io.StringIO(), io.StringIO()

    call_command("issue_tickets", "--batch-size", "1", verbosity=0, stdout=out, stderr=err)

    assert (out.getvalue(), err.getvalue()) == ("", "")
    assert Ticket.objects.count() == 3


def test_on_a_terminal_a_bar_shows_done_of_total_and_the_rate():
    BulkLoadedRecordFactory.create_batch(5)

    screen = on_a_terminal(
        lambda terminal: call_command("issue_tickets", "--batch-size", "2", stdout=terminal)
    )

    # tqdm redraws its line with carriage returns; the last drawing is the final state.
    final = screen.split("\r")
    assert any(re.search(r"5/5 \[[\d:]+<[\d:]+, +[\d.]+ records/s", part) for part in final), screen
    assert "Records checked: " in screen
    assert screen.rstrip().endswith("Tickets issued: 5")


# Running out of numbers: what is left is issued, the rest is reported, nothing is wasted.


{%- if cookiecutter.numbering == "gapless" %}
@pytest.fixture
def three_numbers_left(wide_ticket_range, monkeypatch):
    """The numbering as ticket_max=3 leaves it before any ticket: numbers 1, 2 and 3 to give.

    Every test starts with no ticket rows and no counter, so 1 to 3 are free
    whatever ticket_max the project was generated with. (It asks for
    wide_ticket_range, which every test here uses, so that it comes after it.)
    """
    set_ticket_max(monkeypatch, 3)
{%- else %}
@pytest.fixture
def three_numbers_left(wide_ticket_range):
    """The sequence as ticket_max=3 leaves it before any ticket: numbers 1, 2 and 3 to give.

    Every test starts with no ticket rows, so 1 to 3 are free whatever
    ticket_max the project was generated with. (It asks for wide_ticket_range,
    which every test here uses, so that it is shaped after that one, not before.)
    """
{%- if cookiecutter.ticket_scope == "yearly" %}
    sequence = ticket_sequence(this_year())
{%- else %}
    sequence = TICKET_SEQUENCE
{%- endif %}
    with restored_afterwards(sequence):
        alter_sequence(sequence, "MAXVALUE 3 RESTART")
        yield
{%- endif %}


EXHAUSTED = "Tickets are exhausted: every ticket number from 1 to 3 has been used."


@pytest.mark.usefixtures("three_numbers_left")
@pytest.mark.parametrize("size", ["10000", "2", "1"])
def test_the_last_numbers_are_issued_and_the_rest_reported(size):
    BulkLoadedRecordFactory.create_batch(5)

    with pytest.raises(CommandError) as raised:
        issue_tickets("--batch-size", size)

    assert str(raised.value) == (
        f"{EXHAUSTED} Tickets issued: 3; records still without a ticket: 2."
    )
    # The first three records made got 1, 2 and 3: no number was drawn and lost.
    first_three = Record.objects.order_by("created_at", "id").values_list("pk", flat=True)[:3]
    assert numbers_by_record() == dict(zip(first_three, [1, 2, 3], strict=True))
    assert next_number() == 4


@pytest.mark.usefixtures("three_numbers_left")
def test_exactly_enough_numbers_is_a_success():
    BulkLoadedRecordFactory.create_batch(3)

    assert issue_tickets("--batch-size", "2").endswith("\nTickets issued: 3\n")
    assert sorted(numbers_by_record().values()) == [1, 2, 3]


@pytest.mark.django_db(transaction=True)  # manage.py closes the connection when it ends
@pytest.mark.usefixtures("three_numbers_left")
def test_manage_py_exits_1_with_the_message_and_no_traceback(capsys):
    BulkLoadedRecordFactory.create_batch(5)

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "issue_tickets"])

    assert exited.value.code == 1
    assert capsys.readouterr().err == (
        f"CommandError: {EXHAUSTED} Tickets issued: 3; records still without a ticket: 2.\n"
    )
    assert Ticket.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_manage_py_refuses_a_huge_batch_size_before_doing_anything(capsys):
    BulkLoadedRecordFactory()

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "issue_tickets", "--batch-size", "9" * 20])

    assert exited.value.code == 2  # argparse's usage error
    err = capsys.readouterr().err
    assert (
        f"error: argument --batch-size: must be a whole number from 1 to 1000000, got '{'9' * 20}'"
        in err
    )
    assert "Traceback" not in err
    assert Ticket.objects.count() == 0
{%- if cookiecutter.numbering == "sequence" %}


# A concurrent writer drawing the last numbers while a batch runs.


def race_for_the_last_numbers(backfill):
    """Run backfill() while another transaction draws the last number under it; return what
    backfill() returned or raised, and the numbers involved.

    Three numbers are left and three records have none. A first save of the
    first record (the first made) holds number 1, uncommitted. backfill() reads that
    two numbers are left, draws 2 for the first record and waits on the held
    ticket. Meanwhile a new record takes number 3, the last. When the first
    save commits, backfill() skips the first record and needs a number for the
    second: there is none.
    """
    first, *_ = BulkLoadedRecordFactory.create_batch(3)  # the first made, the first backfilled

    def first_save():
        Record.objects.get(pk=first.pk).save()

    with HeldTransaction(first_save) as save:
        running = Background(backfill)
        wait_until_blocked(running.pid, by=save.pid)
        late = Record.objects.create(title="Takes the last number")
        save.commit()
        try:
            outcome = running.result()
        except Exception as error:
            outcome = error
    return outcome, first, late


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("three_numbers_left")
def test_control_under_the_race_a_batch_runs_past_the_end():
    """Reading the numbers left in the same statement does not close the race on its own."""
    outcome, _, _ = race_for_the_last_numbers(
        lambda: transaction_atomic(Ticket.objects.issue_missing)
    )

    assert isinstance(outcome, TicketsExhausted)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("three_numbers_left")
def test_under_the_race_the_command_reports_the_lost_numbers_without_a_traceback():
    outcome, first, late = race_for_the_last_numbers(issue_tickets)

    assert isinstance(outcome, CommandError)
    assert str(outcome) == (
        f"{EXHAUSTED} Tickets issued: 0; records still without a ticket: 2. Another process "
        "drew the last numbers while a batch was being issued, so that batch was undone, and "
        "the numbers it had drawn (at most 10000) are lost."
    )
    # The first save kept 1, the new record 3; number 2, drawn by the undone batch, is lost.
    assert numbers_by_record() == {first.pk: 1, late.pk: 3}
    assert next_number() == 4
{%- endif %}


def transaction_atomic(fn):
    with transaction.atomic():
        return fn()
