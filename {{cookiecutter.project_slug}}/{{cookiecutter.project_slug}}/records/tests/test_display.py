{%- set yearly = cookiecutter.ticket_scope == "yearly" -%}
{%- set padded = cookiecutter.ticket_prefix or yearly -%}
{%- set width = cookiecutter.ticket_max | length -%}
{%- set number13 = ("%0" ~ width ~ "d") | format(13) if padded else "13" -%}
"""How a ticket reads, and finding it again from what it reads."""

import pytest

from ..models import Ticket
from .factories import RecordFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wide_ticket_range")]

# Ticket 13 {%- if yearly %} of 2026{% endif %} as the generator's answers make it read.
THIRTEEN = "{% if cookiecutter.ticket_prefix %}{{ cookiecutter.ticket_prefix }}-{% endif %}{% if yearly %}2026-{% endif %}{% if not padded %}#{% endif %}{{ number13 }}"


def test_a_ticket_reads_as_the_generator_answers_say():
    ticket = Ticket(number=13{% if yearly %}, year=2026{% endif %})

    assert str(ticket) == THIRTEEN


def test_a_saved_ticket_is_found_by_what_it_reads():
    wanted, _ = RecordFactory.create_batch(2)

    assert Ticket.objects.get_by_display(str(wanted.ticket)) == wanted.ticket
    assert Ticket.objects.get_by_display(f"  {str(wanted.ticket).lower()} ") == wanted.ticket


@pytest.mark.parametrize(
    "text",
    ["", "13", "#", "ticket 13", THIRTEEN + "0" * 19, "-" + THIRTEEN, THIRTEEN + "x"],
    ids=["empty", "bare number", "no number", "words", "past bigint", "leading", "trailing"],
)
def test_text_that_is_no_ticket_is_refused_naming_it_and_the_form(text):
    with pytest.raises(ValueError) as raised:
        Ticket.objects.get_by_display(text)

    assert str(raised.value) == f"{text!r} is not a ticket: a ticket reads like {THIRTEEN!r}."


def test_a_ticket_form_no_ticket_has_is_does_not_exist_naming_it():
    with pytest.raises(Ticket.DoesNotExist, match=f"There is no ticket '{THIRTEEN}'."):
        Ticket.objects.get_by_display(THIRTEEN)
