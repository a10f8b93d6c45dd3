{%- set gapless = cookiecutter.numbering == "gapless" %}
{%- set yearly = cookiecutter.ticket_scope == "yearly" -%}
"""The project's numbering as the tests see it: the next number, and its range.
{%- if gapless %}

Numbers come from TicketCounter rows, which a test's rollback (or the flush
after a transaction=True test) takes back with the tickets. TICKET_MAX, the
bound the issuing statements pass to PostgreSQL, is read when they run, so a
test can lower or raise it for itself.
{%- else %}

Sequence changes are not undone by a test's rollback the way row changes are:
a number drawn with nextval() stays drawn. The fixtures in conftest.py put
every sequence they move back as they found it.
{%- endif %}
"""
{%- if yearly %}

from django.utils import timezone
{%- endif %}

{% if gapless -%}
from .. import models
from ..models import TicketCounter
{%- if yearly %}, ticket_year{% endif %}
{%- elif yearly -%}
from ...testing.sequences import next_value
from ..models import ticket_sequence, ticket_year
{%- else -%}
from ...testing.sequences import next_value
from ..models import TICKET_SEQUENCE
{%- endif %}
{%- if yearly %}


def this_year():
    """The year a ticket issued now counts in."""
    return ticket_year(timezone.now())
{%- endif %}


def next_number({% if yearly %}year=None{% endif %}):
    """The number the next ticket {%- if yearly %} of `year` (default: this year){% endif %} gets, read without issuing it."""
{%- if gapless %}
{%- if yearly %}
    counter = TicketCounter.objects.filter(year=year or this_year()).first()
{%- else %}
    counter = TicketCounter.objects.first()
{%- endif %}
    return (counter.last_number if counter else 0) + 1
{%- elif yearly %}
    return next_value(ticket_sequence(year or this_year()))
{%- else %}
    return next_value(TICKET_SEQUENCE)
{%- endif %}
{%- if gapless %}


def set_ticket_max(monkeypatch, value):
    """Make `value` the highest number {%- if yearly %} of each year{% endif %} for the rest of the test."""
    monkeypatch.setattr(models, "TICKET_MAX", value)
{%- endif %}
