# Each year's tickets are numbered by a PostgreSQL sequence of their own,
# records_ticket_number_<year>. This creates this year's and next year's;
# create_ticket_sequences creates the later ones, before they begin.
# Reversing drops them all. CreateYearSequences is explained in
# {{ cookiecutter.project_slug }}/db/sequences.py.

from django.db import migrations

from {{ cookiecutter.project_slug }}.db.sequences import CreateYearSequences


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0001_initial"),
    ]

    operations = [
        CreateYearSequences(
            prefix="records_ticket_number_",
            model_name="ticket",
            field_name="number",
            maxvalue={{ cookiecutter.ticket_max }},
        ),
    ]
