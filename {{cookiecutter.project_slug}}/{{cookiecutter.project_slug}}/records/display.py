"""How a ticket reads, and reading it back: the generator's prefix, year and number.

{%- set prefix = cookiecutter.ticket_prefix ~ "-" if cookiecutter.ticket_prefix else "" %}
{%- set year = "{year}-" if cookiecutter.ticket_scope == "yearly" else "" %}
{%- set padded = prefix or year %}
{%- set lead = prefix if padded else "#" %}

{% if padded -%}
The number is zero-padded to as many digits as the highest ticket number has,
so tickets sort and line up as text.
{%- else -%}
With neither a prefix nor a year, a ticket reads as its number after a `#`.
{%- endif %}
"""

import re

from ..db.sequences import BIGINT_MAX

# str(ticket): the fields of the ticket go into the braces.
{%- if padded %}
DISPLAY = "{{ prefix }}{{ year }}{number:0{{ cookiecutter.ticket_max | length }}d}"
{%- else %}
DISPLAY = "#{number}"
{%- endif %}
# The same form read back, case-insensitive; a number of fewer digits (no padding) is fine too.
PATTERN = re.compile(r"{{ lead }}{{ '(?P<year>[0-9]{4})-' if year }}(?P<number>[0-9]{1,19})", re.IGNORECASE)
EXAMPLE = DISPLAY.format(year=2026, number=13)


def lookups(text):
    """The ticket fields that the displayed form `text` names, e.g. {"number": 13}.

    Raises ValueError, naming the text and the expected form, for anything else.
    """
    match = PATTERN.fullmatch(text.strip())
    fields = {name: int(value) for name, value in match.groupdict().items()} if match else {}
    if not fields or fields["number"] > BIGINT_MAX:
        raise ValueError(f"{text!r} is not a ticket: a ticket reads like {EXAMPLE!r}.")
    return fields
