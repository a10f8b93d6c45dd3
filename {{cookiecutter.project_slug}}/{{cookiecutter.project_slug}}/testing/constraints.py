"""Helpers for tests of deferrable constraints.

A DEFERRABLE INITIALLY DEFERRED constraint is checked at COMMIT. A test that runs
inside a transaction that is rolled back (pytest-django's `db` fixture, Django's
TestCase) never commits, so Django checks deferred constraints when the test is
torn down: a violation then fails the test after its last line, far from the
statement that caused it, or is hidden by an earlier error of the test's own.
Call check_deferred_constraints() right after the statements you want checked.

constraint_in_catalog() reads what PostgreSQL really created, and
constraint_replaced() swaps a constraint for a differently deferrable copy, for
control tests that show what Django's defaults would do.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction


def check_deferred_constraints(using=DEFAULT_DB_ALIAS):
    """Check every deferred constraint now; raise IntegrityError if one is violated.

    `SET CONSTRAINTS ALL IMMEDIATE` checks at once every change that waits for
    COMMIT; then each constraint goes back to the mode it was created with. (Django's
    connection.check_constraints() ends with `SET CONSTRAINTS ALL DEFERRED` instead,
    which for the rest of the transaction also defers the constraints created
    DEFERRABLE INITIALLY IMMEDIATE, so a test of one of those would pass when it
    should fail.) After an IntegrityError the transaction is unusable: wrap the
    statements and this call in `transaction.atomic()` to go on in the same test.
    https://www.postgresql.org/docs/current/sql-set-constraints.html
    """
    with connections[using].cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _restore_initial_modes(cursor)


def _restore_initial_modes(cursor):
    """Defer again every constraint created INITIALLY DEFERRED, and only those.

    After `SET CONSTRAINTS ALL ...` PostgreSQL no longer looks at how a constraint
    was created, not even for constraints created later in the transaction, so the
    deferred ones are named one by one (schema-qualified and quoted by format()).
    """
    cursor.execute(
        "SELECT DISTINCT format('%I.%I', nspname, conname)"
        " FROM pg_constraint JOIN pg_namespace ON pg_namespace.oid = connamespace"
        " WHERE condeferred"
    )
    names = [name for (name,) in cursor.fetchall()]
    if names:
        cursor.execute(f"SET CONSTRAINTS {', '.join(names)} DEFERRED")


@dataclass(frozen=True)
class CatalogConstraint:
    """One row of pg_constraint, the catalog PostgreSQL enforces constraints from."""

    kind: str  # contype: "u" unique, "x" exclusion, "p" primary key, "f" foreign key, "c" check
    deferrable: bool
    deferred: bool
    definition: str  # pg_get_constraintdef(), the constraint as PostgreSQL would write it


def constraint_in_catalog(model, name, using=DEFAULT_DB_ALIAS):
    """The constraint `name` on the model's table as PostgreSQL holds it, or None.

    None also when Django created a unique *index* under that name: an index is not
    a constraint and has no DEFERRABLE clause.
    https://www.postgresql.org/docs/current/catalog-pg-constraint.html
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contype, condeferrable, condeferred, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE conrelid = %s::regclass AND conname = %s",
            [connection.ops.quote_name(model._meta.db_table), name],
        )
        row = cursor.fetchone()
    return None if row is None else CatalogConstraint(*row)


@contextmanager
def constraint_replaced(model, name, *, deferrable, using=DEFAULT_DB_ALIAS):
    """Inside the block, the model's constraint `name` has another `deferrable`.

    For controls: run the same statements against a copy with Django's default
    (deferrable=None, which is NOT DEFERRABLE) or Deferrable.IMMEDIATE and show
    what changes. The copy is made with Django's own DDL (drop, then add) in a
    savepoint that is rolled back when the block ends, so the real constraint is
    back afterwards, whatever happened inside.
    """
    declared = {constraint.name: constraint for constraint in model._meta.constraints}
    if name not in declared:
        raise LookupError(
            f"{model._meta.label} declares no constraint named {name!r}; "
            f"it declares {sorted(declared)}."
        )
    original = declared[name]
    _, args, kwargs = original.deconstruct()
    copy = type(original)(*args, **{**kwargs, "deferrable": deferrable})
    connection = connections[using]
    with transaction.atomic(using=using):
        # PostgreSQL refuses ALTER TABLE while checks are still waiting for COMMIT
        # ("pending trigger events"), so run them first.
        check_deferred_constraints(using)
        with connection.schema_editor() as editor:
            editor.remove_constraint(model, original)
            editor.add_constraint(model, copy)
        # The copy is newer than the SET CONSTRAINTS above; give it its own mode.
        with connection.cursor() as cursor:
            _restore_initial_modes(cursor)
        yield copy
        transaction.set_rollback(True, using=using)
