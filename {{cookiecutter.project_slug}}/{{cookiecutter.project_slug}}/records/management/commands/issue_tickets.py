"""issue_tickets: give every record that has no ticket its ticket, in batches."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ...exceptions import TicketsExhausted
from ...models import Record, Ticket
from ..arguments import whole_number
from ..progress import Progress

# A batch is one transaction, and the tickets it inserts stay locked until it
# commits: the default keeps that short, and the bound refuses sizes that make
# no sense for it (unbounded, a huge one failed inside PostgreSQL's LIMIT).
MAX_BATCH_SIZE = 1_000_000


class Command(BaseCommand):
    help = (
        "Issue a ticket to every record that has none (records loaded with bulk_create or "
        "import_records). Works through the records in created_at order, in batches of one "
        "short transaction each, so it is safe while the application runs, and safe to run "
        "again: a record that has a ticket keeps it. When the ticket numbers run out, the "
        "numbers that are left are issued and the command fails, saying how many records "
        "have no ticket."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=whole_number(MAX_BATCH_SIZE),
            default=10_000,
            help=f"records looked at per transaction (default: 10000, at most {MAX_BATCH_SIZE})",
        )

    def handle(self, batch_size, verbosity, **options):
        checked = issued = races = 0
        after = None
        progress = Progress(
            self.stdout, verbosity, "Records checked", Record.objects.count(), " records"
        )
        with progress:
            while True:
                try:
                    with transaction.atomic():
                        batch = Ticket.objects.issue_missing(after=after, limit=batch_size)
                except TicketsExhausted as error:
                    # Another transaction drew the last numbers while this batch ran,
                    # so the batch ran past the end and was undone. Run it again: it
                    # now finds no number left, issues nothing and says so.
                    races += 1
                    if races > 1:  # only if MAXVALUE is being raised meanwhile
                        raise CommandError(
                            self.exhausted(error.maxvalue, issued, races, batch_size)
                        ) from error
                    continue
                checked += batch.checked
                issued += batch.issued
                after = batch.last_position
                progress.update(checked, f"tickets issued: {issued}")
                if batch.unnumbered or batch.checked < batch_size:  # out of numbers, or done
                    break
        if batch.unnumbered:
            raise CommandError(self.exhausted(batch.ticket_max, issued, races, batch_size))
        if verbosity >= 1:
            self.stdout.write(f"Tickets issued: {issued}")

    def exhausted(self, ticket_max, issued, races, batch_size):
        """The error for running out: what was issued, and how many records have no ticket."""
        ticketless = Record.objects.filter(ticket__isnull=True).count()
        message = (
            f"{TicketsExhausted(ticket_max)} Tickets issued: {issued}; "
            f"records still without a ticket: {ticketless}."
        )
        if races:
            message += (
                " Another process drew the last numbers while a batch was being issued, so "
                f"that batch was undone, and the numbers it had drawn (at most "
                f"{races * batch_size}) are lost."
            )
        return message
