{%- set gapless = cookiecutter.numbering == "gapless" %}
{%- set yearly = cookiecutter.ticket_scope == "yearly" -%}
"""Records, keyed by UUID, and their tickets, numbered by
{%- if gapless %} a counter row {%- if yearly %} per year{% endif %}, without gaps.
{%- elif yearly %} a PostgreSQL sequence per year.
{%- else %} a PostgreSQL sequence.
{%- endif %}

A record gets its ticket the first time it is saved, in the same transaction,
and the number never changes after that: PostgreSQL refuses the change (a
trigger, migration 0003). docs/tickets.md explains the design.
"""

import uuid
from typing import NamedTuple

{% if yearly -%}
from django.conf import settings
{% endif -%}
from django.db import connections, models, router, transaction
{%- if yearly %}
from django.utils import timezone
{%- endif %}

{% if not gapless and not yearly -%}
from ..db.sequences import NextVal
{% endif -%}
from .display import DISPLAY, lookups
{%- if gapless %}
from .exceptions import TicketsExhausted
{%- elif yearly %}
from .exceptions import tickets_exhausted_on_limit, year_sequence_missing
{%- else %}
from .exceptions import tickets_exhausted_on_limit
{%- endif %}
{%- if not gapless and not yearly %}

# The sequence behind Ticket.number; migration 0002 creates it.
TICKET_SEQUENCE = "records_ticket_number_seq"

# The highest ticket number. The database enforces it (the sequence's MAXVALUE,
# set in migration 0002); this copy only words the TicketsExhausted message.
# Change both together: records/tests/test_ticket_sequence.py compares them.
TICKET_MAX = {{ cookiecutter.ticket_max }}
{%- elif not gapless %}

# Each year's tickets are numbered by a sequence of their own, named for the
# year; migration 0002 and the create_ticket_sequences command create them
# ahead of time, so no request ever runs DDL (docs/tickets.md).
TICKET_SEQUENCE_PREFIX = "records_ticket_number_"

# The highest ticket number of a year. The database enforces it (each
# sequence's MAXVALUE); this copy words the TicketsExhausted message and is
# the MAXVALUE create_ticket_sequences gives new years.
TICKET_MAX = {{ cookiecutter.ticket_max }}
{%- else %}

# The highest ticket number {%- if yearly %} of a year{% endif %}. The statements that issue
# numbers stop there: the counter never passes it.
TICKET_MAX = {{ cookiecutter.ticket_max }}
{%- endif %}
{%- if yearly %}


def ticket_year(created_at):
    """The year a record's tickets count in: its created_at's year in settings.TIME_ZONE."""
    return timezone.localtime(created_at, timezone.get_default_timezone()).year
{%- endif %}
{%- if not gapless and yearly %}


def ticket_sequence(year):
    """The name of the sequence that numbers `year`'s tickets."""
    return f"{TICKET_SEQUENCE_PREFIX}{year:d}"
{%- endif %}


class RecordQuerySet(models.QuerySet):
    """Records loaded with their ticket (or the knowledge that they have none).

    The default manager joins the ticket (a LEFT JOIN on its unique record_id
    index), so every record it loads knows whether it has a ticket, and its
    next save() is a single UPDATE: it never has to ask the database whether a
    ticket still needs issuing. Two QuerySet methods are adjusted to the join.
    """

    def only(self, *fields):
        # Django refuses to defer a relation that select_related follows, so
        # keep loading the ticket along with the fields asked for.
        if self._joins_ticket() and not any(f.split("__")[0] == "ticket" for f in fields):
            fields = (*fields, "ticket")
        return super().only(*fields)

    def select_for_update(self, nowait=False, skip_locked=False, of=(), no_key=False):
        # PostgreSQL cannot lock the nullable side of an outer join, and a
        # missing ticket is that side: lock the record rows only, unless told
        # otherwise. update_or_create() goes through here too.
        # https://www.postgresql.org/docs/current/sql-select.html#SQL-FOR-UPDATE-SHARE
        if not of and self._joins_ticket():
            of = ("self",)
        return super().select_for_update(
            nowait=nowait, skip_locked=skip_locked, of=of, no_key=no_key
        )

    def _joins_ticket(self):
        related = self.query.select_related
        return isinstance(related, dict) and "ticket" in related


