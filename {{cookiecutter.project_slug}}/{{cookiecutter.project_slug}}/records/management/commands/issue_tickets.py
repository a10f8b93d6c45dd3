"""issue_tickets: give every record that has no ticket its ticket, in batches."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ...exceptions import TicketsExhausted
from ...models import Ticket
from ..arguments import positive_int


class Command(BaseCommand):
    help = (
        "Issue a ticket to every record that has none (records loaded with bulk_create or "
        "import_records). Works through the records by id in batches, one short transaction "
        "each, so it is safe while the application runs, and safe to run again: a record that "
        "has a ticket keeps it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=positive_int,
            default=10_000,
            help="records looked at per transaction (default: 10000)",
        )

    def handle(self, batch_size, verbosity, **options):
        checked = issued = 0
        after = None
        while True:
            try:
                with transaction.atomic():
                    batch = Ticket.objects.issue_missing(after=after, limit=batch_size)
            except TicketsExhausted as error:
                raise CommandError(
                    f"{error} Tickets issued before that: {issued}; "
                    "the other records still have none."
                ) from error
            checked += batch.checked
            issued += batch.issued
            after = batch.last_record_id
            if verbosity >= 1 and batch.checked:
                self.stdout.write(f"Records checked: {checked}, tickets issued: {issued}")
            if batch.checked < batch_size:  # that was the last batch
                break
        if verbosity >= 1:
            self.stdout.write(f"Tickets issued: {issued}")
