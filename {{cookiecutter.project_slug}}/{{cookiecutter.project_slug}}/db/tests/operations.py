"""Apply one migration operation straight to the database, as migrate does, for tests."""

from django.db import connection


def forwards(app_label, operation, state):
    """Apply `operation` forwards from `state`; return the state after it."""
    after = state.clone()
    operation.state_forwards(app_label, after)
    with connection.schema_editor() as editor:
        operation.database_forwards(app_label, editor, state, after)
    return after


def backwards(app_label, operation, before, after):
    """Unapply `operation`, which took the database from state `before` to `after`."""
    with connection.schema_editor() as editor:
        operation.database_backwards(app_label, editor, after, before)