class RecordManager(models.Manager.from_queryset(RecordQuerySet)):
    """Record.objects: every query loads each record's ticket with it."""

    def get_queryset(self):
        return super().get_queryset().select_related("ticket")


class Record(models.Model):
    """Something the service desk tracks, with a ticket number people can quote."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=200)
    # db_default as well as default, so rows written outside Django (psql,
    # COPY) get an empty description too. Django reads the column back with
    # RETURNING after each INSERT.
    description = models.TextField(blank=True, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RecordManager()

    class Meta:
        # issue_tickets works through the records in created_at order.
        indexes = (models.Index(fields=["created_at", "id"], name="records_record_created_idx"),)

    def __str__(self):
        return self.title

    def save(self, **kwargs):
        """Save the record. The first save also issues its ticket, in the same transaction.

        A new record costs two statements: INSERT the record, INSERT its ticket
        ... RETURNING "number". A record saved before costs one UPDATE when it
        was loaded through Record.objects, which loads its ticket with it. A
        record saved before without a ticket (bulk_create, import_records)
        gets its ticket now; so does a record whose ticket is not in memory
        (loaded some other way), with one more statement that finds an
        existing ticket without drawing a number and keeps it in memory.

        Raises TicketsExhausted, with nothing saved, when no number is left.
        """
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        adding = self._state.adding
        try:
            # savepoint=False: inside a caller's transaction this adds no
            # SAVEPOINT round trips; a failure fails the caller's transaction
            # as a whole, like any other failed save.
            with transaction.atomic(using=using, savepoint=False):
                super().save(**kwargs)
                tickets = Ticket.objects.db_manager(using)
                if adding:
                    tickets.issue_new(self)
                elif self._loaded_ticket() is None:
                    tickets.issue_for(self)
        except BaseException:
            # Everything above was rolled back: the instance is as unsaved as before.
            self._state.adding = adding
            raise

    def _loaded_ticket(self):
        """This instance's ticket if it is already in memory, else None. Never queries."""
        return type(self).ticket.related.get_cached_value(self, default=None)


class Backfill(NamedTuple):
    """What one TicketManager.issue_missing() batch did."""

    checked: int  # records looked at
    issued: int  # tickets issued
    unnumbered: int  # ticketless records left so: {% if yearly %}their year{% else %}the numbering{% endif %} had no number left
    last_position: tuple | None  # (created_at, id) of the last record looked at; None: none left
    ticket_max: int  # the highest number {%- if yearly %} of a year{% endif %}


# A batch of the backfill: the next records in created_at order (ties by id),
# read from the (created_at, id) index however far the backfill has got.
# Tickets go in in that order, so numbers follow the order records were made
# in, and two runs at once take their locks in the same order: no deadlock.
BATCH = """
    SELECT id, created_at {%- if yearly %},
        {record_year} AS year{% endif %}
    FROM {record_table}
    {start}
    ORDER BY created_at, id
    LIMIT %(limit)s
"""
AFTER = "WHERE (created_at, id) > (%(after_created_at)s, %(after_id)s)"
{%- if yearly %}

# The year a record's tickets count in, in SQL: created_at's year in
# settings.TIME_ZONE, as ticket_year() reads it in Python.
RECORD_YEAR = "extract(year FROM created_at AT TIME ZONE %(time_zone)s)::integer"
{%- endif %}
{%- if not gapless %}

# A record saved before may already have a ticket. NOT EXISTS sees a committed
# ticket without drawing a number, and the second SELECT returns it; ON
# CONFLICT handles one that another transaction is inserting at this moment
# (see TicketManager.issue_for). Both SELECTs read the same snapshot, taken
# before the INSERT, so the statement returns at most one row.
{%- if yearly %}
# The year comes from the record's row, so a record loaded without its
# created_at (only(), defer()) costs no extra query.
{%- endif %}
ISSUE_FOR_RECORD = """
{%- if yearly %}
    WITH record AS (
        SELECT {record_year} AS year FROM {record_table} WHERE id = %(record)s
    ), issued AS (
        INSERT INTO {ticket_table} (record_id, year, number)
        SELECT %(record)s, year, nextval((%(sequence_prefix)s || year)::regclass) FROM record
        WHERE NOT EXISTS (SELECT FROM {ticket_table} WHERE record_id = %(record)s)
        ON CONFLICT (record_id) DO NOTHING
        RETURNING year, number
    )
    SELECT year, number, true FROM issued
    UNION ALL
    SELECT year, number, false FROM {ticket_table} WHERE record_id = %(record)s
{%- else %}
    WITH issued AS (
        INSERT INTO {ticket_table} (record_id)
        SELECT %(record)s
        WHERE NOT EXISTS (SELECT FROM {ticket_table} WHERE record_id = %(record)s)
        ON CONFLICT (record_id) DO NOTHING
        RETURNING number
    )
    SELECT number, true FROM issued
    UNION ALL
    SELECT number, false FROM {ticket_table} WHERE record_id = %(record)s
{%- endif %}
"""
{%- endif %}
{%- if not gapless and not yearly %}

