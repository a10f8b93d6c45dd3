"""Measure the project's database choices against the alternatives, in one run.

    uv run python benchmarks/run.py            # full run (a few minutes)
    uv run python benchmarks/run.py --quick    # smoke run, under a minute

Bakes the template into a temporary folder, migrates a throwaway database on
the server in DATABASE_URL (else on an embedded one, database_server.py),
prints one table per scenario and writes the same results as JSON. Targets are
reported, never asserted on timing.
"""

import argparse
import datetime
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness
import numbering
from report import percentile, table

STRATEGIES = [
    ("max()+1 via order_by().first()", "MaxPlusOneFirst"),
    ("aggregate(Max)+1", "MaxPlusOneAggregate"),
    ("SELECT nextval, then INSERT", "NextvalThenInsert"),
    ("sequence default (the project)", "SequenceDefault"),
    ("gapless counter row", "GaplessCounter"),
    ("raw SQL reference (psycopg)", "RawSql"),
    ("raw SQL gapless counter (psycopg)", "RawGaplessCounter"),
]

FULL = {"seconds": 10.0, "shift_sizes": [1_000, 10_000], "backfill_rows": 1_000_000}
QUICK = {"seconds": 1.5, "shift_sizes": [1_000], "backfill_rows": 100_000}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--workers", type=int, default=8, help="concurrent processes (8)")
    parser.add_argument("--json", type=Path, default=None, help="where to write the results")
    parser.add_argument(
        "--binding",
        choices=["on", "off"],
        default=None,
        help="server-side parameter binding for the project (default: its own setting)",
    )
    args = parser.parse_args()
    if args.binding:
        os.environ[harness.BINDING_VARIABLE] = args.binding
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    plan = QUICK if args.quick else FULL
    started = time.perf_counter()
    json_path = args.json or Path(__file__).parent / "results" / (
        "quick.json" if args.quick else "full.json"
    )

    with tempfile.TemporaryDirectory() as workdir:
        project = harness.BakedProject(Path(workdir) / "default")
        try:
            results = run_all(project, plan, args.workers)
        finally:
            project.close()
        results["choices"] = choices_scenario(Path(workdir), plan["seconds"], args.workers)
        results["seconds"] = round(time.perf_counter() - started, 1)
        print(f"Total: {results['seconds']} s")

    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Results written to {json_path}")


def run_all(project, plan, workers):
    project.execute(numbering.COUNTER_DDL)
    harness.setup_django(project.path, project.url)
    from django.conf import settings

    binding = settings.DATABASES["default"]["OPTIONS"].get("server_side_binding") is True
    results = {
        "machine": machine_facts(project),
        "plan": {**plan, "workers": workers, "server_side_binding": binding},
    }
    print_machine(results["machine"], results["plan"])

    results["numbering"] = numbering_scenario(project, plan["seconds"], workers)
    results["shift"] = [shift_scenario(size) for size in plan["shift_sizes"]]
    print(shift_table(results["shift"]))
    results["backfill"] = backfill_scenario(project, plan["backfill_rows"])
    print(backfill_table(results["backfill"]))
    results["targets"] = targets(results)
    print(targets_table(results["targets"]))
    return results


def machine_facts(project):
    (version,) = project.execute("SHOW server_version")[0]
    import django

    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "postgresql": version,
        "python": platform.python_version(),
        "django": django.get_version(),
        "pgbench": shutil.which("pgbench") is not None,
    }


def print_machine(machine, plan):
    print(
        f"Machine: {machine['cores']} cores, PostgreSQL {machine['postgresql']}, "
        f"Python {machine['python']}, Django {machine['django']}, {machine['date']}\n"
        f"Plan: {plan['workers']} workers x {plan['seconds']} s per strategy, "
        f"shift sizes {plan['shift_sizes']}, backfill {plan['backfill_rows']:,} rows, "
        f"server-side binding {'on' if plan['server_side_binding'] else 'off'}\n"
    )


# --- 1 and 2: numbering under concurrency, and the raw-SQL reference -----------------


def reset_numbering(project):
    project.execute("TRUNCATE records_ticket, records_record")
    project.execute("ALTER SEQUENCE records_ticket_number_seq RESTART")
    project.execute(f"TRUNCATE {numbering.COUNTER_TABLE}")


