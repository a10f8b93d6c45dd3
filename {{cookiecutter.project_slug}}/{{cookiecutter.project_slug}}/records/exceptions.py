"""Errors the records app raises on purpose."""

from contextlib import contextmanager

from django.db import DataError
from psycopg.errors import SequenceGeneratorLimitExceeded


class TicketsExhausted(Exception):
    """Every ticket number up to the sequence's MAXVALUE has been handed out."""

    def __init__(self, maxvalue):
        self.maxvalue = maxvalue
        super().__init__(
            f"Tickets are exhausted: every ticket number from 1 to {maxvalue} has been used."
        )


@contextmanager
def tickets_exhausted_on_limit(maxvalue):
    """Turn PostgreSQL's "sequence reached its maximum" error into TicketsExhausted.

    nextval() past MAXVALUE fails with SQLSTATE 2200H, which Django raises as a
    DataError wrapping psycopg's SequenceGeneratorLimitExceeded. Any other
    error passes through unchanged.
    https://www.postgresql.org/docs/current/errcodes-appendix.html
    """
    try:
        yield
    except DataError as error:
        if isinstance(error.__cause__, SequenceGeneratorLimitExceeded):
            raise TicketsExhausted(maxvalue) from error
        raise
