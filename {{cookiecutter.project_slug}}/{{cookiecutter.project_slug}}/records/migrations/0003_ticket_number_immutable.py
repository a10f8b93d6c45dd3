# A ticket's {{ "year, " if cookiecutter.ticket_scope == "yearly" }}number, and the record it belongs to, never change: PostgreSQL
# refuses any UPDATE that would change either, whoever sends it. Deleting a
# record deletes its ticket as before. ForbidChange is explained in
# {{ cookiecutter.project_slug }}/db/triggers.py.

from django.db import migrations

from {{ cookiecutter.project_slug }}.db.triggers import ForbidChange


class Migration(migrations.Migration):
    dependencies = [
        ("records", "{{ "0002_ticketcounter" if cookiecutter.numbering == "gapless" else "0002_ticket_year_sequences" if cookiecutter.ticket_scope == "yearly" else "0002_ticket_number_sequence" }}"),
    ]

    operations = [
        ForbidChange(
            name="records_ticket_immutable",
            model_name="ticket",
            field_names={{ '["year", "number", "record"]' if cookiecutter.ticket_scope == "yearly" else '["number", "record"]' }},
        ),
    ]
