# Ticket numbers come from a PostgreSQL sequence, the column's default. It
# starts after the highest number already in the table, so it can adopt
# existing tickets; reversing drops the default and the sequence.
# CreateSequence is explained in {{ cookiecutter.project_slug }}/db/sequences.py.

from django.db import migrations

from {{ cookiecutter.project_slug }}.db.sequences import CreateSequence


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0001_initial"),
    ]

    operations = [
        CreateSequence(
            name="records_ticket_number_seq",
            model_name="ticket",
            field_name="number",
            maxvalue={{ cookiecutter.ticket_max }},
        ),
    ]