def committed_numbers(project):
    """(committed tickets, numbers missing between each scope's lowest and highest)."""
    scope = (
        "year"
        if project.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = 'records_ticket' AND column_name = 'year'"
        )
        else "()"
    )
    count, gaps = project.execute(
        "SELECT coalesce(sum(n), 0)::bigint, coalesce(sum(high - low + 1 - n), 0)::bigint FROM ("
        "  SELECT count(*) AS n, min(number) AS low, max(number) AS high"
        f"  FROM records_ticket GROUP BY {scope}"
        ") AS per_scope"
    )[0]
    return count, gaps


def numbering_scenario(project, seconds, workers):
    rows = []
    pool = harness.WorkerPool(project, workers)
    try:
        for label, strategy in STRATEGIES:
            reset_numbering(project)
            outcomes = pool.run(strategy, seconds)
            rows.append(summarise(label, strategy, outcomes, seconds, project))
    finally:
        pool.close()
    if shutil.which("pgbench"):
        reset_numbering(project)
        rows.append(pgbench_row(project, seconds, workers))
    reference = next(r for r in rows if r["strategy"] == "RawSql")["per_second"]
    for row in rows:
        row["vs_raw"] = row["per_second"] / reference if reference else float("nan")
    print(
        table(
            f"1-2. Ticket numbering: {workers} workers, {seconds} s each",
            [
                "strategy",
                "tickets/s",
                "p50 ms",
                "p99 ms",
                "client CPU ms",
                "errors",
                "dup-key",
                "gaps",
                "x raw",
            ],
            [
                [
                    r["label"],
                    r["per_second"],
                    r["p50_ms"],
                    r["p99_ms"],
                    r["client_cpu_ms"],
                    r["errors"],
                    r["duplicates"],
                    r["gaps"],
                    r["vs_raw"],
                ]
                for r in rows
            ],
        )
    )
    return rows


def summarise(label, strategy, outcomes, seconds, project):
    latencies = sorted(x for o in outcomes for x in o["latencies"])
    count, gaps = committed_numbers(project)
    return {
        "label": label,
        "strategy": strategy,
        "committed": count,
        "per_second": count / seconds,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        # Client CPU per attempt: on a small machine it competes with the server.
        "client_cpu_ms": 1000 * sum(o["cpu_seconds"] for o in outcomes) / max(1, len(latencies)),
        "errors": sum(o["errors"] for o in outcomes),
        "duplicates": sum(o["duplicates"] for o in outcomes),
        "gaps": gaps,
    }


PGBENCH_SCRIPT = """\
BEGIN;
INSERT INTO records_record (id, title, description, created_at, updated_at)
  VALUES (gen_random_uuid(), 'benchmark record', '', now(), now()) RETURNING id AS record_id \\gset
INSERT INTO records_ticket (record_id) VALUES (:record_id) RETURNING number;
COMMIT;
"""


