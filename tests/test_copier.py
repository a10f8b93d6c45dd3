"""copier bakes what cookiecutter bakes, and `copier update` brings later template versions in.

Copier works from a git repository, so each test uses a throwaway git copy of
this template (the real repository is never tagged).
"""

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

import pytest
import yaml
from conftest import OPTIONS, TEMPLATE_DIR, bake, run
from test_hooks import BAD_INPUTS, error_lines, run_cookiecutter

import copier_questions

COPIER = os.path.join(os.path.dirname(sys.executable), "copier")
# The project folder inside the template, as both tools name it.
PROJECT_TEMPLATE = "{{cookiecutter.project_slug}}"
ANSWERS_FILE = ".copier-answers.yml"
# Copier commits in its own scratch repositories, and so do the tests.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd, *args):
    return run(["git", *args], cwd, os.environ | GIT_ENV).stdout


def commit_all(repo, message, tag=None):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    if tag:
        git(repo, "tag", tag)


def template_repo(folder):
    """A git repository holding this template's files as they are now, tagged v1."""
    shutil.copytree(
        TEMPLATE_DIR,
        folder,
        ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", ".*_cache"),
    )
    git(folder, "init", "-q", "-b", "main")
    commit_all(folder, "template v1", tag="v1")
    return folder


def copier(*args, cwd=None, answers=None):
    """Run the copier command line; answers go through a YAML data file, which keeps strings."""
    args = [COPIER, *args, "--trust", "--defaults", "--quiet"]
    if answers:
        handle, data_file = tempfile.mkstemp(suffix=".yml")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            yaml.safe_dump(answers, file, allow_unicode=True)
        args += ["--data-file", data_file]
    return subprocess.run(
        args, cwd=cwd, env=os.environ | GIT_ENV, capture_output=True, text=True, timeout=300
    )


def copy(template, destination, **answers):
    result = copier("copy", str(template), str(destination), answers=answers)
    assert result.returncode == 0, result.stdout + result.stderr
    return destination


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return template_repo(tmp_path_factory.mktemp("template") / "template")


def test_copier_yml_is_written_from_cookiecutter_json():
    """copier.yml is copier_questions.py's output; run it after changing cookiecutter.json."""
    written = (TEMPLATE_DIR / "copier.yml").read_text(encoding="utf-8")

    assert written == copier_questions.copier_yml(), "run: uv run python copier_questions.py"


def test_copier_asks_cookiecutters_questions_with_its_defaults_and_choices():
    copier_yml = yaml.safe_load((TEMPLATE_DIR / "copier.yml").read_text(encoding="utf-8"))
    questions = {name: q for name, q in copier_yml.items() if not name.startswith("_")}
    asked = {name: q for name, q in questions.items() if q.get("when", True) is not False}

    expected = [name for name in OPTIONS if not name.startswith("_")]
    assert list(asked) == expected
    for name in expected:
        value = OPTIONS[name]
        if isinstance(value, list):
            assert list(asked[name]["choices"].values()) == value, name
            assert asked[name]["default"] == value[0], name
        else:
            assert asked[name]["default"] == value.replace("cookiecutter.", ""), name
            assert "validator" in asked[name], name


def file_tree(project):
    return {
        str(path.relative_to(project)): path
        for path in sorted(project.rglob("*"))
        if path.is_file()
    }


def secret_of(project):
    lines = (project / ".env").read_text().splitlines()
    (secret,) = [line for line in lines if line.startswith("DJANGO_SECRET_KEY=")]
    return secret


COPIES = [
    pytest.param({}, id="defaults"),
    pytest.param({"django_version": "6.0", "postgresql_version": "15"}, id="django-6.0-pg-15"),
    pytest.param({"project_name": "Café Ünïcode"}, id="derived-slug"),
    pytest.param({"project_slug": "null", "ticket_max": "1"}, id="yaml-word-slug"),
    pytest.param(
        {"description": 'Says "hi" \\ 🎫 in 𝄞', "author_name": "Line\u2028Sep \ufeff"},
        id="awkward-text",
    ),
]


