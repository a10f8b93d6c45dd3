"""Read PostgreSQL sequences from the catalog, and adjust one for a single test.

Sequence changes are not undone by a test's rollback the way row changes are:
a number drawn with nextval() stays drawn. These helpers put a sequence back
exactly as they found it.
"""

from contextlib import contextmanager

from django.db import connection

from ..db.sequences import BIGINT_MAX


def fetch_one(sql, params=()):
    """Run one query on the default connection and return its single row."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def sequence_catalog(name):
    """The sequence's row in pg_sequences as a dict, or None when there is no such sequence."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data_type::text, start_value, min_value, max_value, increment_by, cycle, "
            "last_value FROM pg_sequences WHERE sequencename = %s",
            [name],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([column.name for column in cursor.description], row, strict=True))


def sequence_position(name):
    """(last_value, is_called), read from the sequence itself: where it stands."""
    return fetch_one(f"SELECT last_value, is_called FROM {connection.ops.quote_name(name)}")


def alter_sequence(name, changes):
    """ALTER SEQUENCE name <changes>. Values are written into the SQL: PostgreSQL
    takes no bound parameters in DDL."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER SEQUENCE {connection.ops.quote_name(name)} {changes}")


@contextmanager
def restored_afterwards(name):
    """Let a test move or reshape the sequence; afterwards put back its MAXVALUE and position."""
    maxvalue = sequence_catalog(name)["max_value"]
    last_value, is_called = sequence_position(name)
    try:
        yield
    finally:
        alter_sequence(name, f"MAXVALUE {maxvalue:d} RESTART")  # RESTART: the test may
        # have left the sequence above the old MAXVALUE; setval() then puts it back.
        fetch_one("SELECT setval(%s, %s, %s)", [name, last_value, is_called])


@contextmanager
def widened(name):
    """Raise the sequence's MAXVALUE to bigint's until the block ends, then restore it."""
    with restored_afterwards(name):
        alter_sequence(name, f"MAXVALUE {BIGINT_MAX:d}")
        yield


def next_value(name):
    """The number the sequence's next nextval() will return, read without drawing it."""
    last_value, is_called = sequence_position(name)
    return last_value + 1 if is_called else last_value
