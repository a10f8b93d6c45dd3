"""Bad answers are refused before anything is written."""

import subprocess
import sys

import pytest
from conftest import TEMPLATE_DIR

BIGINT_MAX = 9_223_372_036_854_775_807

BAD_INPUTS = [
    ("project_slug", "My-Project"),
    ("project_slug", "my project"),
    ("project_slug", "1st_project"),
    ("project_slug", "class"),
    ("project_slug", "match"),
    ("project_slug", "django"),
    ("project_slug", "psycopg"),
    ("project_slug", "config"),
    ("project_slug", "records"),
    ("project_slug", "json"),
    ("project_slug", "uuid"),
    ("project_slug", "o'brien"),
    ("ticket_max", "0"),
    ("ticket_max", "-5"),
    ("ticket_max", "abc"),
    ("ticket_max", "1.5"),
    ("ticket_max", "1_000"),
    ("ticket_max", "007"),
    ("ticket_max", " 7"),
    ("ticket_max", ""),
    ("ticket_max", str(BIGINT_MAX + 1)),
]


def run_cookiecutter(output_dir, **answers):
    args = [sys.executable, "-m", "cookiecutter", str(TEMPLATE_DIR), "--no-input"]
    args += ["-o", str(output_dir), *(f"{key}={value}" for key, value in answers.items())]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("name", "value"), BAD_INPUTS)
def test_bad_input_is_refused_with_one_clear_line(tmp_path, name, value):
    result = run_cookiecutter(tmp_path, **{name: value})

    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert errors == [errors[0]] and errors[0].startswith(f"ERROR: {name} ")
    assert errors[0].endswith(f"got {value!r}")
    assert list(tmp_path.iterdir()) == [], "a refused bake must leave nothing behind"


def test_every_bad_answer_is_named_at_once(tmp_path):
    result = run_cookiecutter(tmp_path, project_slug="django", ticket_max="0")

    assert result.returncode == 1
    named = [line.split()[1] for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert named == ["project_slug", "ticket_max"]


@pytest.mark.parametrize("value", ["1", "999999", str(BIGINT_MAX)])
def test_good_ticket_max_is_accepted(tmp_path, value):
    result = run_cookiecutter(tmp_path, ticket_max=value)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "service_desk" / "manage.py").is_file()


def test_post_gen_hook_prints_next_steps(tmp_path):
    result = run_cookiecutter(tmp_path)

    assert result.returncode == 0, result.stderr
    assert "uv run pytest" in result.stdout
    assert str(tmp_path / "service_desk") in result.stdout
