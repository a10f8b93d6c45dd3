import re

from django import forms
from django.contrib import admin

from ..db.sequences import BIGINT_MAX
from .exceptions import TicketsExhausted
from .models import Record

# What people type to find a ticket: its number, as shown ("#13") or bare ("13").
# A bigint has at most 19 digits; longer runs of digits are only searched as words.
TICKET_SEARCH = re.compile(r"#?(\d{1,19})")


class RecordForm(forms.ModelForm):
    """The admin's record form; it can carry an error that only saving revealed."""

    # Set by RecordAdmin.get_form() when saving ran out of ticket numbers.
    save_error = None

    def clean(self):
        cleaned_data = super().clean()
        if self.save_error:
            raise forms.ValidationError(self.save_error)
        return cleaned_data


@admin.register(Record)
class RecordAdmin(admin.ModelAdmin):
    # Record.objects loads each record with its ticket: the list is one query
    # for the whole page, ticket numbers included (a LEFT JOIN).
    form = RecordForm
    list_display = ("title", "ticket_number", "created_at", "updated_at")
    # Ticket numbers are searched by get_search_results(), as numbers.
    search_fields = ("title",)
    ordering = ("-created_at",)
    fields = ("title", "description", "ticket_number", "created_at", "updated_at")
    # The ticket is issued by the first save and never edited.
    readonly_fields = ("ticket_number", "created_at", "updated_at")

    @admin.display(description="ticket", ordering="ticket__number")
    def ticket_number(self, record):
        ticket = getattr(record, "ticket", None)  # None until the record's first save
        return str(ticket) if ticket else self.get_empty_value_display()

    def get_search_results(self, request, queryset, search_term):
        """Titles containing the words, and the ticket whose number was typed.

        The number is compared as a number, through the ticket's primary key
        index; one larger than a bigint cannot be a ticket's.
        """
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        wanted = TICKET_SEARCH.fullmatch(search_term.strip())
        if wanted and int(wanted[1]) <= BIGINT_MAX:
            results |= queryset.filter(ticket__number=int(wanted[1]))
        return results, may_have_duplicates

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Add or change a record; when no ticket number is left, show the form again.

        Django runs a POST of this view in one transaction, so when saving
        raises TicketsExhausted the record and everything else the request
        wrote are rolled back. The view then runs again with a form that
        refuses to validate, naming the problem, so nothing is saved twice.
        """
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except TicketsExhausted as error:
            request.tickets_exhausted = error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        error = getattr(request, "tickets_exhausted", None)
        if error is None:
            return form
        message = f"{error} The record was not saved."
        return type(form.__name__, (form,), {"save_error": message})
