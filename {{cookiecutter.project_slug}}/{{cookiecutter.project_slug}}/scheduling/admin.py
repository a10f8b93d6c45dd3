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


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    # A duplicate level is reported on the form: ModelAdmin runs full_clean(), which
    # checks both level constraints with a query before anything is saved.
    list_display = ("team", "day_part", "level", "label")
    list_filter = ("team", "day_part")
    list_select_related = ("team", "day_part")
    ordering = ("team__name", "day_part__position", "level")
    search_fields = ("team__name", "label")
