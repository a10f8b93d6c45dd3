import re

from django import forms
from django.contrib import admin

from ..db.sequences import BIGINT_MAX
from .display import lookups
from .exceptions import TicketsExhausted
from .models import Record

# A bare number people type to find a ticket ("13"); the shown form is read by
# display.lookups(). A bigint has at most 19 digits; longer runs of digits are
# only searched as words.
BARE_NUMBER = re.compile(r"\d{1,19}")


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
    # Tickets are searched by get_search_results(), as shown or as bare numbers.
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
        """Titles containing the words, and the ticket typed as shown or as a bare number.

        The number is compared as a number, through the ticket's unique
        index; one larger than a bigint cannot be a ticket's.
        """
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if BARE_NUMBER.fullmatch(term):
            wanted = {"number": int(term)} if int(term) <= BIGINT_MAX else None
        else:
            try:
                wanted = lookups(term)
            except ValueError:  # not a ticket as shown
                wanted = None
        if wanted:
            ticket = {f"ticket__{name}": value for name, value in wanted.items()}
            results |= queryset.filter(**ticket)
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
