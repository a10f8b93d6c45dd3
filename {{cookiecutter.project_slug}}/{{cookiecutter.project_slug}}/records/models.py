"""Records, keyed by UUID, and their tickets, numbered by a PostgreSQL sequence.

A record gets its ticket the first time it is saved, in the same transaction,
and the number never changes after that: PostgreSQL refuses the change (a
trigger, migration 0003). docs/tickets.md explains the design.
"""

import uuid
from typing import NamedTuple

from django.db import connections, models, router, transaction

from ..db.sequences import NextVal
from .exceptions import tickets_exhausted_on_limit

# The sequence behind Ticket.number; migration 0002 creates it.
TICKET_SEQUENCE = "records_ticket_number_seq"

# The highest ticket number. The database enforces it (the sequence's MAXVALUE,
# set in migration 0002); this copy only words the TicketsExhausted message.
# Change both together: records/tests/test_ticket_sequence.py compares them.
TICKET_MAX = {{ cookiecutter.ticket_max }}


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
    unnumbered: int  # ticketless records left so, because the sequence had no number left
    last_record_id: uuid.UUID | None  # the next batch starts after it; None when none was left
    ticket_max: int  # the sequence's MAXVALUE, read from the catalog


# A record saved before may already have a ticket. NOT EXISTS sees a committed
# ticket without drawing a number, and the second SELECT returns it; ON
# CONFLICT handles one that another transaction is inserting at this moment
# (see TicketManager.issue_for). Both SELECTs read the same snapshot, taken
# before the INSERT, so the statement returns at most one row.
ISSUE_FOR_RECORD = """
    WITH issued AS (
        INSERT INTO records_ticket (record_id)
        SELECT %(record)s
        WHERE NOT EXISTS (SELECT FROM records_ticket WHERE record_id = %(record)s)
        ON CONFLICT (record_id) DO NOTHING
        RETURNING number
    )
    SELECT number, true FROM issued
    UNION ALL
    SELECT number, false FROM records_ticket WHERE record_id = %(record)s
"""

# One batch of the backfill: the next records by id (a range scan of the
# primary key index, however far the backfill has got), then tickets for the
# ones without. The NOT EXISTS look-up is bounded to the batch's own range of
# ids, so it reads a slice of the record_id index instead of every ticket
# issued so far. Rows go in in id order, so two runs at once take their locks
# in the same order and cannot deadlock each other.
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
    WITH batch AS (
        SELECT id FROM {record_table}
        {start}
        ORDER BY id
        LIMIT %(limit)s
    ), batch_range AS (
        SELECT
            (SELECT id FROM batch ORDER BY id LIMIT 1) AS first_id,
            (SELECT id FROM batch ORDER BY id DESC LIMIT 1) AS last_id
    ), missing AS (
        SELECT id FROM batch
        WHERE NOT EXISTS (
            SELECT FROM {ticket_table}
            WHERE record_id = batch.id
              AND record_id BETWEEN (SELECT first_id FROM batch_range)
                                AND (SELECT last_id FROM batch_range)
        )
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
        ORDER BY id
        LIMIT (SELECT numbers_left FROM numbers)
        ON CONFLICT (record_id) DO NOTHING
        RETURNING number
    )
    SELECT
        (SELECT count(*) FROM batch),
        (SELECT count(*) FROM issued),
        (SELECT greatest(count(*) - (SELECT numbers_left FROM numbers), 0) FROM missing),
        (SELECT last_id FROM batch_range),
        (SELECT max_value FROM numbers)
"""


class TicketManager(models.Manager):
    """Issues tickets: the one place that writes ticket rows."""

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
        ticket = self.model.from_db(self.db, ["number", "record_id"], [number, record.pk])
        ticket.record = record  # caches the ticket on the record too
        return ticket

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
        with tickets_exhausted_on_limit(TICKET_MAX), connections[self.db].cursor() as cursor:
            cursor.execute(ISSUE_FOR_RECORD, {"record": record.pk})
            row = cursor.fetchone()
        if row is None:
            # Issued by the other transaction just now: forget a cached "no ticket".
            reverse = self.model._meta.get_field("record").remote_field
            if reverse.is_cached(record):
                reverse.delete_cached_value(record)
            return None
        number, issued = row
        ticket = self.model.from_db(self.db, ["number", "record_id"], [number, record.pk])
        ticket.record = record  # caches the ticket on the record too
        return ticket if issued else None

    def issue_missing(self, after=None, limit=10_000):
        """Issue tickets to the ticketless records among the next `limit` records by id.

        Starts after record id `after` (None: from the first record). One
        set-based statement; returns a Backfill. Records that have a ticket
        are skipped without spending a number. When fewer numbers are left
        than records need them, the first records by id get the numbers that
        are left and Backfill.unnumbered counts the others; no number is lost.

        Raises TicketsExhausted, with nothing issued, only if another
        transaction draws the last numbers while this statement runs: the
        numbers this statement had drawn are then lost (a gap).
        """
        connection = connections[self.db]
        quote = connection.ops.quote_name
        sql = ISSUE_MISSING.format(
            record_table=quote(Record._meta.db_table),
            ticket_table=quote(self.model._meta.db_table),
            sequence=quote(TICKET_SEQUENCE),
            start="" if after is None else "WHERE id > %(after)s",
        )
        params = {"after": after, "limit": limit, "sequence": TICKET_SEQUENCE}
        with tickets_exhausted_on_limit(TICKET_MAX), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return Backfill(*cursor.fetchone())


class Ticket(models.Model):
    """A record's human-readable number: issued once, never changed.

    Migration 0003 makes PostgreSQL refuse any UPDATE that changes a ticket's
    number or moves it to another record (db/triggers.py, ForbidChange).
    """

    # The database numbers each new ticket inside the INSERT (the column's
    # default is nextval(...)), so issuing one is a single INSERT ... RETURNING.
    number = models.BigIntegerField(
        primary_key=True, db_default=NextVal(TICKET_SEQUENCE), editable=False
    )
    record = models.OneToOneField(
        Record, on_delete=models.CASCADE, related_name="ticket", editable=False
    )

    objects = TicketManager()

    def __str__(self):
        return f"#{self.number}"
