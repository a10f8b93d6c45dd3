"""Drop other numberings' files, write the private .env, say what to do next. No network."""

import os
import secrets
import tempfile
from pathlib import Path

PROJECT_SLUG = {{ cookiecutter.project_slug | quoted }}
NUMBERING = ({{ cookiecutter.numbering | quoted }}, {{ cookiecutter.ticket_scope | quoted }})

# The files only one (numbering, ticket_scope) pair uses, under the package's
# records app. The other pairs' files are removed from the project.
NUMBERING_FILES = {
    ("sequence", "global"): [
        "migrations/0002_ticket_number_sequence.py",
        "tests/test_ticket_sequence.py",
    ],
    ("sequence", "yearly"): [
        "migrations/0002_ticket_year_sequences.py",
        "management/commands/create_ticket_sequences.py",
        "tests/test_year_sequences.py",
        "tests/test_yearly.py",
    ],
    ("gapless", "global"): ["migrations/0002_ticketcounter.py", "tests/test_gapless.py"],
    ("gapless", "yearly"): [
        "migrations/0002_ticketcounter.py",
        "tests/test_gapless.py",
        "tests/test_yearly.py",
    ],
}

# Worded for itself, not copied from .env.example; a fresh secret on every bake.
DOTENV = """\
# This checkout's own settings (git ignores this file); .env.example explains
# each one. A variable set in the real environment wins over this file.
DJANGO_SECRET_KEY={secret}
DJANGO_DEBUG=true
DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1
# No DATABASE_URL: the project runs its own embedded PostgreSQL (data in .postgres/).
"""


def write_private(path, text):
    """Write `path` readable by its owner only, all at once or not at all.

    mkstemp creates the file 0600 whatever the umask, so the secret is never
    readable by others, not even briefly; the rename swaps the whole file in.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def remove_other_numberings_files(records):
    kept = set(NUMBERING_FILES[NUMBERING])
    for files in NUMBERING_FILES.values():
        for name in set(files) - kept:
            (records / name).unlink(missing_ok=True)


def main():
    project_dir = Path.cwd()
    remove_other_numberings_files(project_dir / PROJECT_SLUG / "records")
    # Copier runs this hook again on `copier update`: an existing .env is the user's.
    if not (project_dir / ".env").exists():
        secret = secrets.token_urlsafe(50)
        write_private(project_dir / ".env", DOTENV.format(secret=secret))
    print(
        f"\nCreated {project_dir}\n\n"
        "Next steps:\n"
        f"  cd {project_dir}\n"
        "  uv sync && uv run python manage.py migrate && uv run python manage.py runserver\n"
        "  uv run pytest\n"
    )


if __name__ == "__main__":
    main()
