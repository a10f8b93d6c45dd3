"""import_records loads a CSV file in bulk: no tickets, bad rows named by line, all or nothing."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from ..models import Record, Ticket

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


def test_large_files_are_written_in_batches_with_progress(csv_file, django_assert_num_queries):
    path = csv_file("title\n" + "".join(f"Record {n}\n" for n in range(1, 8)))

    # One INSERT per batch of 3 (3 + 3 + 1), inside one transaction.
    with django_assert_num_queries(3 + 2):  # + SAVEPOINT and RELEASE in the test's transaction
        out, _ = import_records(path, "--batch-size", "3")

    assert Record.objects.count() == 7
    assert out.splitlines() == [
        "Records written: 3 (to line 4)",
        "Records written: 6 (to line 7)",
        f"Records imported from {path}: 7",
    ]


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


def test_a_bad_batch_size_is_refused(csv_file):
    with pytest.raises(CommandError, match="--batch-size: must be a whole number of at least 1"):
        import_records(csv_file("title\nx\n"), "--batch-size", "0")
