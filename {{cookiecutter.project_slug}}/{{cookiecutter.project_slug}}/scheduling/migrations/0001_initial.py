import django.contrib.postgres.constraints
import django.db.models.constraints
import django.db.models.deletion
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        # Slot's EXCLUDE constraint compares integers with `=` in a GiST index, which
        # needs the btree_gist extension. It has to exist before the table is created;
        # migrating back past this migration drops it again.
        # https://www.postgresql.org/docs/current/btree-gist.html
        BtreeGistExtension(),
        migrations.CreateModel(
            name="DayPart",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=50, unique=True)),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="Where the day part appears in lists; lower comes first.",
                    ),
                ),
            ],
            options={
                "ordering": ("position", "name"),
            },
        ),
        migrations.CreateModel(
            name="Team",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True)),
            ],
            options={
                "ordering": ("name",),
            },
        ),
        migrations.CreateModel(
            name="Slot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "level",
                    models.IntegerField(help_text="Place in the team's order; 1 comes first."),
                ),
                ("label", models.CharField(blank=True, max_length=100)),
                (
                    "day_part",
                    models.ForeignKey(
                        blank=True,
                        help_text="Leave empty for a slot that covers the whole day.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="slots",
                        to="scheduling.daypart",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="slots",
                        to="scheduling.team",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        deferrable=django.db.models.constraints.Deferrable["DEFERRED"],
                        fields=("team", "day_part", "level"),
                        name="scheduling_slot_level_unique_per_day_part",
                        violation_error_message="This team already has a slot at this level in this day part.",
                    ),
                    django.contrib.postgres.constraints.ExclusionConstraint(
                        condition=models.Q(("day_part__isnull", True)),
                        deferrable=django.db.models.constraints.Deferrable["DEFERRED"],
                        expressions=[("team", "="), ("level", "=")],
                        name="scheduling_slot_level_unique_without_day_part",
                        violation_error_message="This team already has a slot at this level with no day part.",
                    ),
                ],
            },
        ),
    ]
