"""What a save costs, counted from the statements Django sends to PostgreSQL."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ..models import Record
from .factories import RecordFactory

# transaction=True: each save runs in a real transaction of its own, so the
# captured statements include its BEGIN and COMMIT.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("wide_ticket_range")]


def statements_of(action):
    with CaptureQueriesContext(connection) as captured:
        action()
    return [query["sql"] for query in captured.captured_queries]


def test_a_new_record_and_its_ticket_cost_two_inserts_in_one_transaction():
    statements = statements_of(lambda: Record.objects.create(title="Laptop will not boot"))

    begin, record, ticket, commit = statements
    assert (begin, commit) == ("BEGIN", "COMMIT")
    assert record.startswith('INSERT INTO "records_record" ')
    # The number comes from the column's default, inside the INSERT itself.
    assert ticket.startswith('INSERT INTO "records_ticket" ("number", "record_id") VALUES (DEFAULT')
    assert ticket.endswith('RETURNING "records_ticket"."number"')


def test_inside_a_callers_transaction_it_is_the_same_two_inserts_and_no_savepoint():
    def create_in_a_transaction():
        with transaction.atomic():
            Record.objects.create(title="Inside a request")

    statements = statements_of(create_in_a_transaction)

    assert [sql.split(" (")[0] for sql in statements] == [
        "BEGIN",
        'INSERT INTO "records_record"',
        'INSERT INTO "records_ticket"',
        "COMMIT",
    ]


def test_a_later_save_is_one_update():
    record = RecordFactory()
    record.title = "Renamed"

    statements = statements_of(record.save)

    assert [sql.split(" ")[0] for sql in statements] == ["BEGIN", "UPDATE", "COMMIT"]