# One batch of the backfill: tickets for the batch's records that have none.
#
# The INSERT takes no more records than the sequence has numbers left, read in
# the same statement: nextval() past MAXVALUE fails the whole statement, and
# every number it drew before that would be lost. MAXVALUE comes from
# pg_sequences; the position from the sequence itself, because
# pg_sequences.last_value is NULL before the first nextval() and after
# setval(..., false), when last_value is the next number, not the last one.
# https://www.postgresql.org/docs/current/view-pg-sequences.html
# https://www.postgresql.org/docs/current/functions-sequence.html
ISSUE_MISSING = """
    WITH batch AS ({batch}), missing AS (
        SELECT id, created_at FROM batch
        WHERE NOT EXISTS (SELECT FROM {ticket_table} WHERE record_id = batch.id)
    ), numbers AS (
        SELECT
            catalog.max_value,
            catalog.max_value - seq.last_value
                + CASE WHEN seq.is_called THEN 0 ELSE 1 END AS numbers_left
        FROM pg_sequences AS catalog, {sequence} AS seq
        WHERE catalog.schemaname = current_schema() AND catalog.sequencename = %(sequence)s
    ), issued AS (
        INSERT INTO {ticket_table} (record_id)
        SELECT id FROM missing
        ORDER BY created_at, id
        LIMIT (SELECT numbers_left FROM numbers)
        ON CONFLICT (record_id) DO NOTHING
        RETURNING number
    ), last AS (
        SELECT created_at, id FROM batch ORDER BY created_at DESC, id DESC LIMIT 1
    )
    SELECT
        (SELECT count(*) FROM batch),
        (SELECT count(*) FROM issued),
        (SELECT greatest(count(*) - (SELECT numbers_left FROM numbers), 0) FROM missing),
        (SELECT created_at FROM last),
        (SELECT id FROM last),
        (SELECT max_value FROM numbers)
""".replace("{batch}", BATCH)
{%- elif not gapless %}

# A new record's ticket, numbered by its year's sequence. nextval() takes the
# sequence's name as text and looks it up when the statement runs: a year
# whose sequence does not exist yet fails with undefined_table (42P01).
ISSUE_NEW = """
    INSERT INTO {ticket_table} (record_id, year, number)
    VALUES (%(record)s, %(year)s, nextval(%(sequence)s))
    RETURNING number
"""

# One batch of the backfill: tickets for the batch's records that have none,
# each from its own year's sequence, in created_at order within the year.
#
# Each year takes no more records than its sequence has numbers left, read in
# the same statement: nextval() past MAXVALUE fails the whole statement, and
# every number it drew before that would be lost. pg_sequences.last_value is
# NULL until the sequence's first nextval() (these sequences are only ever
# moved by nextval() and setval(n), so NULL means none drawn). A year without
# a sequence keeps one record in the INSERT, so that its nextval() fails with
# undefined_table and the error can name the year.
# https://www.postgresql.org/docs/current/view-pg-sequences.html
ISSUE_MISSING = """
    WITH batch AS ({batch}), missing AS (
        SELECT id, created_at, year,
            row_number() OVER (PARTITION BY year ORDER BY created_at, id) AS position
        FROM batch
        WHERE NOT EXISTS (SELECT FROM {ticket_table} WHERE record_id = batch.id)
    ), numbers AS (
        SELECT years.year, catalog.max_value, coalesce(
            catalog.max_value - coalesce(catalog.last_value, catalog.start_value - 1), 1
        ) AS numbers_left
        FROM (SELECT DISTINCT year FROM missing) AS years
        LEFT JOIN pg_sequences AS catalog
            ON catalog.schemaname = current_schema()
            AND catalog.sequencename = %(sequence_prefix)s || years.year
    ), issued AS (
        INSERT INTO {ticket_table} (record_id, year, number)
        SELECT id, year, nextval((%(sequence_prefix)s || year)::regclass)
        FROM (
            SELECT missing.* FROM missing JOIN numbers USING (year)
            WHERE position <= numbers_left
            ORDER BY created_at, id
        ) AS numbered
        ON CONFLICT (record_id) DO NOTHING
        RETURNING number
    ), last AS (
        SELECT created_at, id FROM batch ORDER BY created_at DESC, id DESC LIMIT 1
    )
    SELECT
        (SELECT count(*) FROM batch),
        (SELECT count(*) FROM issued),
        (SELECT count(*) FROM missing JOIN numbers USING (year) WHERE position > numbers_left),
        (SELECT created_at FROM last),
        (SELECT id FROM last),
        (SELECT max(max_value) FROM numbers)
""".replace("{batch}", BATCH)
{%- else %}

