"""Bad answers are refused before anything is written; good ones bake.

Each class of rule has its own list of cases: the slug's shape, names it would
shadow or collide with, text answers, and ticket_max.
"""

import os
import re
import stat
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions

import pytest
from conftest import TEMPLATE_DIR, bake, project_env, run

BIGINT_MAX = 9_223_372_036_854_775_807
DEPENDENCY_NAMES = TEMPLATE_DIR / "hooks" / "dependency_names.txt"

# Not a Python package name that is also a valid distribution name.
BAD_SLUG_SHAPES = [
    "My-Project",
    "my project",
    "1st_project",
    "_desk",
    "desk_",
    "_",
    "café",
    "o'brien",
    "a" * 59,  # test_<slug> would pass PostgreSQL's 63-byte name limit
]
# Python's own names.
PYTHON_NAMES = ["class", "match", "json", "uuid"]
# Names in the project's dependency tree: distributions and top-level modules.
DEPENDENCY_SLUGS = [
    "django",
    "psycopg",
    "asgiref",
    "sqlparse",
    "pluggy",
    "iniconfig",
    "typing_extensions",
    "ruff",
    "py",
    "environ",
    "factory",
    "factory_boy",
    "colorama",
]
# Files and folders at the top of the baked project, and what its .gitignore expects there.
PROJECT_ENTRY_SLUGS = ["docs", "config", "manage", "staticfiles"]
BAD_TICKET_MAX = [
    "0",
    "-5",
    "abc",
    "1.5",
    "1_000",
    "007",
    " 7",
    "",
    str(BIGINT_MAX + 1),
    "9" * 5000,  # past int()'s 4300-digit limit
]
BAD_TICKET_PREFIX = ["SD-", "S D", "Ünï", "ABCDEFGHIJK", "SD\n", "#", "SD_1"]
BAD_TEXT = [
    ("description", "two\nlines"),
    ("author_name", "tab\there"),
    ("project_name", "bell\a"),
    ("author_email", "esc\x1b@example.com"),
    ("author_name", "undecodable \udcff"),
]

BAD_INPUTS = [
    *(("project_slug", slug) for slug in BAD_SLUG_SHAPES + PYTHON_NAMES),
    *(("project_slug", slug) for slug in DEPENDENCY_SLUGS + PROJECT_ENTRY_SLUGS),
    *(("ticket_max", value) for value in BAD_TICKET_MAX),
    *(("ticket_prefix", value) for value in BAD_TICKET_PREFIX),
    *BAD_TEXT,
]


def run_cookiecutter(output_dir, template=TEMPLATE_DIR, cwd=None, **answers):
    args = [sys.executable, "-m", "cookiecutter", str(template), "--no-input"]
    args += ["-o", str(output_dir), *(f"{key}={value}" for key, value in answers.items())]
    return subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=cwd)


def error_lines(result):
    return [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]


def assert_refused(result, output_dir, name, value):
    assert result.returncode == 1
    errors = error_lines(result)
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"ERROR: {name} ")
    # A long answer is quoted in part, with its length.
    assert errors[0].endswith(repr(value) if len(value) <= 80 else f"({len(value)} characters)")
    assert len(errors[0]) < 300
    assert list(output_dir.iterdir()) == [], "a refused bake must leave nothing behind"


@pytest.mark.parametrize(
    ("name", "value"), BAD_INPUTS, ids=[f"{n}={v[:20]!r}" for n, v in BAD_INPUTS]
)
def test_bad_input_is_refused_with_one_clear_line(tmp_path, name, value):
    result = run_cookiecutter(tmp_path, **{name: value})

    assert_refused(result, tmp_path, name, value)


@pytest.mark.parametrize("project_name", ["!!!", "...", "-", "😀"])
def test_a_name_without_letters_or_digits_is_refused_as_the_slug(tmp_path, project_name):
    result = run_cookiecutter(tmp_path, project_name=project_name)

    assert_refused(result, tmp_path, "project_slug", project_name)


