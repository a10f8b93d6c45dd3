"""Bake the template, give it a throwaway database, and run timed workers.

Workers are separate processes, each with its own database connection, started
together behind a barrier so that set-up time is not measured.
"""

import contextlib
import multiprocessing
import os
import subprocess
import sys
import threading
import time
import traceback
import uuid
from pathlib import Path

import psycopg
from database_server import database_url, server_url

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
# "on" or "off": server-side parameter binding for the baked project (unset: its own setting).
BINDING_VARIABLE = "BENCHMARK_SERVER_SIDE_BINDING"


def bake(output_dir, *context):
    """Bake the template into `output_dir` with the defaults and `context` ("key=value").

    The CLI in a subprocess, so the hooks' output does not mix with the tables.
    Returns the project folder.
    """
    cookiecutter = [sys.executable, "-m", "cookiecutter", str(TEMPLATE_DIR), "--no-input"]
    subprocess.run(
        [*cookiecutter, "-o", str(output_dir), *context], check=True, capture_output=True
    )
    return Path(output_dir) / "service_desk"


class BakedProject:
    """A freshly baked project with its own migrated database; drop it with close()."""

    def __init__(self, output_dir, **answers):
        # The widest ticket range, so no scenario runs out of numbers. `answers`
        # choose another numbering (numbering="gapless", ticket_scope="yearly").
        answers = {"ticket_max": "9223372036854775807", **answers}
        self.path = bake(output_dir, *(f"{name}={value}" for name, value in answers.items()))
        self.database = f"bench_{uuid.uuid4().hex[:12]}"
        self.url = database_url(self.database)
        with psycopg.connect(server_url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')
        env = {**os.environ, "DATABASE_URL": self.url}
        env.pop("VIRTUAL_ENV", None)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=self.path,
            env=env,
            check=True,
        )

    def close(self):
        with psycopg.connect(server_url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def execute(self, sql, params=None):
        """Run one statement in autocommit mode; return all rows it returned, if any."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else None


def setup_django(project_path, url):
    """Make the baked project importable and configure Django as a server would run it.

    The test settings keep DEBUG off whatever the baked .env says (base.py
    fixes it): with DEBUG on, Django logs every query and renders its SQL for
    the log, which costs more than the query's own Python.
    """
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    sys.path.insert(0, str(project_path))
    import django

    django.setup()
    # run.py --binding on/off: override the project's choice before anything connects.
    # Worker processes inherit the variable, so every connection is made the same way.
    if binding := os.environ.get(BINDING_VARIABLE):
        from django.conf import settings

        settings.DATABASES["default"]["OPTIONS"]["server_side_binding"] = binding == "on"


class WorkerPool:
    """`size` worker processes, started once and reused for every strategy.

    Each process sets Django up once and keeps its own connection. For each
    run, every worker prepares the strategy (connecting, if needed), then all
    start together behind a barrier, so set-up time is never measured.
    """

    def __init__(self, project, size):
        context = multiprocessing.get_context("spawn")
        self.barrier = context.Barrier(size + 1)
        self.results = context.Queue()
        self.tasks = [context.Queue() for _ in range(size)]
        self.processes = [
            context.Process(
                target=_worker,
                args=(str(project.path), project.url, tasks, self.barrier, self.results),
                daemon=True,
            )
            for tasks in self.tasks
        ]
        for process in self.processes:
            process.start()

    def run(self, strategy, seconds):
        """Run `strategy` (a class name in numbering.py) in every worker for `seconds`.

        Returns one dict per worker: latencies (seconds), ok, errors, duplicates,
        cpu_seconds.
        """
        for tasks in self.tasks:
            tasks.put((strategy, seconds))
        # If a worker fails to prepare, it breaks the barrier and reports why.
        with contextlib.suppress(threading.BrokenBarrierError):
            self.barrier.wait(timeout=120)
        collected = [self.results.get(timeout=seconds + 120) for _ in self.tasks]
        crashes = [outcome["crash"] for outcome in collected if "crash" in outcome]
        if crashes:
            raise RuntimeError(f"a {strategy} worker failed:\n{crashes[0]}")
        return collected

    def close(self):
        for tasks in self.tasks:
            tasks.put(None)
        for process in self.processes:
            process.join(timeout=30)


def _worker(project_path, url, tasks, barrier, results):
    setup_django(project_path, url)
    import numbering

    while (task := tasks.get()) is not None:
        strategy_name, seconds = task
        try:
            strategy = getattr(numbering, strategy_name)()
            strategy.prepare()
        except Exception:  # report it rather than leave the others at the barrier
            barrier.abort()
            results.put({"crash": traceback.format_exc()})
            continue
        try:
            barrier.wait(timeout=120)
        except threading.BrokenBarrierError:
            results.put({"crash": "another worker failed to prepare"})
            continue
        results.put(_measure(strategy, seconds, numbering.is_duplicate_key))
        strategy.close()


def _measure(strategy, seconds, is_duplicate_key):
    outcome = {"latencies": [], "ok": 0, "errors": 0, "duplicates": 0}
    cpu_start = time.process_time()
    deadline = time.perf_counter() + seconds
    while (start := time.perf_counter()) < deadline:
        try:
            strategy.issue_one()
            outcome["ok"] += 1
        except Exception as error:  # counted and shown, never hidden
            outcome["errors"] += 1
            outcome["duplicates"] += is_duplicate_key(error)
        outcome["latencies"].append(time.perf_counter() - start)
    # The worker's own CPU time: what the Python side costs, apart from the server.
    outcome["cpu_seconds"] = time.process_time() - cpu_start
    return outcome