# A gapless number is the counter row's next value, drawn by the statement
# that issues the ticket. The upsert creates the row for the first ticket
# {%- if yearly %} of a year{% endif %} and
# otherwise updates it, which locks it until the transaction ends: the next
# writer {%- if yearly %} of the same year{% endif %} waits here, and a rollback takes the number back
# with the ticket, so the committed numbers run 1, 2, 3... without a gap. At
# TICKET_MAX the WHERE leaves the row alone, nothing is returned, and no
# ticket is issued.
# https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT
ISSUE_NEW = """
    WITH drawn AS (
{%- if yearly %}
        INSERT INTO {counter_table} AS counter (year, last_number) VALUES (%(year)s, 1)
        ON CONFLICT (year) DO UPDATE SET last_number = counter.last_number + 1
{%- else %}
        INSERT INTO {counter_table} AS counter (id, last_number) VALUES (1, 1)
        ON CONFLICT (id) DO UPDATE SET last_number = counter.last_number + 1
{%- endif %}
        WHERE counter.last_number < %(ticket_max)s
        RETURNING last_number
    )
{%- if yearly %}
    INSERT INTO {ticket_table} (record_id, year, number)
    SELECT %(record)s, %(year)s, last_number FROM drawn
{%- else %}
    INSERT INTO {ticket_table} (record_id, number)
    SELECT %(record)s, last_number FROM drawn
{%- endif %}
    RETURNING number
"""

{% if yearly -%}
# Lock the counter rows of the given years, in order, creating missing ones
# at 0. A statement that starts after this one sees every ticket committed in
# those years, and no other transaction can issue one until this one ends.
{% else -%}
# Lock the counter row, creating it at 0 if it is missing. A statement that
# starts after this one sees every ticket committed, and no other
# transaction can issue one until this one ends.
{% endif -%}
LOCK_COUNTERS = """
{%- if yearly %}
    INSERT INTO {counter_table} AS counter (year, last_number)
    SELECT year, 0 FROM unnest(%(years)s::integer[]) AS year ORDER BY year
    ON CONFLICT (year) DO UPDATE SET last_number = counter.last_number
{%- else %}
    INSERT INTO {counter_table} AS counter (id, last_number) VALUES (1, 0)
    ON CONFLICT (id) DO UPDATE SET last_number = counter.last_number
{%- endif %}
    RETURNING last_number
"""
{%- if yearly %}

# LOCK_COUNTERS for the year of one record, read from its row (so a record
# loaded without its created_at costs no extra query); returns the year.
LOCK_RECORD_COUNTER = """
    INSERT INTO {counter_table} AS counter (year, last_number)
    SELECT {record_year}, 0 FROM {record_table} WHERE id = %(record)s
    ON CONFLICT (year) DO UPDATE SET last_number = counter.last_number
    RETURNING year
"""
{%- endif %}

