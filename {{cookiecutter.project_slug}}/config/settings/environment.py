"""Reading settings from environment variables, with clear errors for bad values.

django-environ reads the variables; these helpers add what it leaves out: a
value that is not what the setting needs stops start-up with
ImproperlyConfigured naming the variable and the value, instead of a bare
ValueError (env.int) or a silent False (env.bool("DJANGO_SECURE_SSL_REDIRECT")
with a typo such as "ture").
"""

import os

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

TRUE = {"true", "yes", "y", "on", "1"}
FALSE = {"false", "no", "n", "off", "0"}


def invalid(name, expected):
    """The error for variable `name` holding something other than `expected`."""
    return ImproperlyConfigured(f"{name} must be {expected}; it is {os.environ[name]!r}.")


def whole_number(name, default):
    """The integer in variable `name`, or `default` when it is not set."""
    try:
        return env.int(name, default=default)
    except ValueError:
        raise invalid(name, "a whole number") from None


def flag(name, default):
    """True or False from variable `name` (true/false, yes/no, on/off, 1/0), or `default`."""
    if name not in os.environ:
        return default
    value = os.environ[name].strip().lower()
    if value not in TRUE | FALSE:
        raise invalid(name, "true or false")
    return value in TRUE


def comma_list(name, default=environ.Env.NOTSET):
    """A comma-separated list, each item stripped of spaces, empty items dropped.

    "a.com, b.com," gives ["a.com", "b.com"]. Without a default, a variable
    that is not set stops start-up with django-environ's error naming it.
    """
    return [item.strip() for item in env.list(name, default=default) if item.strip()]
