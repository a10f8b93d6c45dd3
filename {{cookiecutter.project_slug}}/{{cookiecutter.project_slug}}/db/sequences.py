"""PostgreSQL sequences as Django pieces: an expression and a migration operation.

A sequence is a counter inside PostgreSQL that hands each caller a different
number, however many transactions ask at the same moment, without making them
wait for each other. That is what a column of unique, human-readable numbers
needs; `max() + 1` computed in Python is not (docs/tickets.md explains why).

- `NextVal("name")` is the SQL expression `nextval('name')`. Declared as a
  field's `db_default`, it lets the database number each new row inside the
  INSERT itself; Django reads the number back with RETURNING.
- `CreateSequence` is the migration operation that creates the sequence, makes
  it the column's default and ties the sequence's life to the column.
- `CreateYearSequences` creates one sequence per year ahead of time, for
  numbers that start from 1 each year; `create_year_sequences` is the same
  step for a management command to run before each new year.

https://www.postgresql.org/docs/current/sql-createsequence.html
https://www.postgresql.org/docs/current/functions-sequence.html
"""

from django.db import NotSupportedError, models
from django.db.migrations.operations.base import Operation, OperationCategory
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

from .names import check_identifier

# The largest PostgreSQL bigint, and so the largest value a sequence can reach.
BIGINT_MAX = 9_223_372_036_854_775_807


def check_sequence_name(name):
    """Return `name` if it is a usable sequence name, else raise ValueError naming it."""
    return check_identifier(name, "sequence")


class NextVal(models.Func):
    """The SQL expression `nextval('<sequence>')`: the sequence's next number.

    Use it as a field's `db_default`; it is not meant for queries. Each call
    advances the sequence, even in a transaction that later rolls back.
    """

    function = "nextval"
    arity = 1
    output_field = models.BigIntegerField()

    def __init__(self, sequence):
        super().__init__(models.Value(check_sequence_name(sequence)))


