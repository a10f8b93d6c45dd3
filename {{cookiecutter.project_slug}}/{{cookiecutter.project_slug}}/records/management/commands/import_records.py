"""import_records: load records from a CSV file in bulk, without issuing tickets."""

import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ...models import Record
from ..arguments import positive_int

REQUIRED_COLUMNS = ["title"]
COLUMNS = [*REQUIRED_COLUMNS, "description"]


class Command(BaseCommand):
    help = (
        "Import records from a UTF-8 CSV file whose header row names its columns: title "
        "(required) and description (optional). Values are stripped of surrounding spaces. "
        "Records are written with bulk_create, so they get no ticket: run issue_tickets "
        "afterwards, or let each record's first save issue its own. Nothing is imported if "
        "any row is bad, unless --skip-bad-rows is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the CSV file")
        parser.add_argument(
            "--batch-size",
            type=positive_int,
            default=1000,
            help="records per INSERT statement (default: 1000)",
        )
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="import the good rows and report the bad ones, instead of importing nothing",
        )

    def handle(self, path, batch_size, skip_bad_rows, verbosity, **options):
        try:
            file = path.open(newline="", encoding="utf-8-sig")  # -sig: skip a BOM, as Excel writes
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        # One transaction: a failure anywhere, or a bad row without
        # --skip-bad-rows, leaves the database as it was.
        with file, transaction.atomic():
            imported, bad_rows = 0, 0
            batch = []
            for line, record, problems in read_records(file, path):
                if problems:
                    bad_rows += 1
                    for problem in problems:
                        self.stderr.write(f"line {line}: {problem}")
                elif skip_bad_rows or not bad_rows:
                    batch.append(record)
                if len(batch) == batch_size:
                    imported += len(Record.objects.bulk_create(batch))
                    batch = []
                    if verbosity >= 1:
                        self.stdout.write(f"Records written: {imported} (to line {line})")
            if bad_rows and not skip_bad_rows:
                raise CommandError(
                    f"Bad rows in {path}: {bad_rows}, listed above. Nothing was imported: "
                    "fix them, or pass --skip-bad-rows to import the other rows."
                )
            imported += len(Record.objects.bulk_create(batch))
        if verbosity >= 1:
            skipped = f"; bad rows skipped: {bad_rows}, listed above" if bad_rows else ""
            self.stdout.write(f"Records imported from {path}: {imported}{skipped}")


def read_records(file, path):
    """Yield (line number, Record or None, problems) for each row of the CSV file.

    Line numbers count the header as line 1; a row with a quoted line break is
    reported at its last line. A missing or wrong header, a file that is not
    CSV or not UTF-8 stops everything with a CommandError.
    """
    reader = csv.DictReader(file)
    try:
        check_header(reader, path)
        for row in reader:
            yield reader.line_num, *record_from_row(row)
    except csv.Error as error:
        raise CommandError(f"{path}, line {reader.line_num}: not valid CSV ({error}).") from error
    except UnicodeDecodeError as error:
        raise CommandError(f"{path}, after line {reader.line_num}: not UTF-8 text.") from error


def check_header(reader, path):
    if reader.fieldnames is None:
        raise CommandError(f"{path} is empty: expected a header row ({', '.join(COLUMNS)}).")
    reader.fieldnames = [name.strip() for name in reader.fieldnames]
    found = reader.fieldnames
    missing = [name for name in REQUIRED_COLUMNS if name not in found]
    unknown = [name for name in found if name not in COLUMNS]
    repeated = sorted({name for name in found if found.count(name) > 1})
    for problem, names in (
        ("missing column(s)", missing),
        ("unknown column(s)", unknown),
        ("repeated column(s)", repeated),
    ):
        if names:
            raise CommandError(
                f"{path}: {problem}: {', '.join(names)}. The header must name "
                f"{', '.join(REQUIRED_COLUMNS)} and may name {', '.join(COLUMNS[1:])}; "
                f"it has: {', '.join(found)}."
            )


def record_from_row(row):
    """A Record built from one CSV row, and what is wrong with the row (empty if nothing)."""
    # DictReader files values beyond the header under the key None, and
    # fills in None for values the row lacks.
    if None in row:
        columns = len(row) - 1
        return None, [f"{columns + len(row[None])} values, but the header has {columns}"]
    missing = [name for name, value in row.items() if value is None]
    if missing:
        return None, [f"no value for {', '.join(missing)}"]
    values = {name: value.strip() for name, value in row.items()}
    nul = [name for name, value in values.items() if "\x00" in value]
    if nul:
        return None, [f"{name}: PostgreSQL cannot store NUL characters" for name in nul]
    record = Record(**values)
    try:
        # validate_unique=False: the only unique field is the new random id,
        # and checking it would cost a query per row.
        record.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return None, [
            f"{name}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return record, []
