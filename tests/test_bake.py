"""Baking works for the defaults and for every value of every option."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import OPTIONS, TEMPLATE_DIR, bake

RUFF = Path(sys.executable).with_name("ruff")

# One row per bake: the defaults, each choice of each choice option, and the
# edges of the free-text options the project renders into code.
BAKES = [
    pytest.param({}, id="defaults"),
    *(
        pytest.param({"postgresql_version": version}, id=f"postgresql-{version}")
        for version in OPTIONS["postgresql_version"]
    ),
    pytest.param({"ticket_max": "1"}, id="ticket-max-1"),
    pytest.param({"ticket_max": "9223372036854775807"}, id="ticket-max-bigint"),
    pytest.param({"project_name": "Acme Billing-Tools v2.0"}, id="derived-slug"),
    pytest.param(
        {"description": 'Says "hi" \\ back', "author_name": 'O\'Brien "Ob"'},
        id="quotes-in-text",
    ),
]

LEFTOVER_JINJA = re.compile(r"\{\{\s*cookiecutter|\{%|%\}|\{#|#\}|cookiecutter\.")


def baked_files(project):
    return [p for p in project.rglob("*") if p.is_file()]


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

    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run([RUFF, *args], cwd=project, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


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


def test_slug_is_derived_from_the_name(tmp_path):
    project = bake(tmp_path, project_name="Acme Billing-Tools v2.0")

    assert project.name == "acme_billing_tools_v2_0"
    assert (project / "acme_billing_tools_v2_0" / "records" / "apps.py").is_file()


def test_text_with_quotes_stays_valid_toml(tmp_path):
    import tomllib

    project = bake(tmp_path, description='Says "hi" \\ back', author_name="O'Brien")

    meta = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    assert meta["description"] == 'Says "hi" \\ back'
    assert meta["authors"][0]["name"] == "O'Brien"


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


def test_hooks_render_to_clean_python(tmp_path):
    """The hooks hold Jinja, so ruff lints them here, rendered, with the template's config."""
    from cookiecutter.environment import StrictEnvironment

    context = {"cookiecutter": {"project_slug": "service_desk", "ticket_max": "999999"}}
    env = StrictEnvironment(keep_trailing_newline=True)
    for hook in sorted((TEMPLATE_DIR / "hooks").glob("*.py")):
        rendered = env.from_string(hook.read_text()).render(**context)
        (tmp_path / hook.name).write_text(rendered)

    config = ["--config", str(TEMPLATE_DIR / "pyproject.toml")]
    for args in (["check", *config, "."], ["format", *config, "--check", "."]):
        result = subprocess.run([RUFF, *args], cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    assert len(list(tmp_path.glob("*.py"))) == 2