# A record saved before may already have a ticket: found, it is returned and
# the counter is left alone. Runs after LOCK_COUNTERS, so no other
# transaction can be issuing a ticket of this {% if yearly %}year{% else %}numbering{% endif %} meanwhile. No row: no
# number left.
ISSUE_FOR_RECORD = """
    WITH existing AS (
        SELECT number FROM {ticket_table} WHERE record_id = %(record)s
    ), drawn AS (
        UPDATE {counter_table} SET last_number = last_number + 1
        WHERE {% if yearly %}year = %(year)s{% else %}id = 1{% endif %} AND last_number < %(ticket_max)s
            AND NOT EXISTS (SELECT FROM existing)
        RETURNING last_number
    ), issued AS (
{%- if yearly %}
        INSERT INTO {ticket_table} (record_id, year, number)
        SELECT %(record)s, %(year)s, last_number FROM drawn
{%- else %}
        INSERT INTO {ticket_table} (record_id, number)
        SELECT %(record)s, last_number FROM drawn
{%- endif %}
        RETURNING number
    )
    SELECT number, true FROM issued
    UNION ALL
    SELECT number, false FROM existing
"""

# The first step of a backfill batch: the batch's last position {%- if yearly %} and years{% endif %}.
BATCH_BOUNDS = """
    WITH batch AS ({batch})
    SELECT
        count(*),
        (SELECT created_at FROM batch ORDER BY created_at DESC, id DESC LIMIT 1),
        (SELECT id FROM batch ORDER BY created_at DESC, id DESC LIMIT 1)
{%- if yearly %},
        coalesce(array_agg(DISTINCT year), ARRAY[]::integer[])
{%- endif %}
    FROM batch
""".replace("{batch}", BATCH)

# The second step, after LOCK_COUNTERS: tickets for the batch's records that
# have none, numbered on from {% if yearly %}their year's counter{% else %}the counter{% endif %} in created_at order, and the
# counter moved on by as many. Numbers past TICKET_MAX are not issued.
ISSUE_MISSING = """
    WITH batch AS (
        SELECT id, created_at {%- if yearly %},
            {record_year} AS year{% endif %}
        FROM {record_table}
        WHERE (created_at, id) <= (%(last_created_at)s, %(last_id)s)
        {after}
    ), missing AS (
        SELECT id, {% if yearly %}year, {% endif %}row_number() OVER ({% if yearly %}PARTITION BY year {% endif %}ORDER BY created_at, id) AS position
        FROM batch
        WHERE NOT EXISTS (SELECT FROM {ticket_table} WHERE record_id = batch.id)
{%- if yearly %}
            AND year = ANY(%(years)s)
{%- endif %}
    ), issued AS (
{%- if yearly %}
        INSERT INTO {ticket_table} (record_id, year, number)
        SELECT missing.id, missing.year, counter.last_number + missing.position
        FROM missing JOIN {counter_table} AS counter USING (year)
        WHERE missing.position <= %(ticket_max)s - counter.last_number
        ORDER BY missing.year, missing.position
        RETURNING year
{%- else %}
        INSERT INTO {ticket_table} (record_id, number)
        SELECT missing.id, counter.last_number + missing.position
        FROM missing, {counter_table} AS counter
        WHERE counter.id = 1 AND missing.position <= %(ticket_max)s - counter.last_number
        ORDER BY missing.position
        RETURNING number
{%- endif %}
    ), moved AS (
        UPDATE {counter_table} AS counter
        SET last_number = counter.last_number + issued_count.issued
{%- if yearly %}
        FROM (SELECT year, count(*) AS issued FROM issued GROUP BY year) AS issued_count
        WHERE counter.year = issued_count.year
{%- else %}
        FROM (SELECT count(*) AS issued FROM issued) AS issued_count
        WHERE counter.id = 1
{%- endif %}
    )
    SELECT (SELECT count(*) FROM issued), (SELECT count(*) FROM missing)
"""
{%- endif %}


