"""Baking works for the defaults and for every value of every option."""

import ast
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import OPTIONS, TEMPLATE_DIR, admin_execute, bake

RUFF = Path(sys.executable).with_name("ruff")

# Text answers that a format could misread: quotes and backslashes; characters
# outside the Basic Multilingual Plane (JSON writes them as surrogate pairs,
# which TOML refuses); format characters and separators that must be escaped.
AWKWARD_TEXT = [
    pytest.param('Says "hi" \\ back', 'O\'Brien "Ob"', id="quotes"),
    pytest.param("Tickets 🎫 in 𝄞 time", "Zoë 😀 Ünïcode", id="non-bmp"),
    pytest.param("Coder 👩\u200d💻, no\u00a0break", "Line\u2028Sep \ufeff", id="format-chars"),
]

# One row per bake: the defaults, each choice of each choice option, and the
# edges of the free-text options the project renders into code.
BAKES = [
    pytest.param({}, id="defaults"),
    *(
        pytest.param({"postgresql_version": version}, id=f"postgresql-{version}")
        for version in OPTIONS["postgresql_version"]
    ),
    *(
        pytest.param({"django_version": version}, id=f"django-{version}")
        for version in OPTIONS["django_version"]
    ),
    pytest.param({"numbering": "gapless"}, id="gapless"),
    pytest.param({"ticket_scope": "yearly"}, id="yearly"),
    pytest.param({"numbering": "gapless", "ticket_scope": "yearly"}, id="gapless-yearly"),
    pytest.param({"ticket_prefix": "A1B2C3D4E5", "ticket_scope": "yearly"}, id="longest-prefix"),
    pytest.param({"ticket_max": "1"}, id="ticket-max-1"),
    pytest.param({"ticket_max": "9223372036854775807"}, id="ticket-max-bigint"),
    pytest.param({"project_name": "Acme Billing-Tools v2.0"}, id="derived-slug"),
    pytest.param({"project_slug": "null"}, id="yaml-word-slug"),
    *(
        pytest.param({"description": text.values[0], "author_name": text.values[1]}, id=text.id)
        for text in AWKWARD_TEXT
    ),
]

LEFTOVER_JINJA = re.compile(r"\{\{\s*cookiecutter|\{%|%\}|\{#|#\}|cookiecutter\.")


def baked_files(project):
    return [p for p in project.rglob("*") if p.is_file()]


def parse(path):
    """Read a baked file with the parser of its format; a syntax error fails the test."""
    text = path.read_text()
    if path.name == "pyproject.toml":
        return tomllib.loads(text)
    if path.suffix in (".yaml", ".yml"):
        return yaml.safe_load(text)
    if path.suffix == ".py":
        return ast.parse(text, filename=str(path))
    return text


@pytest.mark.parametrize("context", BAKES)
def test_bake_renders_cleanly(tmp_path, context):
    project = bake(tmp_path, **context)

    assert project.is_dir()
    leftovers = [
        str(path.relative_to(project))
        for path in baked_files(project)
        if LEFTOVER_JINJA.search(path.read_text()) or "{{" in path.name
    ]
    assert leftovers == []
    for path in baked_files(project):
        parse(path)

    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run([RUFF, *args], cwd=project, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("description", "author_name"), AWKWARD_TEXT)
def test_text_answers_read_back_unchanged(tmp_path, description, author_name):
    email = 'a"b\\c@example.com'
    project = bake(tmp_path, description=description, author_name=author_name, author_email=email)

    meta = parse(project / "pyproject.toml")["project"]
    assert meta["description"] == description
    assert meta["authors"] == [{"name": author_name, "email": email}]


@pytest.mark.parametrize("slug", ["null", "yes", "on", "true", "off"])
def test_slug_stays_a_string_in_yaml(tmp_path, slug):
    """YAML would read these bare words as null or booleans, not as a database name."""
    project = bake(tmp_path, project_slug=slug)

    compose = parse(project / "compose.yaml")
    ci = parse(project / ".github" / "workflows" / "ci.yml")
    assert compose["services"]["db"]["environment"]["POSTGRES_DB"] == slug
    assert ci["jobs"]["test"]["services"]["postgres"]["env"]["POSTGRES_DB"] == slug


@pytest.mark.parametrize("version", OPTIONS["postgresql_version"])
def test_postgresql_version_reaches_ci_and_compose(tmp_path, version):
    project = bake(tmp_path, postgresql_version=version)

    for name in ("compose.yaml", ".github/workflows/ci.yml"):
        images = re.findall(r"image: (\S+)", (project / name).read_text())
        assert images == [f"postgres:{version}"], name


