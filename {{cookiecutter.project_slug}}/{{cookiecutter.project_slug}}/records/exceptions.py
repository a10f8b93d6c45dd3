{%- set gapless = cookiecutter.numbering == "gapless" %}
{%- set yearly = cookiecutter.ticket_scope == "yearly" -%}
"""Errors the records app raises on purpose."""
{%- if not gapless %}

from contextlib import contextmanager

from django.db import DataError
{%- if yearly %}, ProgrammingError{% endif %}
from psycopg.errors import SequenceGeneratorLimitExceeded
{%- if yearly %}, UndefinedTable{% endif %}
{%- endif %}


class TicketsExhausted(Exception):
    """Every ticket number up to {% if gapless %}ticket_max{% else %}the sequence's MAXVALUE{% endif %} has been handed out {%- if yearly %} in a year{% endif %}."""

    def __init__(self, maxvalue{% if yearly %}, year=None{% endif %}):
        self.maxvalue = maxvalue
{%- if yearly %}
        self.year = year
        scope = "" if year is None else f" of {year}"
        super().__init__(
            f"Tickets are exhausted: every ticket number{scope} from 1 to {maxvalue} has been used."
        )
{%- else %}
        super().__init__(
            f"Tickets are exhausted: every ticket number from 1 to {maxvalue} has been used."
        )
{%- endif %}
{%- if not gapless %}


@contextmanager
def tickets_exhausted_on_limit(maxvalue{% if yearly %}, year_of=lambda: None{% endif %}):
    """Turn PostgreSQL's "sequence reached its maximum" error into TicketsExhausted.
{%- if yearly %}

    year_of() names the year that ran out; it is called only then, so reading
    it (a deferred created_at, say) costs nothing on the way that succeeds.
{%- endif %}

    nextval() past MAXVALUE fails with SQLSTATE 2200H, which Django raises as a
    DataError wrapping psycopg's SequenceGeneratorLimitExceeded. Any other
    error passes through unchanged.
    https://www.postgresql.org/docs/current/errcodes-appendix.html
    """
    try:
        yield
    except DataError as error:
        if isinstance(error.__cause__, SequenceGeneratorLimitExceeded):
            raise TicketsExhausted(maxvalue{% if yearly %}, year_of(){% endif %}) from error
        raise
{%- endif %}
{%- if not gapless and yearly %}


class TicketYearMissing(Exception):
    """No sequence numbers the tickets of a year yet: create_ticket_sequences creates it."""

    def __init__(self, year=None):
        self.year = year
        which = "a year" if year is None else str(year)
        super().__init__(
            f"There is no ticket sequence for {which}: run `python manage.py "
            "create_ticket_sequences` to create the sequences of this year and the next "
            "(docs/tickets.md, once a year)."
        )


@contextmanager
def year_sequence_missing(year_of=lambda: None):
    """Turn "relation does not exist" from nextval() of a year's sequence into TicketYearMissing.

    year_of() names the year, as for tickets_exhausted_on_limit().

    nextval('<name>') looks the sequence up when it runs; a missing one fails
    with SQLSTATE 42P01 (undefined_table), which Django raises as a
    ProgrammingError wrapping psycopg's UndefinedTable.
    """
    try:
        yield
    except ProgrammingError as error:
        if isinstance(error.__cause__, UndefinedTable):
            raise TicketYearMissing(year_of()) from error
        raise
{%- endif %}