class CreateSequence(Operation):
    """Number a model's integer field from a new sequence, starting after its highest value.

    Forwards, inside the migration's transaction:

        CREATE SEQUENCE <name> AS bigint MINVALUE 0 START WITH 1 MAXVALUE <maxvalue>
            NO CYCLE OWNED BY <table>.<column>;
        ALTER TABLE <table> ALTER COLUMN <column> SET DEFAULT (nextval('<name>'));
        SELECT setval('<name>', max(<column>)) FROM <table> HAVING max(<column>) >= 1;

    so a table that already holds numbers keeps them and new rows continue
    after the highest one. Backwards drops the default, then the sequence.

    In the migration state the field gains `db_default=NextVal(name)`, so the
    model declares exactly that and makemigrations finds nothing to add.
    """

    reversible = True
    category = OperationCategory.ADDITION

    def __init__(self, name, model_name, field_name, maxvalue):
        self.name = check_sequence_name(name)
        for argument, value in (("model_name", model_name), ("field_name", field_name)):
            if not isinstance(value, str) or not value:
                raise ValueError(
                    f"CreateSequence {argument} must be a non-empty string, got {value!r}."
                )
        if isinstance(maxvalue, bool) or not isinstance(maxvalue, int):
            raise ValueError(f"CreateSequence maxvalue must be an int, got {maxvalue!r}.")
        if not 1 <= maxvalue <= BIGINT_MAX:
            raise ValueError(
                f"CreateSequence maxvalue must be from 1 to {BIGINT_MAX}, got {maxvalue}."
            )
        self.model_name = model_name
        self.field_name = field_name
        self.maxvalue = maxvalue

    @property
    def model_name_lower(self):
        return self.model_name.lower()

    def deconstruct(self):
        kwargs = {
            "name": self.name,
            "model_name": self.model_name,
            "field_name": self.field_name,
            "maxvalue": self.maxvalue,
        }
        return self.__class__.__qualname__, [], kwargs

    def state_forwards(self, app_label, state):
        model_key = (app_label, self.model_name_lower)
        if model_key not in state.models:
            raise ValueError(f"{self.describe()}: there is no model {app_label}.{self.model_name}.")
        field = state.models[model_key].fields.get(self.field_name)
        if not isinstance(field, models.IntegerField) or isinstance(field, AutoFieldMixin):
            raise ValueError(
                f"{self.describe()}: {app_label}.{self.model_name}.{self.field_name} must be an "
                "integer field that is not an AutoField."
            )
        numbered = field.clone()
        numbered.db_default = NextVal(self.name)
        state.alter_field(
            app_label, self.model_name_lower, self.field_name, numbered, preserve_default=True
        )

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        self._check_transaction(schema_editor)
        field = model._meta.get_field(self.field_name)
        _, highest = schema_editor.connection.ops.integer_field_range(field.get_internal_type())
        if self.maxvalue > highest:
            raise ValueError(
                f"{self.describe()}: maxvalue {self.maxvalue} does not fit the column, "
                f"whose highest value is {highest}."
            )
        quote = schema_editor.quote_name
        table, column = quote(model._meta.db_table), quote(field.column)
        # Numbers run from 1 (START WITH) up to maxvalue, then stop (NO CYCLE).
        # MINVALUE is 0 only because PostgreSQL wants it below MAXVALUE, and a
        # range of a single number (maxvalue 1) must work too; a sequence that
        # starts at 1 and counts up never hands out 0.
        schema_editor.execute(
            f"CREATE SEQUENCE {quote(self.name)} AS bigint MINVALUE 0 START WITH 1 MAXVALUE %s "
            f"NO CYCLE OWNED BY {table}.{column}",
            [self.maxvalue],
        )
        # Django's own ALTER COLUMN ... SET DEFAULT, rendered from NextVal. It
        # takes an ACCESS EXCLUSIVE lock on the table until the migration
        # commits, so no row can arrive between reading the highest number
        # below and the sequence continuing after it.
        from_model = from_state.apps.get_model(app_label, self.model_name)
        schema_editor.alter_field(from_model, from_model._meta.get_field(self.field_name), field)
        # setval(n) makes the next nextval() return n + 1. An empty table (or
        # one holding only numbers below 1) leaves the sequence at its start, 1.
        # A number above maxvalue makes setval fail, naming the value: such a
        # table cannot be numbered within this range.
        schema_editor.execute(
            f"SELECT setval(%s, max({column})) FROM {table} HAVING max({column}) >= 1",
            [self.name],
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        self._check_transaction(schema_editor)
        to_model = to_state.apps.get_model(app_label, self.model_name)
        schema_editor.alter_field(
            model,
            model._meta.get_field(self.field_name),
            to_model._meta.get_field(self.field_name),
        )
        schema_editor.execute(f"DROP SEQUENCE {schema_editor.quote_name(self.name)}")

    def _check_transaction(self, schema_editor):
        # Outside a transaction, rows could be inserted between the steps and
        # collide with the numbers the sequence is about to hand out.
        if not schema_editor.connection.in_atomic_block:
            raise NotSupportedError(
                f"{self.describe()}: must run inside a transaction "
                "(leave atomic = True on the migration)."
            )

    def describe(self):
        return (
            f"Create sequence {self.name} numbering {self.model_name}.{self.field_name} "
            f"up to {self.maxvalue}"
        )

    @property
    def migration_name_fragment(self):
        return f"{self.model_name_lower}_{self.field_name.lower()}_sequence"


def create_year_sequences(cursor, quote, prefix, years, maxvalue, owned_by):
    """Create the sequences `<prefix><year>` of the given years that do not exist yet.

    Each counts from 1 to `maxvalue` without cycling, like CreateSequence's,
    and belongs to the column `owned_by` ("<table>.<column>", quoted), so
    dropping the column or its table drops them too. Returns the names of
    the sequences it created. `quote` is the connection's ops.quote_name.
    """
    created = []
    for year in sorted(years):
        name = check_sequence_name(f"{prefix}{year:d}")
        cursor.execute("SELECT to_regclass(%s)", [quote(name)])
        if cursor.fetchone()[0] is None:
            # DDL takes no bound parameters: the number is written in, as an int.
            cursor.execute(
                f"CREATE SEQUENCE {quote(name)} AS bigint MINVALUE 0 START WITH 1 "
                f"MAXVALUE {int(maxvalue):d} NO CYCLE OWNED BY {owned_by}"
            )
            created.append(name)
    return created


class CreateYearSequences(Operation):
    """Create one numbering sequence per year, named `<prefix><year>`, ahead of time.

    Forwards, for the current year (in settings.TIME_ZONE) and the next
    `years_ahead` years, each sequence that does not exist yet:

        CREATE SEQUENCE <prefix><year> AS bigint MINVALUE 0 START WITH 1 MAXVALUE <maxvalue>
            NO CYCLE OWNED BY <table>.<column>;

    Later years are created by the same function (create_year_sequences)
    from a management command, before they begin, so no request ever has to
    create one. Backwards drops every sequence named `<prefix>` and four
    digits, whoever created it. The migration state is untouched: the
    application names the year's sequence in its INSERT, so the column has
    no default.
    """

    reversible = True
    category = OperationCategory.ADDITION

    def __init__(self, prefix, model_name, field_name, maxvalue, years_ahead=1):
        self.prefix = check_sequence_name(prefix)
        for argument, value in (("model_name", model_name), ("field_name", field_name)):
            if not isinstance(value, str) or not value:
                raise ValueError(
                    f"CreateYearSequences {argument} must be a non-empty string, got {value!r}."
                )
        if isinstance(maxvalue, bool) or not isinstance(maxvalue, int):
            raise ValueError(f"CreateYearSequences maxvalue must be an int, got {maxvalue!r}.")
        if not 1 <= maxvalue <= BIGINT_MAX:
            raise ValueError(
                f"CreateYearSequences maxvalue must be from 1 to {BIGINT_MAX}, got {maxvalue}."
            )
        if isinstance(years_ahead, bool) or not isinstance(years_ahead, int) or years_ahead < 0:
            raise ValueError(
                f"CreateYearSequences years_ahead must be a whole number, got {years_ahead!r}."
            )
        self.model_name = model_name
        self.field_name = field_name
        self.maxvalue = maxvalue
        self.years_ahead = years_ahead

    def deconstruct(self):
        kwargs = {
            "prefix": self.prefix,
            "model_name": self.model_name,
            "field_name": self.field_name,
            "maxvalue": self.maxvalue,
            "years_ahead": self.years_ahead,
        }
        return self.__class__.__qualname__, [], kwargs

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        quote = schema_editor.quote_name
        column = model._meta.get_field(self.field_name).column
        this_year = timezone.localdate(timezone=timezone.get_default_timezone()).year
        with schema_editor.connection.cursor() as cursor:
            create_year_sequences(
                cursor,
                quote,
                self.prefix,
                range(this_year, this_year + self.years_ahead + 1),
                self.maxvalue,
                f"{quote(model._meta.db_table)}.{quote(column)}",
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT sequencename FROM pg_sequences "
                "WHERE schemaname = current_schema() AND sequencename ~ %s",
                [f"^{self.prefix}[0-9][0-9][0-9][0-9]$"],
            )
            for (name,) in cursor.fetchall():
                schema_editor.execute(f"DROP SEQUENCE {schema_editor.quote_name(name)}")

    def describe(self):
        return (
            f"Create a sequence per year, {self.prefix}<year>, numbering "
            f"{self.model_name}.{self.field_name} up to {self.maxvalue}"
        )

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_year_sequences"
