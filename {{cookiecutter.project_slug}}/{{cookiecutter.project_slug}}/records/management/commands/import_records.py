"""import_records: load records from a CSV file in bulk, without issuing tickets."""

import codecs
import csv
import os
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ...models import Record
from ..arguments import whole_number
from ..progress import Progress

REQUIRED_COLUMNS = ["title"]
COLUMNS = [*REQUIRED_COLUMNS, "description"]

# A batch waits in memory, as Record instances, until its INSERT: the bound
# keeps a mistyped size from holding a whole large file in memory at once.
MAX_BATCH_SIZE = 100_000


class Command(BaseCommand):
    help = (
        "Import records from a UTF-8 CSV file whose header row names its columns: title "
        "(required) and description (optional). Values are stripped of surrounding spaces. "
        "Records are written with bulk_create, so they get no ticket: run issue_tickets "
        "afterwards, or let each record's first save issue its own. Nothing is imported if "
        "any row is bad, unless --skip-bad-rows is given; nothing at all if the file is not "
        "UTF-8 or not well-formed CSV (a quote never closed), and the error names the line."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the CSV file")
        parser.add_argument(
            "--batch-size",
            type=whole_number(MAX_BATCH_SIZE),
            default=1000,
            help=f"records per INSERT statement (default: 1000, at most {MAX_BATCH_SIZE})",
        )
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="import the good rows and report the bad ones, instead of importing nothing",
        )

    def handle(self, path, batch_size, skip_bad_rows, verbosity, **options):
        try:
            file = path.open("rb")  # decoded line by line: see Lines
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        # One transaction: a failure anywhere, or a bad row without
        # --skip-bad-rows, leaves the database as it was.
        with file, transaction.atomic():
            lines = Lines(file)
            size = os.fstat(file.fileno()).st_size or None  # None: a pipe, size unknown
            progress = Progress(self.stdout, verbosity, f"Read from {path.name}", size, "B", True)
            imported, bad_rows = 0, 0
            batch = []
            with progress:
                for rows, (line, record, problems) in enumerate(read_records(lines, path), 1):
                    if problems:
                        bad_rows += 1
                        for problem in problems:
                            progress.write_above(self.stderr, f"line {line}: {problem}")
                    elif skip_bad_rows or not bad_rows:
                        batch.append(record)
                    if len(batch) == batch_size:
                        imported += len(Record.objects.bulk_create(batch))
                        batch = []
                    if rows % batch_size == 0:  # as often as batches, bad rows or not
                        progress.update(lines.bytes_read, f"records: {imported + len(batch)}")
                progress.update(lines.bytes_read, f"records: {imported + len(batch)}")
            if bad_rows and not skip_bad_rows:
                raise CommandError(
                    f"Bad rows in {path}: {bad_rows}, listed above. Nothing was imported: "
                    "fix them, or pass --skip-bad-rows to import the other rows."
                )
            imported += len(Record.objects.bulk_create(batch))
        if verbosity >= 1:
            skipped = f"; bad rows skipped: {bad_rows}, listed above" if bad_rows else ""
            self.stdout.write(f"Records imported from {path}: {imported}{skipped}")


class Lines:
    r"""The lines of a binary file as text, for csv.reader, counting lines and bytes as it goes.

    Each line is decoded on its own, so a byte that is not UTF-8 is reported
    at its own line; a text file would decode thousands of lines ahead. Lines
    end at \n, \r\n or a lone \r, the line ends a file opened with
    newline="" gives csv, and a UTF-8 byte order mark (as Excel writes) is
    dropped from the first line. `finished` turns true once the last line has
    been read.
    """

    def __init__(self, file):
        self.number = 0  # lines read so far: the line being read, while it is decoded
        self.bytes_read = 0
        self.finished = False
        self._file = file

    def __iter__(self):
        for chunk in self._file:  # up to and including each b"\n"
            for line in chunk.splitlines(keepends=True):  # and at a lone \r
                self.number += 1
                self.bytes_read += len(line)
                if self.number == 1:
                    line = line.removeprefix(codecs.BOM_UTF8)
                yield line.decode("utf-8")
        self.finished = True


def read_records(lines, path):
    """Yield (line number, Record or None, problems) for each row of the CSV file.

    Line numbers count the header as line 1; a row with a quoted line break is
    reported at its last line. A missing or wrong header, a file that is not
    CSV or not UTF-8 stops everything with a CommandError.
    """
    # strict: a quote that is never closed, or text right after a closing
    # quote, is an error instead of being read into the value.
    reader = csv.reader(lines, strict=True)
    first_line = 1  # where the row being read starts
    try:
        header = check_header(next(reader, None), path)
        for values in reader:
            if values:  # an empty line is no row
                yield reader.line_num, *record_from_row(header, values)
            first_line = reader.line_num + 1
    except csv.Error as error:
        if lines.finished:  # the file ended inside a quoted value
            raise CommandError(unclosed_quote(path, first_line, lines.number)) from error
        raise CommandError(f"{path}, line {reader.line_num}: not valid CSV ({error}).") from error
    except UnicodeDecodeError as error:
        byte = error.object[error.start]
        raise CommandError(
            f"{path}, line {lines.number}: not UTF-8 text (byte 0x{byte:02X})."
        ) from error


def unclosed_quote(path, first_line, last_line):
    """The error for a file that ends inside a quoted value begun in the row at first_line."""
    where = "on this line" if first_line == last_line else "in the row starting on this line"
    return (
        f"{path}, line {first_line}: not valid CSV: a quoted value {where} is never closed "
        f"(it runs to the end of the file, line {last_line}). Nothing was imported."
    )


def check_header(row, path):
    """The header row's column names, stripped of spaces; a CommandError if they are wrong."""
    if row is None:
        raise CommandError(f"{path} is empty: expected a header row ({', '.join(COLUMNS)}).")
    found = [name.strip() for name in row]
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
    return found


def record_from_row(header, values):
    """A Record built from one CSV row, and what is wrong with the row (empty if nothing)."""
    if len(values) > len(header):
        return None, [f"{len(values)} values, but the header has {len(header)}"]
    if len(values) < len(header):
        return None, [f"no value for {', '.join(header[len(values) :])}"]
    values = {name: value.strip() for name, value in zip(header, values, strict=True)}
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