def test_postgresql_versions_are_newest_first_and_supported():
    versions = [int(v) for v in OPTIONS["postgresql_version"]]
    assert versions == sorted(versions, reverse=True)
    assert min(versions) >= 15


# The postgres image's declared VOLUME and its data directory (PGDATA), per
# major version, as the image documents them: https://hub.docker.com/_/postgres
# (section PGDATA) and docker-library/postgres#1259, which moved both in 18.
# A version added to cookiecutter.json needs its row here, checked on that page.
IMAGE_LAYOUT = {
    "18": ("/var/lib/postgresql", "/var/lib/postgresql/18/docker"),
    "17": ("/var/lib/postgresql/data", "/var/lib/postgresql/data"),
    "16": ("/var/lib/postgresql/data", "/var/lib/postgresql/data"),
    "15": ("/var/lib/postgresql/data", "/var/lib/postgresql/data"),
}


@pytest.mark.parametrize("version", OPTIONS["postgresql_version"])
def test_compose_mounts_the_images_volume(tmp_path, version):
    volume, pgdata = IMAGE_LAYOUT[version]
    compose = parse(bake(tmp_path, postgresql_version=version) / "compose.yaml")

    (mount,) = compose["services"]["db"]["volumes"]
    name, target = mount.split(":")
    assert name in compose["volumes"]
    assert target == volume
    assert Path(pgdata).is_relative_to(target), "the data directory must live in the volume"


def ci_job_of(folder):
    return parse(folder / ".github" / "workflows" / "ci.yml")["jobs"]["test"]


def ci_job(project):
    return ci_job_of(project.path)


def test_ci_creates_the_database_its_url_names(make_project):
    job = ci_job(make_project())

    service = job["services"]["postgres"]["env"]
    url = re.fullmatch(r"postgres://(\w+):(\w+)@localhost:5432/(\w+)", job["env"]["DATABASE_URL"])
    assert url, job["env"]["DATABASE_URL"]
    assert url.groups() == (
        service["POSTGRES_USER"],
        service["POSTGRES_PASSWORD"],
        service["POSTGRES_DB"],
    )
    assert service["POSTGRES_DB"] == "service_desk"


def test_ci_manage_steps_fail_without_the_database(make_project):
    """CI's manage.py steps, run here in order: they stop on a missing database
    (makemigrations alone only warns) and pass once it exists."""
    project = make_project()
    steps = [
        shlex.split(step["run"])
        for step in ci_job(project)["steps"]
        if "manage.py" in step.get("run", "")
    ]
    assert steps and all(step[:3] == ["uv", "run", "python"] for step in steps)

    def run_steps():
        for step in steps:
            args = [sys.executable, *step[3:]]
            result = subprocess.run(args, cwd=project.path, env=project.env, capture_output=True)
            if result.returncode != 0:
                return step
        return None

    assert run_steps() is not None, "every step passed against a database that does not exist"
    admin_execute(f'CREATE DATABASE "{project.database}"')
    assert run_steps() is None


def test_pre_commit_runs_the_locked_ruff(tmp_path):
    """No hook pins its own ruff: each runs the one in uv.lock through `uv run`."""
    config = parse(bake(tmp_path) / ".pre-commit-config.yaml")

    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    assert [hook["entry"].split()[:3] for hook in hooks] == [["uv", "run", "ruff"]] * 2
    assert {hook["id"] for hook in hooks} == {"ruff-check", "ruff-format"}


@pytest.mark.parametrize(
    ("project_name", "slug"),
    [
        ("Acme Billing-Tools v2.0", "acme_billing_tools_v2_0"),
        ("Café Ünïcode", "cafe_unicode"),
        ("  _Desk_ ", "desk"),
        ("O'Brien & Sons", "o_brien_sons"),
    ],
)
def test_slug_is_derived_from_the_name(tmp_path, project_name, slug):
    project = bake(tmp_path, project_name=project_name)

    assert project.name == slug
    assert (project / slug / "records" / "apps.py").is_file()


def test_each_bake_gets_its_own_secret(tmp_path):
    first = bake(tmp_path / "a")
    second = bake(tmp_path / "b")

    def secret(project):
        lines = (project / ".env").read_text().splitlines()
        (value,) = [
            line.split("=", 1)[1] for line in lines if line.startswith("DJANGO_SECRET_KEY=")
        ]
        return value

    assert secret(first) != secret(second)
    assert len(secret(first)) >= 50
    assert "change-me" not in (first / ".env").read_text()
    # The example keeps the placeholder and is the only one of the two git tracks.
    assert "DJANGO_SECRET_KEY=change-me" in (first / ".env.example").read_text()
    assert ".env" in (first / ".gitignore").read_text().splitlines()


