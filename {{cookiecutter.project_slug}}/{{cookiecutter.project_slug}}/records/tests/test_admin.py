"""The admin lists records with their ticket numbers, finds them by number, never edits a ticket."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ...db.sequences import BIGINT_MAX
from ..display import DISPLAY
from ..models import Record
from .factories import BulkLoadedRecordFactory, RecordFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wide_ticket_range")]

CHANGELIST = "/admin/records/record/"


def change_url(record):
    return f"{CHANGELIST}{record.pk}/change/"


def listed_titles(response):
    return sorted(record.title for record in response.context["cl"].result_list)


def test_list_shows_ticket_numbers(admin_client):
    record = RecordFactory(title="Projector flickers")
    BulkLoadedRecordFactory(title="Not saved yet")

    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    assert f'<td class="field-ticket_number">{record.ticket}</td>' in response.text
    assert '<td class="field-ticket_number">-</td>' in response.text  # no ticket yet


def test_list_reads_the_tickets_in_the_same_query_however_many_rows(admin_client):
    def queries_for_the_list():
        with CaptureQueriesContext(connection) as captured:
            admin_client.get(CHANGELIST)
        return len(captured)

    RecordFactory.create_batch(2)
    few = queries_for_the_list()
    RecordFactory.create_batch(5)

    assert queries_for_the_list() == few


@pytest.mark.parametrize(
    "typed",
    [
        lambda ticket: str(ticket.number),
        str,
        lambda ticket: f" {ticket} ",
        lambda ticket: str(ticket).lower(),
    ],
    ids=["bare", "as shown", "spaced", "lowercase"],
)
def test_search_by_ticket(admin_client, typed):
    wanted, _ = RecordFactory.create_batch(2, title="Same title")

    response = admin_client.get(CHANGELIST, {"q": typed(wanted.ticket)})

    assert [record.pk for record in response.context["cl"].result_list] == [wanted.pk]


def test_a_number_finds_its_ticket_and_the_titles_that_contain_it(admin_client):
    ticket = RecordFactory(title="Badge reader").ticket
    RecordFactory(title=f"Room {ticket.number}0 is cold")
    RecordFactory(title="Something else")

    response = admin_client.get(CHANGELIST, {"q": str(ticket.number)})

    assert listed_titles(response) == sorted(["Badge reader", f"Room {ticket.number}0 is cold"])


@pytest.mark.parametrize(
    "typed",
    [
        "#9223372036854775808",
        "#99999999999999999999",
        "9" * 5000,
        "#",
        "#-3",
        "#1 2",
        DISPLAY.format(year=2026, number=BIGINT_MAX + 1),
    ],
    ids=["bigint+1", "20 digits", "5000 digits", "#", "negative", "two words", "shown, bigint+1"],
)
def test_search_for_what_cannot_be_a_ticket_number_finds_nothing_and_does_not_fail(
    admin_client, typed
):
    RecordFactory(title="Printer")

    response = admin_client.get(CHANGELIST, {"q": typed})

    assert response.status_code == 200
    assert listed_titles(response) == []


def test_search_by_words_still_finds_titles(admin_client):
    # "coffee" is no number: the search must not fail on the number column.
    RecordFactory(title="Coffee machine leaks")
    RecordFactory(title="Badge reader broken")

    response = admin_client.get(CHANGELIST, {"q": "coffee"})

    assert response.status_code == 200
    assert listed_titles(response) == ["Coffee machine leaks"]


def test_ticket_is_shown_read_only_on_the_change_form(admin_client):
    record = RecordFactory()

    response = admin_client.get(change_url(record))

    form = response.context["adminform"].form
    assert "ticket_number" not in form.fields
    assert "ticket" not in form.fields
    assert f'<div class="readonly">{record.ticket}</div>' in response.text


def test_a_missing_ticket_is_shown_as_the_admin_shows_empty_values(admin_client):
    record = BulkLoadedRecordFactory()

    change_form = admin_client.get(change_url(record))
    add_form = admin_client.get(f"{CHANGELIST}add/")

    for response in (change_form, add_form):
        assert response.status_code == 200
        empty = response.context["adminform"].model_admin.get_empty_value_display()
        assert f'<div class="readonly">{empty}</div>' in response.text
        assert "None" not in response.text


def test_saving_the_form_keeps_the_ticket(admin_client):
    record = RecordFactory(title="Old title")
    number = record.ticket.number

    response = admin_client.post(
        change_url(record),
        {"title": "New title", "description": "", "ticket_number": "1", "ticket": "1"},
    )

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.title == "New title"
    assert Record.objects.get(pk=record.pk).ticket.number == number


def test_adding_a_record_in_the_admin_issues_its_ticket(admin_client):
    response = admin_client.post(f"{CHANGELIST}add/", {"title": "Added by hand", "description": ""})

    assert response.status_code == 302
    assert Record.objects.get(title="Added by hand").ticket.number >= 1


def test_saving_a_bulk_loaded_record_in_the_admin_issues_its_ticket(admin_client):
    record = BulkLoadedRecordFactory()

    admin_client.post(change_url(record), {"title": record.title, "description": ""})

    assert Record.objects.get(pk=record.pk).ticket.number >= 1
