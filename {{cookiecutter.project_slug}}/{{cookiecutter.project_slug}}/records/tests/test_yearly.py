{%- set gapless = cookiecutter.numbering == "gapless" -%}
"""Each year numbers its tickets from 1: the year of created_at in settings.TIME_ZONE."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from ...testing.concurrency import run_together
from ...testing.sequences import fetch_one
from ..models import Record, Ticket, ticket_year
from .numbers import next_number, this_year

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wide_ticket_range")]

WORKERS = 8
CALLS = 15


def local_moment(year, *rest):
    """A moment of the project's TIME_ZONE, as an aware datetime."""
    return timezone.make_aware(datetime.datetime(year, *rest), timezone.get_default_timezone())


def tickets_by_year():
    numbers = {}
    for year, number in Ticket.objects.order_by("number").values_list("year", "number"):
        numbers.setdefault(year, []).append(number)
    return numbers


def test_year_and_number_are_unique_together_in_the_database():
    (constraints,) = fetch_one(
        "SELECT array_agg(ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY "
        "  AS key(attnum, position) JOIN pg_attribute a ON a.attrelid = c.conrelid "
        "  AND a.attnum = key.attnum ORDER BY key.position)::text) "
        "FROM pg_constraint c WHERE c.conrelid = 'records_ticket'::regclass AND c.contype = 'u'"
    )

    assert constraints == ["{year,number}"]


@pytest.mark.django_db(transaction=True)
def test_workers_crossing_new_year_number_each_year_from_its_own_start(thread_clock):
    year = this_year()
    starts = {year: next_number(year), year + 1: next_number(year + 1)}
    # Half the workers live the last microsecond of the year, half the first of the next.
    moments = [local_moment(year, 12, 31, 23, 59, 59, 999_999), local_moment(year + 1, 1, 1)]

    def create(worker, call):
        with thread_clock.frozen(moments[worker % 2]):
            record = Record.objects.create(title=f"worker {worker}, record {call}")
        return record.created_at, record.ticket.year

    report = run_together(create, workers=WORKERS, calls=CALLS)

    assert report.errors == []
    assert {created_at: year for created_at, year in report.results} == {
        moments[0]: year,
        moments[1]: year + 1,
    }
    per_year = WORKERS // 2 * CALLS
    assert tickets_by_year() == {
        y: list(range(start, start + per_year)) for y, start in starts.items()
    }
{%- if gapless %}
    assert starts == {year: 1, year + 1: 1}
{%- endif %}


def test_the_year_is_that_of_the_project_time_zone(thread_clock):
    year = this_year()
    # Noon on 31 December in UTC is already 1 January in Auckland (UTC+13).
    with override_settings(TIME_ZONE="Pacific/Auckland"):
        with thread_clock.frozen(datetime.datetime(year, 12, 31, 12, tzinfo=datetime.UTC)):
            record = Record.objects.create(title="Kiwi New Year")
            (bulk,) = Record.objects.bulk_create([Record(title="loaded")])
        Ticket.objects.issue_missing()

        assert ticket_year(record.created_at) == year + 1
        assert record.ticket.year == year + 1
        assert Ticket.objects.get(record=bulk).year == year + 1


def test_the_backfill_numbers_each_year_in_created_at_order(thread_clock):
    year = this_year()
    starts = {year: next_number(year), year + 1: next_number(year + 1)}
    made = []
    for minute, target in enumerate([year + 1, year, year + 1, year, year]):
        moment = local_moment(target, 1 if target > year else 6, 1, 0, minute)
        with thread_clock.frozen(moment):
            made += Record.objects.bulk_create([Record(title=f"{target} #{minute}")])

    batch = Ticket.objects.issue_missing(limit=2)  # batches of two, as issue_tickets runs them
    while batch.checked == 2:
        batch = Ticket.objects.issue_missing(after=batch.last_position, limit=2)

    by_record = dict(Ticket.objects.values_list("record_id", "number"))
    for target, start in starts.items():
        ordered = sorted(
            (r for r in made if ticket_year(r.created_at) == target), key=lambda r: r.created_at
        )
        assert [by_record[r.pk] for r in ordered] == list(range(start, start + len(ordered)))