def pgbench_row(project, seconds, workers):
    """The same transaction through pgbench, whose client adds no Python at all."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "ticket.sql"
        script.write_text(PGBENCH_SCRIPT)
        finished = subprocess.run(
            [
                "pgbench",
                "-n",
                "--protocol=prepared",  # variables become parameters, as in psycopg
                "-c",
                str(workers),
                "-j",
                str(min(workers, os.cpu_count() or 1)),
                "-T",
                str(max(1, round(seconds))),
                "-f",
                str(script),
                "-l",
                "--log-prefix",
                str(Path(folder) / "log"),
                project.url,
            ],
            capture_output=True,
            text=True,
        )
        if finished.returncode != 0:
            raise RuntimeError(f"pgbench failed:\n{finished.stdout}\n{finished.stderr}")
        latencies = sorted(
            int(line.split()[2]) / 1e6
            for log in Path(folder).glob("log*")
            for line in log.read_text().splitlines()
        )
    count, gaps = committed_numbers(project)
    return {
        "label": "raw SQL reference (pgbench)",
        "strategy": "pgbench",
        "committed": count,
        "per_second": count / max(1, round(seconds)),
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "client_cpu_ms": float("nan"),  # pgbench is C; not measured
        "errors": 0,  # pgbench stops with an error (raised above) on any failed statement
        "duplicates": 0,
        "gaps": gaps,
    }


# --- 5: the other numbering choices, each in a project baked with it -------------------

# (label, generator answers, strategy in numbering.py). Each runs
# Record.objects.create() in a project baked with those answers, one after the
# other, so the rows compare with each other (the default is baked again for
# that); the last two make the contention row: the same gapless yearly writes,
# all in one year, then spread over eight.
CHOICES = [
    ("sequence, global (the default, baked again)", {}, "ChosenNumbering"),
    ("sequence, yearly", {"ticket_scope": "yearly"}, "ChosenNumbering"),
    ("gapless, global", {"numbering": "gapless"}, "ChosenNumbering"),
    (
        "gapless, yearly: all workers in one year",
        {"numbering": "gapless", "ticket_scope": "yearly"},
        "ChosenNumbering",
    ),
    (
        f"gapless, yearly: workers spread over {numbering.SCOPES} years",
        {"numbering": "gapless", "ticket_scope": "yearly"},
        "SpreadOverYears",
    ),
]


def choices_scenario(workdir, seconds, workers):
    """Each choice in its own bake and database, with its own pool of workers.

    Django is set up once per process, so a bake's workers serve that bake only.
    """
    rows = []
    for index, (label, answers, strategy) in enumerate(CHOICES):
        project = harness.BakedProject(workdir / f"choice{index}", **answers)
        try:
            project.execute(f"CREATE SEQUENCE {numbering.WORKER_SEQUENCE} MINVALUE 0 START 0")
            pool = harness.WorkerPool(project, workers)
            try:
                outcomes = pool.run(strategy, seconds)
            finally:
                pool.close()
            rows.append(
                {**summarise(label, strategy, outcomes, seconds, project), "answers": answers}
            )
        finally:
            project.close()
    print(
        table(
            f"5. Numbering choices: {workers} workers, {seconds} s each, Record.objects.create()",
            ["choice", "tickets/s", "p50 ms", "p99 ms", "errors", "gaps"],
            [
                [r["label"], r["per_second"], r["p50_ms"], r["p99_ms"], r["errors"], r["gaps"]]
                for r in rows
            ],
        )
    )
    return rows


# --- 3: renumbering slots ---------------------------------------------------------------


class StatementCounter:
    """A Django execute wrapper that counts the statements sent to the database."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(action):
    """Run action() in one transaction; return (seconds, statements) incl. the commit."""
    from django.db import connection, transaction

    counter = StatementCounter()
    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        with transaction.atomic():
            action()
        return time.perf_counter() - start, counter.count


SHIFT_REPEATS = 3


def shift_scenario(size):
    from service_desk.scheduling.models import DayPart, Slot, Team

    team = Team.objects.create(name=f"shift benchmark {size}")
    day_part = DayPart.objects.create(name=f"shift benchmark {size}")
    Slot.objects.bulk_create(
        Slot(team=team, day_part=day_part, level=level) for level in range(1, size + 1)
    )
    slots = Slot.objects.filter(team=team, day_part=day_part)

    def one_update():
        assert slots.shift(1) == size

    def row_by_row():
        # The fallback the project replaces: highest level first, one save per row.
        for slot in slots.order_by("-level"):
            slot.level += 1
            slot.save()

    # Each way runs SHIFT_REPEATS times, alternating; the median time counts, as
    # one short run on a shared machine can be far off either way.
    update_runs, loop_runs = [], []
    for _ in range(SHIFT_REPEATS):
        update_runs.append(timed(one_update))
        loop_runs.append(timed(row_by_row))
    update_seconds = statistics.median(seconds for seconds, _ in update_runs)
    loop_seconds = statistics.median(seconds for seconds, _ in loop_runs)
    update_statements = max(statements for _, statements in update_runs)
    loop_statements = max(statements for _, statements in loop_runs)
    moved = 2 * SHIFT_REPEATS
    levels = list(slots.order_by("level").values_list("level", flat=True))
    assert levels == list(range(1 + moved, size + 1 + moved)), "a level was lost or duplicated"
    return {
        "rows": size,
        "update_statements": update_statements,
        "update_seconds": update_seconds,
        "loop_statements": loop_statements,
        "loop_seconds": loop_seconds,
        "speedup": loop_seconds / update_seconds,
    }


def shift_table(rows):
    return table(
        "3. Renumbering K slots: one UPDATE under deferred constraints vs a save() loop",
        ["K", "UPDATE stmts", "UPDATE s", "loop stmts", "loop s", "loop / UPDATE"],
        [
            [
                r["rows"],
                r["update_statements"],
                r["update_seconds"],
                r["loop_statements"],
                r["loop_seconds"],
                r["speedup"],
            ]
            for r in rows
        ],
    )