class TicketManager(models.Manager):
    """Issues tickets: the one place that writes ticket rows."""
{%- if not gapless and not yearly %}

    def issue_new(self, record):
        """Issue the ticket of a record inserted in the current transaction; return it.

        No other transaction can see that record yet, so it has no ticket: one
        plain INSERT ... RETURNING "number", with no check first. The statement
        is the one self.create(record=record) sends, sent directly: on the path
        that saves every new record, building and saving a Ticket instance cost
        more Python than the INSERT costs PostgreSQL. So no pre_save/post_save
        signal is sent for the ticket.
        """
        with tickets_exhausted_on_limit(TICKET_MAX), connections[self.db].cursor() as cursor:
            cursor.execute(self._insert_new_sql(), [record.pk])
            (number,) = cursor.fetchone()
        return self._ticket(record, number)

    def _insert_new_sql(self):
        """INSERT INTO "records_ticket" ("number", "record_id") VALUES (DEFAULT, %s) ..."""
        quote = connections[self.db].ops.quote_name
        table = quote(self.model._meta.db_table)
        number = quote(self.model._meta.get_field("number").column)
        record = quote(self.model._meta.get_field("record").column)
        return (
            f"INSERT INTO {table} ({number}, {record}) VALUES (DEFAULT, %s) "
            f"RETURNING {table}.{number}"
        )
{%- else %}

    def issue_new(self, record):
        """Issue the ticket of a record inserted in the current transaction; return it.

        No other transaction can see that record yet, so it has no ticket: one
        INSERT ... RETURNING "number", with no check first.
        """
{%- if yearly %}
        year = ticket_year(record.created_at)
{%- endif %}
{%- if gapless %}
        params = {"record": record.pk, {% if yearly %}"year": year, {% endif %}"ticket_max": TICKET_MAX}
        (number,) = self._fetch(ISSUE_NEW, params) or self._exhausted({% if yearly %}year{% endif %})
{%- else %}
        params = {"record": record.pk, "year": year, "sequence": ticket_sequence(year)}
        with (
            tickets_exhausted_on_limit(TICKET_MAX, lambda: year),
            year_sequence_missing(lambda: year),
        ):
            (number,) = self._fetch(ISSUE_NEW, params)
{%- endif %}
        return self._ticket(record, {% if yearly %}year, {% endif %}number)
{%- endif %}
{%- if not gapless %}

    def issue_for(self, record):
        """Issue a ticket for a saved record unless it has one; return the one issued, or None.

        One statement, safe when other transactions issue at the same moment.
        A ticket the record already has is found without drawing a number and
        kept on the record, so its next save is one UPDATE. If another
        transaction is inserting this record's ticket right now, the statement
        waits for it to commit, then inserts nothing; the number it drew is
        then never used (a gap), and record.ticket reads the other one when
        asked.
        """
{%- if yearly %}
        params = {
            "record": record.pk,
            "time_zone": settings.TIME_ZONE,
            "sequence_prefix": TICKET_SEQUENCE_PREFIX,
        }

        def year_of():  # read only on error: created_at may not be loaded
            return ticket_year(record.created_at)

        with tickets_exhausted_on_limit(TICKET_MAX, year_of), year_sequence_missing(year_of):
            row = self._fetch(ISSUE_FOR_RECORD, params)
{%- else %}
        with tickets_exhausted_on_limit(TICKET_MAX):
            row = self._fetch(ISSUE_FOR_RECORD, {"record": record.pk})
{%- endif %}
        if row is None:
            # Issued by the other transaction just now: forget a cached "no ticket".
            reverse = self.model._meta.get_field("record").remote_field
            if reverse.is_cached(record):
                reverse.delete_cached_value(record)
            return None
        {% if yearly %}year, {% endif %}number, issued = row
        ticket = self._ticket(record, {% if yearly %}year, {% endif %}number)
        return ticket if issued else None
{%- else %}

    def issue_for(self, record):
        """Issue a ticket for a saved record unless it has one; return the one issued, or None.

        Two statements: lock the counter{% if yearly %} of the record's year{% endif %}, then issue the ticket
        if the record has none. Once the lock is held, no other transaction can
        be issuing this record's ticket, so a ticket the record has is found
        and kept on the record (its next save is one UPDATE), and no number
        is drawn for it.
        """
{%- if yearly %}
        lock = {"record": record.pk, "time_zone": settings.TIME_ZONE}
        (year,) = self._fetch(LOCK_RECORD_COUNTER, lock)
        params = {"record": record.pk, "year": year, "ticket_max": TICKET_MAX}
{%- else %}
        self._lock_counters()
        params = {"record": record.pk, "ticket_max": TICKET_MAX}
{%- endif %}
        number, issued = self._fetch(ISSUE_FOR_RECORD, params) or self._exhausted({% if yearly %}year{% endif %})
        ticket = self._ticket(record, {% if yearly %}year, {% endif %}number)
        return ticket if issued else None
{%- endif %}
{%- if not gapless %}

    def issue_missing(self, after=None, limit=10_000):
        """Issue tickets to the ticketless records among the next `limit` records.

        Records are taken in created_at order, starting after the position
        `after` (a Backfill.last_position; None: from the first record), and
        each gets the next number {%- if yearly %} of its created_at's year{% endif %}. One set-based
        statement; returns a Backfill. Records that have a ticket are skipped
        without spending a number. When fewer numbers are left than records
        need them, the first records get the numbers that are left and
        Backfill.unnumbered counts the others; no number is lost.

        Raises TicketsExhausted, with nothing issued, only if another
        transaction draws the last numbers while this statement runs: the
        numbers this statement had drawn are then lost (a gap).
        """
        start = "" if after is None else AFTER
{%- if not yearly %}
        params = {"limit": limit, "sequence": TICKET_SEQUENCE, **after_params(after)}
        with tickets_exhausted_on_limit(TICKET_MAX):
            row = self._fetch(ISSUE_MISSING, params, start=start)
        checked, issued, unnumbered, last_created_at, last_id, ticket_max = row
        last = last_position(last_created_at, last_id)
        return Backfill(checked, issued, unnumbered, last, ticket_max)
{%- else %}
        params = {
            "limit": limit,
            "time_zone": settings.TIME_ZONE,
            "sequence_prefix": TICKET_SEQUENCE_PREFIX,
            **after_params(after),
        }
        with tickets_exhausted_on_limit(TICKET_MAX), year_sequence_missing():
            row = self._fetch(ISSUE_MISSING, params, start=start)
        checked, issued, unnumbered, last_created_at, last_id, ticket_max = row
        last = last_position(last_created_at, last_id)
        # MAXVALUE as the catalog has it; TICKET_MAX when no record needed a number.
        return Backfill(checked, issued, unnumbered, last, ticket_max or TICKET_MAX)
{%- endif %}
{%- else %}

    def issue_missing(self, after=None, limit=10_000):
        """Issue tickets to the ticketless records among the next `limit` records.

        Records are taken in created_at order, starting after the position
        `after` (a Backfill.last_position; None: from the first record), and
        each gets the next number {%- if yearly %} of its created_at's year{% endif %}. Three statements:
        find the batch, lock {% if yearly %}its years' counters{% else %}the counter{% endif %}, issue. Returns a Backfill.
        Records that have a ticket are skipped. When fewer numbers are left
        than records need them, the first records get the numbers that are
        left and Backfill.unnumbered counts the others.
        """
        bounds = self._fetch(
            BATCH_BOUNDS,
            {"limit": limit, {% if yearly %}"time_zone": settings.TIME_ZONE, {% endif %}**after_params(after)},
            start="" if after is None else AFTER,
        )
        checked, last_created_at, last_id {%- if yearly %}, years{% endif %} = bounds
        if not checked:
            return Backfill(0, 0, 0, None, TICKET_MAX)
        self._lock_counters({% if yearly %}years{% endif %})
        params = {
            "last_created_at": last_created_at,
            "last_id": last_id,
            "ticket_max": TICKET_MAX,
{%- if yearly %}
            "time_zone": settings.TIME_ZONE,
            "years": years,
{%- endif %}
            **after_params(after),
        }
        after_sql = "" if after is None else "AND " + AFTER.removeprefix("WHERE ")
        issued, missing = self._fetch(ISSUE_MISSING, params, after=after_sql)
        return Backfill(checked, issued, missing - issued, (last_created_at, last_id), TICKET_MAX)

    def _lock_counters(self{% if yearly %}, years{% endif %}):
        self._fetch(LOCK_COUNTERS, {% if yearly %}{"years": sorted(years)}{% else %}None{% endif %})

    def _exhausted(self{% if yearly %}, year{% endif %}):
        raise TicketsExhausted(TICKET_MAX{% if yearly %}, year{% endif %})
{%- endif %}

    def get_by_display(self, text):
        """The ticket that reads as `text`, as str(ticket) shows it.

        Raises ValueError, naming the text, when it is not a ticket's form at
        all, and Ticket.DoesNotExist, naming it, when no ticket reads so.
        """
        try:
            return self.get(**lookups(text))
        except self.model.DoesNotExist:
            raise self.model.DoesNotExist(f"There is no ticket {text.strip()!r}.") from None
{%- if gapless or yearly %}

    def _ticket(self, record, {% if yearly %}year, {% endif %}number):
        """The ticket just read from the database, kept on its record as well."""
        ticket = self.model(record=record, {% if yearly %}year=year, {% endif %}number=number)
        ticket._state.adding, ticket._state.db = False, self.db
        return ticket
{%- else %}

    def _ticket(self, record, number):
        """The ticket just read from the database, kept on its record as well."""
        ticket = self.model.from_db(self.db, ["number", "record_id"], [number, record.pk])
        ticket.record = record  # caches the ticket on the record too
        return ticket
{%- endif %}

    def _fetch(self, sql, params, **parts):
        """Run one of the statements above; return its row, or None.

        Table names (and `parts`, such as the batch) go into its braces first,
        quoted from the models' own db_table.
        """
        connection = connections[self.db]
        quote = connection.ops.quote_name
        names = {
            "record_table": quote(Record._meta.db_table),
            "ticket_table": quote(self.model._meta.db_table),
{%- if yearly %}
            "record_year": RECORD_YEAR,
{%- endif %}
{%- if gapless %}
            "counter_table": quote(TicketCounter._meta.db_table),
{%- elif not yearly %}
            "sequence": quote(TICKET_SEQUENCE),
{%- endif %}
        }
        with connection.cursor() as cursor:
            cursor.execute(sql.format(**names, **parts), params)
            return cursor.fetchone()


