"""README.md opens with its commands, and CI runs the test command exactly."""

import re
import tomllib

from conftest import TEMPLATE_DIR


def opening_commands():
    readme = (TEMPLATE_DIR / "README.md").read_text()
    block = re.search(r"```(?:bash|sh)\n(.*?)```", readme, re.DOTALL).group(1)
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_readme_opens_with_both_tools_then_test():
    generate, copy, test = opening_commands()

    assert generate.startswith("uvx cookiecutter ")
    assert " copier@" in copy and " copy --trust " in copy
    # Nothing before it: no DATABASE_URL to set, the tests bring their own server.
    assert test == "uv run pytest"


def test_ci_runs_the_readme_test_command():
    *_, test = opening_commands()
    ci_lines = (TEMPLATE_DIR / ".ci" / "run").read_text().splitlines()

    assert test in ci_lines


def test_every_copier_command_uses_the_pinned_copier_and_its_extensions():
    """The READMEs' copier commands install what the tests run: the dev dependencies' pins."""
    pyproject = tomllib.loads((TEMPLATE_DIR / "pyproject.toml").read_text())
    pins = dict(
        re.fullmatch(r"([\w-]+)==(\S+)", dep).groups()
        for dep in pyproject["dependency-groups"]["dev"]
        if "==" in dep
    )
    expected = (
        f"uvx --with copier-template-extensions=={pins['copier-template-extensions']}"
        f" --with python-slugify copier@{pins['copier']} "
    )
    readmes = [
        TEMPLATE_DIR / "README.md",
        TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / "README.md",
    ]
    commands = [
        line
        for readme in readmes
        for line in readme.read_text().splitlines()
        if line.startswith("uvx") and "copier" in line
    ]

    assert len(commands) == 3  # copy and update here, update in the baked README
    assert all(command.startswith(expected) for command in commands), commands
