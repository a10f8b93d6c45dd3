{%- set gapless = cookiecutter.numbering == "gapless" %}
{%- set yearly = cookiecutter.ticket_scope == "yearly" -%}
{%- if gapless -%}
import pytest
{%- if yearly %}
from django.utils import timezone
{%- endif %}

from ...db.sequences import BIGINT_MAX
{%- if yearly %}
from ...testing.clock import ThreadClock
{%- endif %}
from ..models import TICKET_MAX, TicketCounter
from .numbers import set_ticket_max
{%- if yearly %}, this_year{% endif %}


@pytest.fixture
def wide_ticket_range(monkeypatch):
    """Give the test every bigint ticket number {%- if yearly %} in each year{% endif %}.

    The project may be generated with a tiny ticket_max (even 1). Tests that
    issue tickets use this fixture so they pass whatever ticket_max is. The
    tests about the range itself (running out) do not use it.
    """
    set_ticket_max(monkeypatch, BIGINT_MAX)


@pytest.fixture
def no_numbers_left():
    """A counter at TICKET_MAX{% if yearly %} for this year{% endif %}, as if every number had been issued."""
    TicketCounter.objects.create({% if yearly %}year=this_year(), {% endif %}last_number=TICKET_MAX)
{%- elif yearly -%}
from contextlib import ExitStack

import pytest
from django.utils import timezone

from ...testing.clock import ThreadClock
from ...testing.sequences import fetch_one, restored_afterwards, widened
from ..models import ticket_sequence
from .numbers import this_year


@pytest.fixture
def wide_ticket_range():
    """Give the test every bigint ticket number this year and next, then put the sequences back.

    The project may be generated with a tiny ticket_max (even 1), and numbers
    drawn by one test stay drawn for the next: a rollback does not return
    them. Tests that issue tickets use this fixture so they pass whatever
    ticket_max is. The tests about the range itself (the catalog, running
    out, the migration) do not use it.
    """
    with ExitStack() as stack:
        for year in (this_year(), this_year() + 1):
            stack.enter_context(widened(ticket_sequence(year)))
        yield


@pytest.fixture
def no_numbers_left():
    """Move this year's sequence to its MAXVALUE, as if every number had been used; restore it."""
    sequence = ticket_sequence(this_year())
    with restored_afterwards(sequence):
        fetch_one(
            "SELECT setval(%s, max_value) FROM pg_sequences WHERE sequencename = %s",
            [sequence, sequence],
        )
        yield
{%- else -%}
import pytest

from ...testing.sequences import fetch_one, restored_afterwards, widened
from ..models import TICKET_SEQUENCE


@pytest.fixture
def wide_ticket_range():
    """Give the test every bigint ticket number, then put the sequence back as it was.

    The project may be generated with a tiny ticket_max (even 1), and numbers
    drawn by one test stay drawn for the next: a rollback does not return
    them. Tests that issue tickets use this fixture so they pass whatever
    ticket_max is. The tests about the range itself (the catalog, running
    out, the migration) do not use it.
    """
    with widened(TICKET_SEQUENCE):
        yield


@pytest.fixture
def no_numbers_left():
    """Move the sequence to its MAXVALUE, as if every number had been issued; restore it after."""
    with restored_afterwards(TICKET_SEQUENCE):
        fetch_one(
            "SELECT setval(%s, max_value) FROM pg_sequences WHERE sequencename = %s",
            [TICKET_SEQUENCE, TICKET_SEQUENCE],
        )
        yield
{%- endif %}
{%- if yearly %}


@pytest.fixture
def thread_clock(monkeypatch):
    """timezone.now() answers each thread with the moment frozen on it (testing/clock.py)."""
    clock = ThreadClock()
    monkeypatch.setattr(timezone, "now", clock.now)
    return clock
{%- endif %}
