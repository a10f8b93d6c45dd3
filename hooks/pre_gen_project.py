"""Refuse bad answers before cookiecutter writes a single project file.

Cookiecutter renders this file with Jinja, so the answers arrive below as JSON
string literals (which are valid Python literals too); every decision is plain
Python. A non-zero exit makes cookiecutter delete the half-made output folder.
"""

import keyword
import re
import sys

PROJECT_SLUG = {{ cookiecutter.project_slug | jsonify }}
TICKET_MAX = {{ cookiecutter.ticket_max | jsonify }}

# PostgreSQL's bigint, the type of the ticket number column and its sequence.
BIGINT_MAX = 9_223_372_036_854_775_807

# Top-level packages the generated project imports or creates. A project
# package with one of these names would be imported in their place.
TAKEN_NAMES = {
    "config",
    "django",
    "environ",
    "factory",
    "faker",
    "manage",
    "psycopg",
    "pytest",
    "pytest_django",
    "records",
    "scheduling",
    "tests",
} | set(sys.stdlib_module_names)


def slug_problem(slug):
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", slug):
        return "must be a lowercase Python identifier (a-z, 0-9 and _, not starting with a digit)"
    if keyword.iskeyword(slug) or keyword.issoftkeyword(slug):
        return "is a Python keyword"
    if slug in TAKEN_NAMES:
        return "would shadow a package the project imports"
    return None


def ticket_max_problem(value):
    # A strict pattern, not int(): int() also accepts " 7", "1_000" and "007",
    # and "007" would be a syntax error once rendered into a migration.
    if not re.fullmatch(r"[1-9][0-9]*", value) or int(value) > BIGINT_MAX:
        return f"must be a whole number from 1 to {BIGINT_MAX}"
    return None


def main():
    problems = [
        (name, value, problem)
        for name, value, problem in [
            ("project_slug", PROJECT_SLUG, slug_problem(PROJECT_SLUG)),
            ("ticket_max", TICKET_MAX, ticket_max_problem(TICKET_MAX)),
        ]
        if problem
    ]
    for name, value, problem in problems:
        print(f"ERROR: {name} {problem}, got {value!r}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
