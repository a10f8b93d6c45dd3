"""Ways to give each new record a ticket number, run inside benchmark workers.

Each strategy writes the same rows (one record, one ticket) in one transaction
per call to issue_one(). Only `SequenceDefault` is what the project ships; the
others are the approaches it replaces or is compared with.
"""

import os

from django.db import IntegrityError, connection, transaction
from django.db.models import Max

TITLE = "benchmark record"

# A one-row counter for the gapless strategies; run.py creates it with COUNTER_DDL.
COUNTER_TABLE = "bench_ticket_counter"
COUNTER_DDL = f"CREATE TABLE {COUNTER_TABLE} (name text PRIMARY KEY, value bigint NOT NULL)"


def is_duplicate_key(error):
    cause = getattr(error, "__cause__", None)
    return isinstance(error, IntegrityError) and getattr(cause, "sqlstate", "") == "23505"


class Strategy:
    def prepare(self):
        connection.ensure_connection()

    def close(self):
        connection.close()


def _models():
    from service_desk.records.models import Record, Ticket  # the baked project

    return Record, Ticket


def _record_without_ticket():
    Record, _ = _models()
    (record,) = Record.objects.bulk_create([Record(title=TITLE)])
    return record


class MaxPlusOneFirst(Strategy):
    """The first try: read the highest number with order_by().first(), add one."""

    def issue_one(self):
        _, Ticket = _models()
        with transaction.atomic():
            record = _record_without_ticket()
            latest = Ticket.objects.order_by("-number").first()
            Ticket.objects.create(record=record, number=(latest.number if latest else 0) + 1)


class MaxPlusOneAggregate(Strategy):
    """The second try: aggregate(Max) + 1, faster to read, just as racy."""

    def issue_one(self):
        _, Ticket = _models()
        with transaction.atomic():
            record = _record_without_ticket()
            highest = Ticket.objects.aggregate(Max("number"))["number__max"] or 0
            Ticket.objects.create(record=record, number=highest + 1)


class NextvalThenInsert(Strategy):
    """The fix as first written: SELECT nextval(), then INSERT with that number."""

    def issue_one(self):
        _, Ticket = _models()
        with transaction.atomic():
            record = _record_without_ticket()
            with connection.cursor() as cursor:
                cursor.execute("SELECT nextval('records_ticket_number_seq')")
                (number,) = cursor.fetchone()
            Ticket.objects.create(record=record, number=number)


class SequenceDefault(Strategy):
    """What the project ships: Record.objects.create() issues the ticket itself."""

    def issue_one(self):
        Record, _ = _models()
        Record.objects.create(title=TITLE)


class ChosenNumbering(Strategy):
    """Record.objects.create() in a project baked with another numbering choice."""

    def issue_one(self):
        Record, _ = _models()
        Record.objects.create(title=TITLE)


# Hands each worker of the spread-out run its own index; run.py creates it.
WORKER_SEQUENCE = "bench_worker_index"
SCOPES = 8


class SpreadOverYears(ChosenNumbering):
    """ChosenNumbering in a yearly project, each worker in a year of its own.

    Each worker process freezes django.utils.timezone.now on 1 July of
    this year + (its index modulo SCOPES), so its records, and the counter row
    it locks, belong to that year: the same writes as ChosenNumbering, spread
    over SCOPES scopes instead of one.
    """

    def prepare(self):
        import datetime

        from django.utils import timezone

        super().prepare()
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [WORKER_SEQUENCE])
            (index,) = cursor.fetchone()
        year = timezone.now().year + index % SCOPES
        moment = datetime.datetime(year, 7, 1, tzinfo=datetime.UTC)
        timezone.now = lambda: moment  # this worker process only


class GaplessCounter(Strategy):
    """A counter row bumped in the same transaction: gapless, but writers queue on it."""

    def issue_one(self):
        _, Ticket = _models()
        with transaction.atomic():
            record = _record_without_ticket()
            with connection.cursor() as cursor:
                cursor.execute(RAW_BUMP_COUNTER)
                (number,) = cursor.fetchone()
            Ticket.objects.create(record=record, number=number)


class RawSql(Strategy):
    """The reference: the same two INSERTs as SequenceDefault, as plain psycopg."""

    def prepare(self):
        import psycopg

        # The URL Django was configured from (harness.setup_django), so the same server
        # and database, whether it names a host or, as a query, a socket folder.
        self.conn = psycopg.connect(os.environ["DATABASE_URL"])

    def issue_one(self):
        with self.conn.transaction():
            (record_id,) = self.conn.execute(RAW_INSERT_RECORD, (TITLE,)).fetchone()
            self.conn.execute(RAW_INSERT_TICKET, (record_id,)).fetchone()

    def close(self):
        self.conn.close()


class RawGaplessCounter(RawSql):
    """The gapless counter as plain psycopg: shows what the lock costs, without Django."""

    def issue_one(self):
        with self.conn.transaction():
            (record_id,) = self.conn.execute(RAW_INSERT_RECORD, (TITLE,)).fetchone()
            (number,) = self.conn.execute(RAW_BUMP_COUNTER).fetchone()
            self.conn.execute(RAW_INSERT_NUMBERED_TICKET, (number, record_id))


RAW_BUMP_COUNTER = (
    f"INSERT INTO {COUNTER_TABLE} (name, value) VALUES ('ticket', 1) "
    f"ON CONFLICT (name) DO UPDATE SET value = {COUNTER_TABLE}.value + 1 RETURNING value"
)
RAW_INSERT_NUMBERED_TICKET = "INSERT INTO records_ticket (number, record_id) VALUES (%s, %s)"
RAW_INSERT_RECORD = (
    "INSERT INTO records_record (id, title, description, created_at, updated_at) "
    "VALUES (gen_random_uuid(), %s, '', now(), now()) RETURNING id"
)
RAW_INSERT_TICKET = "INSERT INTO records_ticket (record_id) VALUES (%s) RETURNING number"
