"""A database backend: Django's PostgreSQL backend that first starts the embedded server.

Starting it when Django connects, not when settings load, keeps commands that
need no database (and `manage.py postgres status`) from starting a server.
https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/databases/#subclassing-the-built-in-database-backends
"""

from pathlib import Path

from django.db.backends.postgresql import base

from . import embedded


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        params["host"] = str(embedded.start(Path(self.settings_dict["HOST"])))
        return params
