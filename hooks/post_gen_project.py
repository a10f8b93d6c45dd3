"""Write the baked project's private .env and say what to do next. No network."""

import secrets
from pathlib import Path


def write_dotenv(project_dir):
    # A fresh secret on every bake; .env is git-ignored, .env.example is not.
    example = (project_dir / ".env.example").read_text()
    secret = secrets.token_urlsafe(50)
    dotenv = example.replace("DJANGO_SECRET_KEY=change-me", f"DJANGO_SECRET_KEY={secret}")
    (project_dir / ".env").write_text(dotenv)


def main():
    project_dir = Path.cwd()
    write_dotenv(project_dir)
    print(
        f"\nCreated {project_dir}\n\n"
        "Next steps:\n"
        f"  cd {project_dir}\n"
        "  docker compose up -d   # or point DATABASE_URL in .env at your own PostgreSQL\n"
        "  uv sync && uv run python manage.py migrate && uv run python manage.py runserver\n"
        "  uv run pytest\n"
    )


if __name__ == "__main__":
    main()