def after_params(after):
    """The query parameters of a backfill position `after` (see AFTER)."""
    created_at, record_id = after or (None, None)
    return {"after_created_at": created_at, "after_id": record_id}
{%- if not gapless %}


def last_position(created_at, record_id):
    """A batch's last (created_at, id) as a Backfill.last_position; None for an empty batch."""
    return None if record_id is None else (created_at, record_id)
{%- endif %}



{%- if yearly %}


class Ticket(models.Model):
    """A record's human-readable number within its year: issued once, never changed.

    Its year is the year of the record's created_at in settings.TIME_ZONE, and
    numbers start from 1 each year: (year, number) is unique in the database.
    Migration 0003 makes PostgreSQL refuse any UPDATE that changes a ticket's
    year or number or moves it to another record (db/triggers.py, ForbidChange).
    """

    # A record has at most one ticket, so the record is the ticket's key.
    record = models.OneToOneField(
        Record,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="ticket",
        editable=False,
    )
    year = models.PositiveSmallIntegerField(editable=False)
    number = models.BigIntegerField(editable=False)

    objects = TicketManager()

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["year", "number"], name="records_ticket_year_number_unique"
            ),
        )

    def __str__(self):
        return DISPLAY.format(year=self.year, number=self.number)
{%- else %}


class Ticket(models.Model):
    """A record's human-readable number: issued once, never changed.

    Migration 0003 makes PostgreSQL refuse any UPDATE that changes a ticket's
    number or moves it to another record (db/triggers.py, ForbidChange).
    """
{%- if gapless %}

    # Issued from TicketCounter by TicketManager, in the record's own transaction.
    number = models.BigIntegerField(primary_key=True, editable=False)
{%- else %}

    # The database numbers each new ticket inside the INSERT (the column's
    # default is nextval(...)), so issuing one is a single INSERT ... RETURNING.
    number = models.BigIntegerField(
        primary_key=True, db_default=NextVal(TICKET_SEQUENCE), editable=False
    )
{%- endif %}
    record = models.OneToOneField(
        Record, on_delete=models.CASCADE, related_name="ticket", editable=False
    )

    objects = TicketManager()

    def __str__(self):
        return DISPLAY.format(number=self.number)
{%- endif %}
{%- if gapless %}


class TicketCounter(models.Model):
    """The last ticket number issued {%- if yearly %} in a year{% endif %}: the only source of gapless numbers.

    TicketManager creates the row with the first ticket {%- if yearly %} of its year{% endif %} and moves it
    on in the same transaction as each ticket, holding its row lock until
    that transaction ends.
    """
{%- if yearly %}

    year = models.PositiveSmallIntegerField(primary_key=True)
{%- else %}

    # One row: the numbering has a single scope.
    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
{%- endif %}
    last_number = models.BigIntegerField()
{%- if not yearly %}

    class Meta:
        constraints = (
            models.CheckConstraint(condition=models.Q(id=1), name="records_ticketcounter_one_row"),
        )
{%- endif %}

    def __str__(self):
        return f"{% if yearly %}{self.year}{% else %}tickets{% endif %}: {self.last_number}"
{%- endif %}
