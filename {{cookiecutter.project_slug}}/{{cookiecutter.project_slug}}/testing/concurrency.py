"""Run database work on several threads at once, each with its own connection.

Django gives every thread its own database connection, so the work here runs
in separate PostgreSQL sessions with real transactions and real commits, as it
would in several application processes. Use these helpers only in tests marked
`django_db(transaction=True)`: a test wrapped in one big transaction would hide
each session's rows from the others.

TIMEOUT bounds every wait so that a hang fails the test instead of stalling
the suite; it is never a speed target.

Background reads its connection's pg_backend_pid() so that wait_until_blocked()
can ask PostgreSQL which server process waits for which. Run these tests against
PostgreSQL directly, not through a PgBouncer in transaction pooling mode: it
hands each transaction whichever server connection is free, so the process a
thread read its id from is not the one that later holds or waits for its locks.
"""

import threading
import time
from dataclasses import dataclass, field

from django.db import connection, transaction

TIMEOUT = 60  # seconds


@dataclass
class Report:
    """What run_together() saw: each call's return value, and each exception raised."""

    results: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def run_together(task, workers, calls):
    """Call task(worker, call) `calls` times on each of `workers` threads released at once.

    Each thread connects first, then waits at a barrier, so all of them start
    their work at the same moment. An exception ends only the call that raised
    it; it is recorded and the worker goes on. Connections are closed at the end.
    """
    barrier = threading.Barrier(workers, timeout=TIMEOUT)
    reports = [Report() for _ in range(workers)]

    def work(worker):
        report = reports[worker]
        try:
            connection.ensure_connection()
            barrier.wait()
            for call in range(calls):
                try:
                    report.results.append(task(worker, call))
                except Exception as error:
                    report.errors.append(error)
        except Exception as error:  # connecting failed, or another worker never arrived
            report.errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
        if thread.is_alive():
            raise AssertionError(f"a worker was still running after {TIMEOUT} s")
    return Report(
        results=[result for report in reports for result in report.results],
        errors=[error for report in reports for error in report.errors],
    )


class Background:
    """fn() running on a thread of its own, with its own connection.

    `pid` is that connection's server process id, for wait_until_blocked().
    result() waits for fn() to finish and returns its value or raises its error.
    """

    def __init__(self, fn):
        self.pid = None
        self._fn = fn
        self._value = self._error = None
        self._connected = threading.Event()
        self._thread = threading.Thread(target=self._run)
        self._thread.start()
        if not self._connected.wait(TIMEOUT):
            raise AssertionError(f"the background thread did not connect within {TIMEOUT} s")

    def _run(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                (self.pid,) = cursor.fetchone()
            self._connected.set()
            self._value = self._fn()
        except BaseException as error:
            self._error = error
        finally:
            self._connected.set()
            connection.close()

    def finished(self):
        return not self._thread.is_alive()

    def join(self):
        self._thread.join(TIMEOUT)

    def result(self):
        self.join()
        if self._thread.is_alive():
            raise AssertionError(f"the background thread was still running after {TIMEOUT} s")
        if self._error is not None:
            raise self._error
        return self._value


class HeldTransaction:
    """fn() run inside a transaction on a thread of its own, left open until commit().

    The constructor returns once fn() has run, so its row locks and its
    uncommitted rows are in place while the test does something else. Use it
    in a `with` block: leaving the block lets the transaction end even when
    the test fails before commit().
    """

    def __init__(self, fn):
        self._ran = threading.Event()
        self._release = threading.Event()

        def held():
            try:
                with transaction.atomic():
                    value = fn()
                    self._ran.set()
                    if not self._release.wait(TIMEOUT):
                        raise AssertionError(f"the transaction was held for {TIMEOUT} s")
                return value
            finally:
                self._ran.set()

        self.background = Background(held)
        self._ran.wait(TIMEOUT)
        if self.background.finished():
            self.background.result()  # fn() failed: raise its error here

    @property
    def pid(self):
        return self.background.pid

    def commit(self):
        """Let the transaction commit; return fn()'s value."""
        self._release.set()
        return self.background.result()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._release.set()
        self.background.join()


def wait_until_blocked(pid, by=None):
    """Wait until server process `pid` is waiting for a lock (held by process `by`, if given)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_blocking_pids(%s)", [pid])
            (blockers,) = cursor.fetchone()
        if blockers and (by is None or by in blockers):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"process {pid} was not blocked within {TIMEOUT} s")
        time.sleep(0.01)
