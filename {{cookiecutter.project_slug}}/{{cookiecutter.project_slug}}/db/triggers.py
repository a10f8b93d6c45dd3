"""Columns the database refuses to change: a migration operation that adds a trigger.

A value that must never change once written (a ticket's number, say) is only
safe if the database itself refuses the change: `QuerySet.update()`, raw SQL
and psql all bypass whatever the model's Python code promises.

`ForbidChange` creates a PL/pgSQL trigger function and a trigger that runs it
before every UPDATE naming one of the protected columns. The UPDATE fails,
with nothing written, if it would change one of them; an UPDATE that writes
the same value again (Model.save() does) passes, and DELETE is not affected.

https://www.postgresql.org/docs/current/sql-createtrigger.html
https://www.postgresql.org/docs/current/plpgsql-trigger.html
"""

from django.db import models
from django.db.migrations.operations.base import Operation, OperationCategory

from .names import check_identifier

# SQLSTATE 23000, integrity_constraint_violation: Django raises it as
# django.db.IntegrityError, like a violated constraint.
# https://www.postgresql.org/docs/current/errcodes-appendix.html
CHANGE_FORBIDDEN = "23000"

# The trigger passes the protected column names as arguments (TG_ARGV), so the
# function holds no names and nothing is pasted into PL/pgSQL. to_jsonb()
# turns a row into a document keyed by column name, which lets one function
# read any column by its name. The error names the table, the column and both
# values; the trigger's name is reported as the constraint.
FUNCTION_BODY = f"""
DECLARE
    protected text;
BEGIN
    FOREACH protected IN ARRAY TG_ARGV LOOP
        IF to_jsonb(OLD) -> protected IS DISTINCT FROM to_jsonb(NEW) -> protected THEN
            RAISE EXCEPTION '%.% cannot be changed (from % to %)',
                TG_TABLE_NAME, protected, to_jsonb(OLD) ->> protected, to_jsonb(NEW) ->> protected
            USING ERRCODE = '{CHANGE_FORBIDDEN}', TABLE = TG_TABLE_NAME, COLUMN = protected,
                CONSTRAINT = TG_NAME, HINT = 'It is written once, by INSERT, and never changed.';
        END IF;
    END LOOP;
    RETURN NEW;
END
"""


class ForbidChange(Operation):
    """Make PostgreSQL refuse any UPDATE that changes the given fields of a model.

    Forwards, with `name` as both the function's and the trigger's name:

        CREATE FUNCTION <name>() RETURNS trigger LANGUAGE plpgsql AS $$ ... $$;
        CREATE TRIGGER <name> BEFORE UPDATE OF <column>, ... ON <table>
            FOR EACH ROW EXECUTE FUNCTION <name>('<column>', ...);

    Backwards drops the trigger, then the function. The migration state is
    untouched: a trigger is not part of a model, so makemigrations never sees it.
    """

    reversible = True
    category = OperationCategory.ADDITION

    def __init__(self, name, model_name, field_names):
        self.name = check_identifier(name, "trigger")
        if not isinstance(model_name, str) or not model_name:
            raise ValueError(
                f"ForbidChange model_name must be a non-empty string, got {model_name!r}."
            )
        if (
            not isinstance(field_names, list | tuple)
            or not field_names
            or not all(isinstance(field, str) and field for field in field_names)
        ):
            raise ValueError(
                "ForbidChange field_names must be a non-empty list of field names, "
                f"got {field_names!r}."
            )
        if len(set(field_names)) != len(field_names):
            raise ValueError(
                f"ForbidChange field_names must not repeat a name, got {field_names!r}."
            )
        self.model_name = model_name
        self.field_names = list(field_names)

    @property
    def model_name_lower(self):
        return self.model_name.lower()

    def deconstruct(self):
        kwargs = {"name": self.name, "model_name": self.model_name, "field_names": self.field_names}
        return self.__class__.__qualname__, [], kwargs

    def state_forwards(self, app_label, state):
        # Nothing changes in the state; only check that the fields are columns of the model.
        model_state = state.models.get((app_label, self.model_name_lower))
        if model_state is None:
            raise ValueError(f"{self.describe()}: there is no model {app_label}.{self.model_name}.")
        for field_name in self.field_names:
            field = model_state.fields.get(field_name)
            if field is None or field.many_to_many or isinstance(field, models.GeneratedField):
                raise ValueError(
                    f"{self.describe()}: {app_label}.{self.model_name}.{field_name} must be a "
                    "field stored in a column of its own."
                )

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        quote = schema_editor.quote_name
        columns = [model._meta.get_field(field_name).column for field_name in self.field_names]
        # params=None: the body's % signs are PL/pgSQL's, not placeholders.
        schema_editor.execute(
            f"CREATE FUNCTION {quote(self.name)}() RETURNS trigger LANGUAGE plpgsql "
            f"AS $body${FUNCTION_BODY}$body$",
            None,
        )
        placeholders = ", ".join(["%s"] * len(columns))
        schema_editor.execute(
            f"CREATE TRIGGER {quote(self.name)} "
            f"BEFORE UPDATE OF {', '.join(map(quote, columns))} ON {quote(model._meta.db_table)} "
            f"FOR EACH ROW EXECUTE FUNCTION {quote(self.name)}({placeholders})",
            columns,
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"DROP TRIGGER {quote(self.name)} ON {quote(model._meta.db_table)}", None
        )
        schema_editor.execute(f"DROP FUNCTION {quote(self.name)}()", None)

    def describe(self):
        fields = ", ".join(f"{self.model_name}.{field}" for field in self.field_names)
        return f"Forbid changes to {fields} (trigger {self.name})"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name_lower}_{'_'.join(self.field_names).lower()}_immutable"
