"""Refuse bad answers before cookiecutter writes a single project file.

Cookiecutter renders this file with Jinja, so the answers arrive below as
string literals (the template's `quoted` filter); every decision is plain
Python. A non-zero exit makes cookiecutter delete the output folder it made.
"""

# An answer is rendered whole, however long.
# ruff: noqa: E501

import keyword
import re
import sys
import unicodedata
from pathlib import Path

ANSWERS = {
    "project_name": {{ cookiecutter.project_name | quoted }},
    "project_slug": {{ cookiecutter.project_slug | quoted }},
    "description": {{ cookiecutter.description | quoted }},
    "author_name": {{ cookiecutter.author_name | quoted }},
    "author_email": {{ cookiecutter.author_email | quoted }},
    "ticket_max": {{ cookiecutter.ticket_max | quoted }},
    "ticket_prefix": {{ cookiecutter.ticket_prefix | quoted }},
}
TEMPLATE_DIR = Path({{ template_dir | quoted }})

# The folder cookiecutter renders into the project (its name holds the slug variable).
(PROJECT_TEMPLATE,) = TEMPLATE_DIR.glob("*cookiecutter.project_slug*")

# PostgreSQL's bigint, the type of the ticket number column and its sequence.
BIGINT_MAX = 9_223_372_036_854_775_807

# PostgreSQL keeps 63 bytes of a name, and Django refuses a longer database
# name; the test database is "test_" + the slug.
# https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS
SLUG_MAX_LENGTH = 63 - len("test_")


def dependency_names():
    """Distribution and import names of everything the project installs.

    Kept in hooks/dependency_names.txt; tests/test_hooks.py checks that file
    against a fresh `uv lock` of a baked project.
    """
    lines = (TEMPLATE_DIR / "hooks" / "dependency_names.txt").read_text().splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def project_entries():
    """Names at the top of a baked project: its files and folders (a module also
    by its import name) and what its .gitignore expects to appear there."""
    names = set()
    for entry in PROJECT_TEMPLATE.iterdir():
        names |= {entry.name, entry.stem} if entry.suffix == ".py" else {entry.name}
    for line in (PROJECT_TEMPLATE / ".gitignore").read_text().splitlines():
        names.add(line.strip("/"))
    return {name.lower() for name in names}


def text_problem(value):
    # Control characters have no place in a one-line answer, and a lone
    # surrogate (undecodable input) cannot be written as UTF-8 at all.
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in value):
        return "must be one line of text without control characters"
    return None


def slug_problem(slug):
    # A Python package name that is also a valid distribution name.
    if not re.fullmatch(r"[a-z]([a-z0-9_]*[a-z0-9])?", slug):
        return "must start with a lowercase letter and hold only a-z, 0-9 and _, not ending in _"
    if len(slug) > SLUG_MAX_LENGTH:
        return f"must be at most {SLUG_MAX_LENGTH} characters (PostgreSQL's limit for test_<slug>)"
    if keyword.iskeyword(slug) or keyword.issoftkeyword(slug):
        return "is a Python keyword"
    if slug in sys.stdlib_module_names:
        return "is the name of a Python standard library module"
    if slug in dependency_names():
        return "is the name of a package the project installs"
    if slug in project_entries():
        return "is the name of a file or folder at the top of the project"
    return None


def ticket_max_problem(value):
    # A strict pattern, not int(): int() also accepts " 7", "1_000" and "007",
    # and "007" would be a syntax error once rendered into a migration. The
    # length check comes first: int() refuses strings of more than 4300 digits.
    digits = len(str(BIGINT_MAX))
    if not re.fullmatch(r"[1-9][0-9]*", value) or len(value) > digits or int(value) > BIGINT_MAX:
        return f"must be a whole number from 1 to {BIGINT_MAX}"
    return None


def ticket_prefix_problem(value):
    # Shown in every ticket (SD-000123) and read back from it: ASCII letters
    # and digits only, so the displayed form needs no escaping anywhere.
    if not re.fullmatch(r"[A-Za-z0-9]{0,10}", value):
        return "must be up to 10 letters and digits (A-Z, a-z, 0-9), or empty"
    return None


def shown(value):
    """The answer as an error line quotes it: a long one cut short, with its length."""
    if len(value) <= 80:
        return repr(value)
    return f"{value[:40]!r}... ({len(value)} characters)"


# Each answer's rule. A new text answer gets a line in ANSWERS and one here.
RULES = {
    "project_name": text_problem,
    "project_slug": slug_problem,
    "description": text_problem,
    "author_name": text_problem,
    "author_email": text_problem,
    "ticket_max": ticket_max_problem,
    "ticket_prefix": ticket_prefix_problem,
}


def problem_line(name, value):
    """What is wrong with one answer, as its error line says it, or None.

    Answers without a rule (the choices) are the tool's to check. copier.yml
    checks its answers with this function too (local_extensions.py).
    """
    problem = RULES[name](value) if name in RULES else None
    return f"{name} {problem}, got {shown(value)}" if problem else None


def main():
    lines = [problem_line(name, value) for name, value in ANSWERS.items()]
    for line in filter(None, lines):
        print(f"ERROR: {line}", file=sys.stderr)
    return 1 if any(lines) else 0


if __name__ == "__main__":
    sys.exit(main())
