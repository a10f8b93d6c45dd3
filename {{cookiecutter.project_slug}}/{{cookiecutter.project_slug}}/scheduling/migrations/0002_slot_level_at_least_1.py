import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="slot",
            name="level",
            field=models.IntegerField(
                help_text="Place in the team's order; 1 comes first.",
                validators=[django.core.validators.MinValueValidator(1)],
            ),
        ),
        # PostgreSQL checks the existing rows when it adds the constraint: if a slot
        # is already below level 1, this migration stops and names the constraint.
        # Renumber those slots first (shift() moves many in one UPDATE).
        # https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-CHECK-CONSTRAINTS
        migrations.AddConstraint(
            model_name="slot",
            constraint=models.CheckConstraint(
                condition=models.Q(("level__gte", 1)),
                name="scheduling_slot_level_at_least_1",
                violation_error_message="Levels start at 1.",
            ),
        ),
    ]
