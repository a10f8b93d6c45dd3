"""A clock each thread can stop on a moment of its own: django.utils.timezone.now, per thread.

Django reads timezone.now() for auto_now_add and auto_now fields. The tests
that cross New Year with concurrent workers need each worker to see its own
moment (one just before midnight, another just after) at the same time, so
a patch of the whole process is not enough: ThreadClock answers each thread
with the moment frozen on that thread, and with the real time elsewhere.
"""

import threading
from contextlib import contextmanager

from django.utils import timezone


class ThreadClock:
    """Replaces timezone.now while installed (see the thread_clock fixture)."""

    def __init__(self):
        self._local = threading.local()
        self._real_now = timezone.now

    def now(self):
        frozen = getattr(self._local, "moment", None)
        return frozen if frozen is not None else self._real_now()

    @contextmanager
    def frozen(self, moment):
        """Until the block ends, timezone.now() on this thread returns `moment`."""
        self._local.moment = moment
        try:
            yield
        finally:
            self._local.moment = None
