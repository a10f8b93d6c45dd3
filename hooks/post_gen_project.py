"""Write the baked project's private .env and say what to do next. No network."""

import os
import secrets
import tempfile
from pathlib import Path

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


def main():
    project_dir = Path.cwd()
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