# --- 4: backfilling tickets for preloaded records ---------------------------------------

PRELOAD = (
    "INSERT INTO records_record (id, title, description, created_at, updated_at) "
    "SELECT gen_random_uuid(), 'preloaded ' || n, '', now(), now() FROM generate_series(1, %s) n"
)
RAW_BACKFILL = "INSERT INTO records_ticket (record_id) SELECT id FROM records_record"


def backfill_scenario(project, rows):
    from django.core.management import call_command

    reset_numbering(project)
    project.execute(PRELOAD, (rows,))
    project.execute("VACUUM ANALYZE records_record")

    start = time.perf_counter()
    project.execute(RAW_BACKFILL)
    raw_seconds = time.perf_counter() - start
    assert committed_numbers(project)[0] == rows

    project.execute("TRUNCATE records_ticket")
    project.execute("ALTER SEQUENCE records_ticket_number_seq RESTART")
    project.execute("VACUUM ANALYZE records_ticket")
    start = time.perf_counter()
    call_command("issue_tickets", stdout=io.StringIO(), stderr=io.StringIO())
    command_seconds = time.perf_counter() - start
    issued, gaps = committed_numbers(project)
    assert issued == rows, f"issue_tickets issued {issued} tickets for {rows} records"
    return {
        "rows": rows,
        "command_seconds": command_seconds,
        "command_per_second": rows / command_seconds,
        "raw_seconds": raw_seconds,
        "raw_per_second": rows / raw_seconds,
        "ratio": command_seconds / raw_seconds,
        "gaps": gaps,
    }


def backfill_table(result):
    return table(
        f"4. Backfill: tickets for {result['rows']:,} preloaded records",
        ["method", "seconds", "tickets/s", "x raw time"],
        [
            [
                "issue_tickets",
                result["command_seconds"],
                result["command_per_second"],
                result["ratio"],
            ],
            ["raw INSERT ... SELECT", result["raw_seconds"], result["raw_per_second"], 1.0],
        ],
    )


# --- targets ----------------------------------------------------------------------------


def targets(results):
    by_strategy = {row["strategy"]: row for row in results["numbering"]}
    ours = by_strategy["SequenceDefault"]
    gapless = by_strategy["GaplessCounter"]["per_second"]
    largest = results["shift"][-1]
    raw_sequence = by_strategy["RawSql"]["per_second"]
    raw_gapless = by_strategy["RawGaplessCounter"]["per_second"]
    checks = [
        ("sequence default: errors", 0, ours["errors"], ours["errors"] == 0),
        ("sequence default: duplicate keys", 0, ours["duplicates"], ours["duplicates"] == 0),
        ("sequence default vs raw SQL", ">= 0.6x", ours["vs_raw"], ours["vs_raw"] >= 0.6),
        (
            "sequence default vs gapless counter",
            ">= 3x",
            ours["per_second"] / gapless,
            ours["per_second"] >= 3 * gapless,
        ),
        # The same comparison without Django on either side: the database's share.
        (
            "raw SQL: sequence vs gapless counter",
            ">= 3x",
            raw_sequence / raw_gapless,
            raw_sequence >= 3 * raw_gapless,
        ),
        (
            f"shift of {largest['rows']:,}: statements",
            1,
            largest["update_statements"],
            largest["update_statements"] == 1,
        ),
        (
            f"shift of {largest['rows']:,}: loop / UPDATE",
            ">= 50x",
            largest["speedup"],
            largest["speedup"] >= 50,
        ),
        (
            "backfill vs raw INSERT ... SELECT",
            "<= 1.5x",
            results["backfill"]["ratio"],
            results["backfill"]["ratio"] <= 1.5,
        ),
    ]
    return [
        {"target": name, "wanted": str(wanted), "measured": measured, "met": met}
        for name, wanted, measured, met in checks
    ]


def targets_table(rows):
    return table(
        "Targets",
        ["target", "wanted", "measured", "met"],
        [[r["target"], r["wanted"], r["measured"], "yes" if r["met"] else "NO"] for r in rows],
    )


if __name__ == "__main__":
    sys.exit(main())
