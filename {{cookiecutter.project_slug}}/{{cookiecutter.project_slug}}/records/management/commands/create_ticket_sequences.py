"""create_ticket_sequences: create the ticket sequences of this year and the coming ones."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from ....db.sequences import create_year_sequences
from ...models import TICKET_MAX, TICKET_SEQUENCE_PREFIX, Ticket
from ..arguments import whole_number

# Years ahead at most: a sequence per year is cheap, but a typo should not make thousands.
MAX_YEARS_AHEAD = 100


class Command(BaseCommand):
    help = (
        "Create the sequences that number the tickets of this year and of the next "
        "--years-ahead years (default 1), if they do not exist yet. Each year's tickets are "
        "numbered from 1 by a sequence of its own, and no request creates one: run this once "
        "a year, before New Year (a scheduled job is best). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--years-ahead",
            type=whole_number(MAX_YEARS_AHEAD),
            default=1,
            help=f"years after this one to create (default: 1, at most {MAX_YEARS_AHEAD})",
        )

    def handle(self, years_ahead, verbosity, **options):
        this_year = timezone.localdate(timezone=timezone.get_default_timezone()).year
        quote = connection.ops.quote_name
        number = quote(Ticket._meta.get_field("number").column)
        with transaction.atomic(), connection.cursor() as cursor:
            created = create_year_sequences(
                cursor,
                quote,
                TICKET_SEQUENCE_PREFIX,
                range(this_year, this_year + years_ahead + 1),
                TICKET_MAX,
                f"{quote(Ticket._meta.db_table)}.{number}",
            )
        if verbosity >= 1:
            self.stdout.write(f"Ticket sequences created: {', '.join(created) or 'none'}")
