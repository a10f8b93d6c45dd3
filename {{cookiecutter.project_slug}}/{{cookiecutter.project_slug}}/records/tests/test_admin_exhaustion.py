"""With every ticket number used, the admin shows the form again with the reason, saving nothing."""

import pytest

from ..models import TICKET_MAX, Record, Ticket
from .factories import BulkLoadedRecordFactory
{%- if cookiecutter.ticket_scope == "yearly" %}
from .numbers import this_year
{%- endif %}

# transaction=True: the admin's own transaction really runs and rolls back.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_numbers_left")]

CHANGELIST = "/admin/records/record/"
{%- if cookiecutter.ticket_scope == "yearly" %}
USED_UP = (
    f"Tickets are exhausted: every ticket number of {this_year()} from 1 to {TICKET_MAX} "
    "has been used."
)
{%- else %}
USED_UP = f"Tickets are exhausted: every ticket number from 1 to {TICKET_MAX} has been used."
{%- endif %}


def shown_again_with_the_reason(response, title):
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        f"{USED_UP} The record was not saved."
    ]
    assert f'value="{title}"' in response.text  # what was typed is still there


@pytest.mark.parametrize("button", [{}, {"_continue": "1"}, {"_addanother": "1"}])
def test_adding_a_record_shows_the_form_again_and_saves_nothing(admin_client, button):
    response = admin_client.post(
        f"{CHANGELIST}add/", {"title": "One too many", "description": "", **button}
    )

    shown_again_with_the_reason(response, "One too many")
    assert Record.objects.count() == 0
    assert Ticket.objects.count() == 0


def test_saving_a_ticketless_record_shows_the_form_again_and_changes_nothing(admin_client):
    record = BulkLoadedRecordFactory(title="Before")

    response = admin_client.post(
        f"{CHANGELIST}{record.pk}/change/", {"title": "After", "description": ""}
    )

    shown_again_with_the_reason(response, "After")
    assert Record.objects.get(pk=record.pk).title == "Before"
    assert Ticket.objects.count() == 0
