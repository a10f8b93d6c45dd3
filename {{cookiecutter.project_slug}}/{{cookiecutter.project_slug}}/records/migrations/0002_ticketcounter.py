# The counter row{% if cookiecutter.ticket_scope == "yearly" %} of each year{% endif %} that gapless ticket numbers are drawn from
# (TicketManager in records/models.py creates it with the first ticket).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="TicketCounter",
            fields=[
{%- if cookiecutter.ticket_scope == "yearly" %}
                ("year", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("last_number", models.BigIntegerField()),
            ],
{%- else %}
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("last_number", models.BigIntegerField()),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="records_ticketcounter_one_row"
                    )
                ],
            },
{%- endif %}
        ),
    ]
