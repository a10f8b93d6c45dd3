from django import forms
from django.contrib import admin

from .models import DayPart, Slot, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(DayPart)
class DayPartAdmin(admin.ModelAdmin):
    list_display = ("name", "position")
    search_fields = ("name",)


class SlotAdminForm(forms.ModelForm):
    """Slot's admin form: a duplicate level is a form error, even when two people
    save the same slot at the same moment.

    The form's full_clean() asks the database whether another slot holds the level
    (one query per level constraint). Two requests at once would both hear "no",
    both save, and the second COMMIT would fail on the deferred constraint: a 500.
    So clean(), which runs just before those queries, first locks the team's row
    (SELECT ... FOR NO KEY UPDATE) in the transaction ModelAdmin opens for every
    save. The second request waits there until the first has committed; under
    READ COMMITTED, PostgreSQL's default, its queries then see the first slot and
    report the duplicate. Only admin saves of the same team wait for each other:
    an INSERT of a slot takes FOR KEY SHARE on its team (the foreign key check),
    which this lock lets through, and shift() does not touch the team row.
    https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-ROWS
    """

    class Meta:
        model = Slot
        fields = ("team", "day_part", "level", "label")

    def clean(self):
        cleaned_data = super().clean()
        team = cleaned_data.get("team")
        if team is not None:
            # Only the lock matters here, not the answer.
            Team.objects.select_for_update(no_key=True).filter(pk=team.pk).exists()
        return cleaned_data


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    form = SlotAdminForm
    list_display = ("team", "day_part", "level", "label")
    list_filter = ("team", "day_part")
    list_select_related = ("team", "day_part")
    ordering = ("team__name", "day_part__position", "level")
    search_fields = ("team__name", "label")
