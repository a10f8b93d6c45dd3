"""`manage.py postgres status|start|stop`: the embedded PostgreSQL in .postgres/."""

from django.conf import settings
from django.core.management.base import BaseCommand

from config.database import DATA_DIR, ENGINE, embedded

ACTIONS = ("status", "start", "stop")


class Command(BaseCommand):
    help = f"Report on, start or stop the embedded PostgreSQL whose data is in {DATA_DIR}."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=ACTIONS)

    def handle(self, *args, action, **options):
        if action == "start":
            embedded.start(DATA_DIR)
        elif action == "stop":
            stopped = embedded.stop(DATA_DIR)
            self.stdout.write("stopped" if stopped else "was not running")
        self.stdout.write(self.status())

    def status(self):
        if not (DATA_DIR / "PG_VERSION").exists():
            line = f"embedded PostgreSQL: no data yet in {DATA_DIR}"
        elif pid := embedded.running_pid(DATA_DIR):
            line = f"embedded PostgreSQL: running (pid {pid}), data in {DATA_DIR}"
        else:
            line = f"embedded PostgreSQL: stopped, data in {DATA_DIR}"
        if settings.DATABASES["default"]["ENGINE"] != ENGINE:
            line += "\nthis project uses DATABASE_URL instead"
        return line