def test_dotenv_and_its_example_each_say_what_they_are(tmp_path):
    """.env is not a copy of the example: it does not tell you to copy itself."""
    project = bake(tmp_path)

    dotenv = (project / ".env").read_text()
    example = (project / ".env.example").read_text()
    assert "copy" not in dotenv.lower()
    assert "copy this file to .env" in example.lower()
    assert dotenv.splitlines()[0] != example.splitlines()[0]


def test_hooks_render_to_clean_python(tmp_path, monkeypatch):
    """The hooks hold Jinja, so ruff lints them here, rendered, with the template's config."""
    from cookiecutter.environment import StrictEnvironment
    from cookiecutter.generate import generate_context
    from cookiecutter.prompt import prompt_for_config

    monkeypatch.syspath_prepend(str(TEMPLATE_DIR))  # as cookiecutter does, for _extensions
    context = generate_context(context_file=str(TEMPLATE_DIR / "cookiecutter.json"))
    context["cookiecutter"].update(prompt_for_config(context, no_input=True))
    env = StrictEnvironment(context=context, keep_trailing_newline=True)
    for hook in sorted((TEMPLATE_DIR / "hooks").glob("*.py")):
        rendered = env.from_string(hook.read_text()).render(**context)
        (tmp_path / hook.name).write_text(rendered)

    config = ["--config", str(TEMPLATE_DIR / "pyproject.toml")]
    for args in (["check", *config, "."], ["format", *config, "--check", "."]):
        result = subprocess.run([RUFF, *args], cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    assert len(list(tmp_path.glob("*.py"))) == 2


@pytest.mark.parametrize("version", OPTIONS["django_version"])
def test_django_version_sets_the_pin_python_ci_and_docs(tmp_path, version):
    python = OPTIONS["_django"][version]["python"]
    project = bake(tmp_path, django_version=version)

    pyproject = parse(project / "pyproject.toml")
    (django,) = [d for d in pyproject["project"]["dependencies"] if d.startswith("django>")]
    assert django == f"django>={version},<{OPTIONS['_django'][version]['below']}"
    assert pyproject["project"]["requires-python"] == f">={python}"
    assert pyproject["tool"]["ruff"]["target-version"] == "py" + python.replace(".", "")
    setup_uv = [s for s in ci_job_of(project)["steps"] if "setup-uv" in s.get("uses", "")]
    assert [step["with"]["python-version"] for step in setup_uv] == [python]
    links = [
        link
        for path in baked_files(project)
        for link in re.findall(r"docs\.djangoproject\.com/en/([^/]+)/", path.read_text())
    ]
    assert links and set(links) == {version}


def test_each_django_version_has_its_python_and_next_release():
    assert set(OPTIONS["_django"]) == set(OPTIONS["django_version"])
    assert OPTIONS["django_version"][0] == "5.2"  # the LTS is the default


# What each numbering's bake holds under records/, and words its code must not contain.
NUMBERING_BAKES = {
    ("sequence", "global"): ("0002_ticket_number_sequence.py", ["TicketCounter", "year"]),
    ("sequence", "yearly"): ("0002_ticket_year_sequences.py", ["TicketCounter", "NextVal"]),
    ("gapless", "global"): ("0002_ticketcounter.py", ["nextval", "year", "sequence"]),
    ("gapless", "yearly"): ("0002_ticketcounter.py", ["nextval", "sequence"]),
}


@pytest.mark.parametrize(("numbering", "scope"), NUMBERING_BAKES)
def test_a_bake_holds_its_own_numbering_only(tmp_path, numbering, scope):
    project = bake(tmp_path, numbering=numbering, ticket_scope=scope)
    records = project / project.name / "records"
    migration, absent_words = NUMBERING_BAKES[numbering, scope]

    second_migrations = sorted(path.name for path in (records / "migrations").glob("0002_*"))
    assert second_migrations == [migration]
    models = (records / "models.py").read_text()
    assert [word for word in absent_words if word in models] == []
    commands = {path.stem for path in (records / "management" / "commands").glob("*.py")}
    assert ("create_ticket_sequences" in commands) is ((numbering, scope) == ("sequence", "yearly"))
