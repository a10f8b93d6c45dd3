from django.contrib import admin

from .models import Record


@admin.register(Record)
class RecordAdmin(admin.ModelAdmin):
    list_display = ("title", "ticket_number", "created_at", "updated_at")
    # One query for the whole page, ticket numbers included (a LEFT JOIN).
    list_select_related = ("ticket",)
    # "__exact" makes Django compare the number as text, so searching for
    # words finds titles and never fails on the number column.
    search_fields = ("title", "ticket__number__exact")
    ordering = ("-created_at",)
    fields = ("title", "description", "ticket_number", "created_at", "updated_at")
    # The ticket is issued by the first save and never edited.
    readonly_fields = ("ticket_number", "created_at", "updated_at")

    @admin.display(description="ticket", ordering="ticket__number")
    def ticket_number(self, record):
        ticket = getattr(record, "ticket", None)  # None until the record's first save
        return ticket.number if ticket else None
