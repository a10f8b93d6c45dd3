"""Records, keyed by UUID, and their tickets, numbered by a PostgreSQL sequence.

A record gets its ticket the first time it is saved, in the same transaction,
and the number never changes after that. docs/tickets.md explains the design.
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

    def __str__(self):
        return self.title

    def save(self, **kwargs):
        """Save the record. The first save also issues its ticket, in the same transaction.

        A new record costs two statements: INSERT the record, INSERT its ticket
        ... RETURNING "number". A record saved before without a ticket
        (bulk_create, import_records) gets its ticket now. Later saves leave
        the ticket alone.

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
    last_record_id: uuid.UUID | None  # the next batch starts after it; None when none was left


# A record saved before may already have a ticket. NOT EXISTS sees a committed
# ticket without spending a number; ON CONFLICT handles one that another
# transaction is inserting at this moment (see TicketManager.issue_for).
ISSUE_FOR_RECORD = """
    INSERT INTO records_ticket (record_id)
    SELECT %(record)s
    WHERE NOT EXISTS (SELECT FROM records_ticket WHERE record_id = %(record)s)
    ON CONFLICT (record_id) DO NOTHING
    RETURNING number
"""

# One batch of the backfill: the next records by id (a range scan of the
# primary key index, however far the backfill has got), then tickets for the
# ones without. The NOT EXISTS look-up is bounded to the batch's own range of
# ids, so it reads a slice of the record_id index instead of every ticket
# issued so far. Rows go in in id order, so two runs at once take their locks
# in the same order and cannot deadlock each other.
ISSUE_MISSING = """
    WITH batch AS (
        SELECT id FROM records_record
        {start}
        ORDER BY id
        LIMIT %(limit)s
    ), batch_range AS (
        SELECT
            (SELECT id FROM batch ORDER BY id LIMIT 1) AS first_id,
            (SELECT id FROM batch ORDER BY id DESC LIMIT 1) AS last_id
    ), issued AS (
        INSERT INTO records_ticket (record_id)
        SELECT id FROM batch
        WHERE NOT EXISTS (
            SELECT FROM records_ticket
            WHERE record_id = batch.id
              AND record_id BETWEEN (SELECT first_id FROM batch_range)
                                AND (SELECT last_id FROM batch_range)
        )
        ORDER BY id
        ON CONFLICT (record_id) DO NOTHING
        RETURNING number
    )
    SELECT
        (SELECT count(*) FROM batch),
        (SELECT count(*) FROM issued),
        (SELECT last_id FROM batch_range)
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
        """Issue a ticket for a saved record unless it has one; return it, or None.

        One statement, safe when other transactions issue at the same moment:
        if one of them is inserting this record's ticket, the statement waits
        for it to commit, then inserts nothing. The number it drew is then
        never used: a gap.
        """
        with tickets_exhausted_on_limit(TICKET_MAX), connections[self.db].cursor() as cursor:
            cursor.execute(ISSUE_FOR_RECORD, {"record": record.pk})
            row = cursor.fetchone()
        reverse = self.model._meta.get_field("record").remote_field
        if row is None:
            # The record has a ticket already. Forget a cached "no ticket", so
            # that record.ticket reads the real one.
            if reverse.is_cached(record):
                reverse.delete_cached_value(record)
            return None
        ticket = self.model.from_db(self.db, ["number", "record_id"], [row[0], record.pk])
        ticket.record = record  # caches the ticket on the record too
        return ticket

    def issue_missing(self, after=None, limit=10_000):
        """Issue tickets to the ticketless records among the next `limit` records by id.

        Starts after record id `after` (None: from the first record). One
        set-based statement; returns a Backfill. Records that have a ticket
        are skipped without spending a number.
        """
        start = "" if after is None else "WHERE id > %(after)s"
        with tickets_exhausted_on_limit(TICKET_MAX), connections[self.db].cursor() as cursor:
            cursor.execute(ISSUE_MISSING.format(start=start), {"after": after, "limit": limit})
            return Backfill(*cursor.fetchone())


class Ticket(models.Model):
    """A record's human-readable number: issued once, never changed."""

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
