"""import_records loads a CSV file in bulk: no tickets, bad rows named by line, all or nothing."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from ..management.commands.import_records import MAX_BATCH_SIZE
from ..models import Record, Ticket
from .terminal import on_a_terminal

pytestmark = pytest.mark.django_db


def import_records(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_records", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def csv_file(tmp_path):
    def write(text, encoding="utf-8"):
        path = tmp_path / "records.csv"
        path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
        return path

    return write


def test_rows_become_records_without_tickets(csv_file):
    path = csv_file(
        "title,description\n"
        "Printer jams,Second floor\n"
        '"Email, calendar down","Since 9:00\nfor everyone"\n'
        "  No description  ,\n"
    )

    out, err = import_records(path)

    assert sorted(Record.objects.values_list("title", "description")) == [
        ("Email, calendar down", "Since 9:00\nfor everyone"),
        ("No description", ""),
        ("Printer jams", "Second floor"),
    ]
    assert Ticket.objects.count() == 0
    assert out == f"Records imported from {path}: 3\n"
    assert err == ""


def test_description_column_is_optional_and_a_bom_is_ignored(csv_file):
    path = csv_file("\ufefftitle\nOnly a title\n")

    import_records(path)

    assert list(Record.objects.values_list("title", "description")) == [("Only a title", "")]


def test_large_files_are_written_in_batches(csv_file, django_assert_num_queries):
    path = csv_file("title\n" + "".join(f"Record {n}\n" for n in range(1, 8)))

    # One INSERT per batch of 3 (3 + 3 + 1), inside one transaction.
    with django_assert_num_queries(3 + 2):  # + SAVEPOINT and RELEASE in the test's transaction
        out, _ = import_records(path, "--batch-size", "3")

    assert Record.objects.count() == 7
    assert out.endswith(f"\nRecords imported from {path}: 7\n")


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(csv_file):
    path = csv_file(
        "title,description\n"
        "Good one,\n"
        ",blank title\n"
        f"{'x' * 201},too long\n"
        "Too,many,values\n"
        "Too few values\n"
        "Also good,\n"
    )
    err = io.StringIO()

    with pytest.raises(
        CommandError, match=r"Bad rows in .*: 4, listed above\. Nothing was imported"
    ):
        call_command("import_records", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "line 3: title: This field cannot be blank.",
        "line 4: title: Ensure this value has at most 200 characters (it has 201).",
        "line 5: 3 values, but the header has 2",
        "line 6: no value for description",
    ]
    assert Record.objects.count() == 0


def test_skip_bad_rows_imports_the_good_ones(csv_file):
    path = csv_file('title\nGood one\n""\nAlso good\n')

    out, err = import_records(path, "--skip-bad-rows")

    assert sorted(Record.objects.values_list("title", flat=True)) == ["Also good", "Good one"]
    assert err == "line 3: title: This field cannot be blank.\n"
    assert out == f"Records imported from {path}: 2; bad rows skipped: 1, listed above\n"


def test_a_nul_character_is_a_bad_row_not_a_crash(csv_file):
    path = csv_file("title\nNul\x00here\n")

    with pytest.raises(CommandError):
        import_records(path)

    assert Record.objects.count() == 0


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("description", "missing column(s): title"),
        ("title,colour", "unknown column(s): colour"),
        ("title,title", "repeated column(s): title"),
    ],
)
def test_a_wrong_header_is_refused_naming_the_columns(csv_file, header, problem):
    path = csv_file(f"{header}\nvalue\n")

    with pytest.raises(CommandError, match=re.escape(problem)) as raised:
        import_records(path)

    assert f"it has: {header.replace(',', ', ')}." in str(raised.value)
    assert Record.objects.count() == 0


def test_an_empty_file_is_refused(csv_file):
    expected = "is empty: expected a header row (title, description)"
    with pytest.raises(CommandError, match=re.escape(expected)):
        import_records(csv_file(""))


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(
        CommandError, match=r"Cannot read .*missing\.csv: No such file or directory"
    ):
        import_records(tmp_path / "missing.csv")


def test_a_file_that_is_not_utf8_is_refused_and_nothing_is_imported(csv_file):
    path = csv_file("title\nFirst\nCaf\xe9\n", encoding="latin-1")

    with pytest.raises(CommandError, match="not UTF-8 text"):
        import_records(path)

    assert Record.objects.count() == 0


@pytest.mark.parametrize("line", [2, 3, 50_000])
def test_a_byte_that_is_not_utf8_is_reported_at_its_own_line(csv_file, line):
    rows = [f"Record {n} caf\u00e9".encode() for n in range(2, line)]
    path = csv_file(b"title\n" + b"".join(row + b"\n" for row in rows) + b"Caf\xe9\nLast\n")

    with pytest.raises(CommandError) as raised:
        import_records(path)

    assert str(raised.value) == f"{path}, line {line}: not UTF-8 text (byte 0xE9)."
    assert Record.objects.count() == 0


def test_a_byte_that_is_not_utf8_inside_a_quoted_line_break_is_reported_at_its_line(csv_file):
    path = csv_file(b'title,description\nGood,"first line\nsecond \xff line"\n')

    with pytest.raises(CommandError, match=r"line 3: not UTF-8 text \(byte 0xFF\)"):
        import_records(path)


ON_THIS_LINE = "on this line"
IN_THE_ROW = "in the row starting on this line"


@pytest.mark.parametrize(
    ("text", "first_line", "last_line", "where"),
    [
        # The case from the issue: the last line, with or without its line end.
        ('First,\nok,"unterminated', 3, 3, ON_THIS_LINE),
        ('First,\nok,"unterminated\n', 3, 3, ON_THIS_LINE),
        # Further up (after an empty line) it swallows the rows below it.
        ('First,\n\nok,"runs on\nSecond,\nThird,\n', 4, 6, IN_THE_ROW),
    ],
)
def test_an_unclosed_quote_is_refused_with_its_line_even_when_skipping_bad_rows(
    csv_file, text, first_line, last_line, where
):
    path = csv_file(f"title,description\n{text}")

    with pytest.raises(CommandError) as raised:
        import_records(path, "--skip-bad-rows")

    assert str(raised.value) == (
        f"{path}, line {first_line}: not valid CSV: a quoted value {where} is never closed "
        f"(it runs to the end of the file, line {last_line}). Nothing was imported."
    )
    assert Record.objects.count() == 0


def test_text_after_a_closing_quote_is_refused_with_its_line(csv_file):
    path = csv_file('title\nFirst\n"quoted"trailing\n')

    with pytest.raises(CommandError, match=r"line 3: not valid CSV \(',' expected after '\"'\)"):
        import_records(path)

    assert Record.objects.count() == 0


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_kind_of_line_end_is_read_and_quoted_line_breaks_are_kept(csv_file, newline):
    path = csv_file(
        newline.join(["title,description", "One,", 'Two,"a', 'b"', "Three,", ""]),
    )

    out, _ = import_records(path)

    assert sorted(Record.objects.values_list("title", "description")) == [
        ("One", ""),
        ("Three", ""),
        ("Two", f"a{newline}b"),
    ]
    assert out == f"Records imported from {path}: 3\n"


@pytest.mark.parametrize("size", ["0", str(MAX_BATCH_SIZE + 1), "9" * 30])
def test_a_bad_batch_size_is_refused_naming_the_option_and_the_value(csv_file, size):
    expected = f"--batch-size: must be a whole number from 1 to {MAX_BATCH_SIZE}, got '{size}'"
    with pytest.raises(CommandError, match=re.escape(expected)):
        import_records(csv_file("title\nx\n"), "--batch-size", size)


# Progress: plain lines when the output is not a terminal, a bar on one, nothing at verbosity 0.


def test_off_a_terminal_progress_is_a_plain_line_per_tenth(csv_file):
    # 100 rows of 10 bytes after a 6-byte header: row n ends at byte 6 + 10n.
    path = csv_file("title\n" + "".join(f"Row {n:05}\n" for n in range(1, 101)))

    out, _ = import_records(path, "--batch-size", "1")

    lines = out.splitlines()
    assert len(lines) == 10, out
    for tenth, line in enumerate(lines[:-1], start=1):
        assert re.fullmatch(
            rf"Read from records\.csv: [\d.]+k? of 1\.01kB \({tenth}\d%\), "
            r"[\d.]+[kM]?B/s, \d\d:\d\d left, records: \d+",
            line,
        ), line
    assert lines[-1] == f"Records imported from {path}: 100"


def test_verbosity_0_writes_nothing(csv_file):
    path = csv_file("title\n" + "".join(f"Row {n}\n" for n in range(20)))

    out, err = import_records(path, "--batch-size", "1", "--verbosity", "0")

    assert (out, err) == ("", "")
    assert Record.objects.count() == 20


def test_on_a_terminal_a_bar_shows_done_of_total_and_the_rate(csv_file):
    path = csv_file("title\n" + "".join(f"Row {n:05}\n" for n in range(1, 101)))

    screen = on_a_terminal(
        lambda terminal: call_command(
            "import_records", str(path), "--batch-size", "10", stdout=terminal
        )
    )

    final = r"records\.csv: 100%.*\| 1\.01k/1\.01k \[[\d:]+<[\d:]+, +[\d.]+[kM]?B/s, records: 100\]"
    assert re.search(final, screen), screen
    assert screen.rstrip().endswith(f"Records imported from {path}: 100")


def test_on_a_terminal_bad_rows_are_written_on_lines_of_their_own(csv_file):
    path = csv_file('title\nGood one\n""\nAlso good\n')

    screen = on_a_terminal(
        lambda terminal: call_command(
            "import_records", str(path), "--skip-bad-rows", stdout=terminal, stderr=terminal
        )
    )

    # The bar is taken down (a carriage return) before the line, and drawn again after it.
    assert re.search(r"\rline 3: title: This field cannot be blank\.\n.*records\.csv: ", screen), (
        screen
    )