def test_the_readme_way_bakes_and_refuses_too(tmp_path):
    """`cookiecutter .` inside the template: the hooks find the template without its path."""
    good = run_cookiecutter(tmp_path / "good", template=".", cwd=TEMPLATE_DIR)
    bad = run_cookiecutter(tmp_path / "bad", template=".", cwd=TEMPLATE_DIR, project_slug="docs")

    assert good.returncode == 0, good.stderr
    assert (tmp_path / "good" / "service_desk" / "manage.py").is_file()
    assert_refused(bad, tmp_path / "bad", "project_slug", "docs")


def test_every_bad_answer_is_named_at_once(tmp_path):
    result = run_cookiecutter(tmp_path, project_slug="django", ticket_max="0")

    assert result.returncode == 1
    assert [line.split()[1] for line in error_lines(result)] == ["project_slug", "ticket_max"]


@pytest.mark.parametrize("value", ["1", "999999", str(BIGINT_MAX)])
def test_good_ticket_max_is_accepted(tmp_path, value):
    result = run_cookiecutter(tmp_path, ticket_max=value)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "service_desk" / "manage.py").is_file()


@pytest.mark.parametrize("value", ["", "SD", "yd", "A1B2C3D4E5", "2026"])
def test_good_ticket_prefix_is_accepted(tmp_path, value):
    result = run_cookiecutter(tmp_path, ticket_prefix=value)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "service_desk" / "manage.py").is_file()


@pytest.mark.parametrize(("name", "value"), [("numbering", "random"), ("ticket_scope", "monthly")])
def test_a_choice_outside_its_list_is_refused(tmp_path, name, value):
    result = run_cookiecutter(tmp_path, **{name: value})

    assert result.returncode != 0
    assert value in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "slug",
    # Shortest, longest, digits and inner underscores; YAML words that must stay strings;
    # a subpackage's name (the package holds records/ and scheduling/ without trouble).
    ["a", "a" * 58, "desk2", "service__desk", "null", "yes", "records"],
)
def test_good_slug_is_accepted(tmp_path, slug):
    result = run_cookiecutter(tmp_path, project_slug=slug)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / slug / slug / "records" / "models.py").is_file()


def slug_form(name):
    """A distribution name normalised (PEP 503) with the separator a slug may hold."""
    return re.sub(r"[-_.]+", "_", name).lower()


def test_dependency_names_match_the_baked_lock(tmp_path):
    """hooks/dependency_names.txt is what a fresh lock of a baked project holds.

    Distribution names come from the baked project's own uv.lock (every
    platform); import names from the installed distributions' metadata in this
    environment, which the template's dev group makes hold them all.
    """
    project = bake(tmp_path)
    run(["uv", "lock"], project, project_env("unused"))
    packages = tomllib.loads((project / "uv.lock").read_text())["package"]
    locked = {slug_form(package["name"]) for package in packages} - {project.name}
    template_lock = tomllib.loads((TEMPLATE_DIR / "uv.lock").read_text())["package"]

    imports = {
        module
        for module, distributions in packages_distributions().items()
        if any(slug_form(distribution) in locked for distribution in distributions)
    }
    expected = sorted(locked | imports)
    lines = DEPENDENCY_NAMES.read_text().splitlines()
    stored = sorted(line for line in lines if line and not line.startswith("#"))

    assert locked <= {slug_form(package["name"]) for package in template_lock}, (
        "a baked dependency is missing from the template's dev group in pyproject.toml"
    )
    assert stored == expected, f"{DEPENDENCY_NAMES.name} should list:\n" + "\n".join(expected)


def test_post_gen_hook_prints_next_steps(tmp_path):
    result = run_cookiecutter(tmp_path)

    assert result.returncode == 0, result.stderr
    assert "uv run pytest" in result.stdout
    assert str(tmp_path / "service_desk") in result.stdout


def test_dotenv_is_private_to_its_owner(tmp_path):
    """Written 0600 whatever the umask, in one piece, with no temporary file left."""
    result = subprocess.run(
        [sys.executable, "-m", "cookiecutter", str(TEMPLATE_DIR), "--no-input", "-o", tmp_path],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.umask(0),
    )

    assert result.returncode == 0, result.stderr
    project = tmp_path / "service_desk"
    assert stat.S_IMODE((project / ".env").stat().st_mode) == 0o600
    assert sorted(p.name for p in project.glob(".env*")) == [".env", ".env.example"]
