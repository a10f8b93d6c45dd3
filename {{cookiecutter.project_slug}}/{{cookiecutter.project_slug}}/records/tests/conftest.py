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