@pytest.mark.parametrize("answers", COPIES)
def test_copier_copy_bakes_the_same_files_as_cookiecutter(tmp_path, template, answers):
    baked = bake(tmp_path / "cookiecutter", **answers)
    copied = copy(template, tmp_path / "copier" / baked.name, **answers)

    baked_files, copied_files = file_tree(baked), file_tree(copied)
    assert sorted(copied_files) == sorted([*baked_files, ANSWERS_FILE])
    different = [
        name
        for name, path in baked_files.items()
        if name != ".env" and path.read_bytes() != copied_files[name].read_bytes()
    ]
    assert different == []
    modes = {name: stat.S_IMODE(path.stat().st_mode) for name, path in baked_files.items()}
    assert modes == {name: stat.S_IMODE(copied_files[name].stat().st_mode) for name in modes}
    # The .env: the same text, a secret of its own, readable by its owner only.
    assert modes[".env"] == 0o600
    assert secret_of(baked) != secret_of(copied)
    assert (baked / ".env").read_text().replace(secret_of(baked), secret_of(copied)) == (
        copied / ".env"
    ).read_text()
    # The answers file records every answer and where the project came from.
    recorded = yaml.safe_load((copied / ANSWERS_FILE).read_text())
    assert recorded["_commit"] == "v1"
    assert recorded["_src_path"] == str(template)
    defaults = {name: json.loads(json.dumps(value)) for name, value in answers.items()}
    assert {name: recorded[name] for name in defaults} == defaults
    assert set(recorded) - {"_commit", "_src_path"} == {
        name for name in OPTIONS if not name.startswith("_")
    }


# One bad answer of each kind the hook refuses, and a name that slugifies to nothing.
BAD_COPIES = [
    *(
        (name, value)
        for name, value in BAD_INPUTS
        if value in {"My-Project", "class", "django", "docs", "007", "9" * 5000, "tab\there"}
    ),
    ("project_name", "!!!"),
]


@pytest.mark.parametrize(
    ("name", "value"), BAD_COPIES, ids=[f"{n}={v[:12]!r}" for n, v in BAD_COPIES]
)
def test_copier_refuses_a_bad_answer_with_the_hooks_line(tmp_path, template, name, value):
    refused_by_cookiecutter = run_cookiecutter(tmp_path / "cookiecutter", **{name: value})
    (line,) = error_lines(refused_by_cookiecutter)

    result = copier(
        "copy", str(template), str(tmp_path / "copier" / "project"), answers={name: value}
    )

    assert result.returncode != 0
    # Copier puts its own words before the line: "Validation error for question '<name>': ".
    assert f"'{line.split()[1]}': {line.removeprefix('ERROR: ')}" in result.stderr
    assert not (tmp_path / "copier" / "project").exists(), "a refused copy must leave nothing"


def baked_and_committed(template, folder):
    project = copy(template, folder)
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "baked from the template")
    return project


def change_template(template, relative, old, new, tag):
    path = template / PROJECT_TEMPLATE / relative
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    commit_all(template, f"template {tag}", tag=tag)


def update(project):
    result = copier("update", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def leftovers(project):
    return sorted(str(p.relative_to(project)) for p in project.rglob("*.rej"))


def test_copier_update_brings_in_a_later_template_version(tmp_path):
    template = template_repo(tmp_path / "template")
    project = baked_and_committed(template, tmp_path / "project")
    secret = secret_of(project)
    change_template(template, "docs/tickets.md", "# ", "# (v2) ", tag="v2")

    update(project)

    assert "# (v2) " in (project / "docs" / "tickets.md").read_text()
    assert leftovers(project) == []
    assert yaml.safe_load((project / ANSWERS_FILE).read_text())["_commit"] == "v2"
    changed = git(project, "status", "--porcelain").split()
    assert "docs/tickets.md" in changed and ANSWERS_FILE in changed
    # The update reran the post-gen hook; the project's .env and its secret stay.
    assert secret_of(project) == secret


def test_a_users_edit_survives_the_update(tmp_path):
    template = template_repo(tmp_path / "template")
    project = baked_and_committed(template, tmp_path / "project")
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\nOur team's own notes.\n")
    commit_all(project, "our notes")
    change_template(template, "docs/tickets.md", "# ", "# (v2) ", tag="v2")

    update(project)

    assert readme.read_text().endswith("\nOur team's own notes.\n")
    assert "# (v2) " in (project / "docs" / "tickets.md").read_text()
    assert leftovers(project) == []
    assert [line for line in readme.read_text().splitlines() if line.startswith("<<<<<<<")] == []


def test_an_edit_the_template_also_changed_shows_up_as_an_ordinary_conflict(tmp_path):
    template = template_repo(tmp_path / "template")
    project = baked_and_committed(template, tmp_path / "project")
    tickets = project / "docs" / "tickets.md"
    first_line = tickets.read_text().splitlines()[0]
    tickets.write_text(tickets.read_text().replace(first_line, "# Our own title", 1))
    commit_all(project, "our title")
    change_template(template, "docs/tickets.md", "# ", "# (v2) ", tag="v2")

    update(project)

    text = tickets.read_text()
    assert leftovers(project) == []
    lines = text.splitlines()
    assert "<<<<<<< before updating" in lines and ">>>>>>> after updating" in lines
    assert "# Our own title" in text and "# (v2) " in text
