"""Names of the database objects the project's migration operations create.

Plain lowercase identifiers read the same quoted or not, so a name written in
SQL (nextval('...'), DROP TRIGGER ...) is exactly the name in the catalog
(pg_sequences, pg_trigger, pg_proc). 63 bytes is PostgreSQL's identifier
limit; it silently truncates longer names.
https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS
"""

import re

IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def check_identifier(name, kind):
    """Return `name` if it is a usable name for a `kind` of object, else raise ValueError."""
    if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
        raise ValueError(
            f"A {kind} name must be a lowercase identifier (a-z, 0-9 and _, not starting "
            f"with a digit) of at most 63 characters, got {name!r}."
        )
    return name
