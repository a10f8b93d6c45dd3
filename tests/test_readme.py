"""README.md opens with the two commands, and CI runs the second one exactly."""

import re

from conftest import TEMPLATE_DIR


def opening_commands():
    readme = (TEMPLATE_DIR / "README.md").read_text()
    block = re.search(r"```(?:bash|sh)\n(.*?)```", readme, re.DOTALL).group(1)
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_readme_opens_with_generate_and_test():
    generate, test = opening_commands()

    assert generate.startswith("uvx cookiecutter ")
    # Nothing before it: no DATABASE_URL to set, the tests bring their own server.
    assert test == "uv run pytest"


def test_ci_runs_the_readme_test_command():
    _, test = opening_commands()
    ci_lines = (TEMPLATE_DIR / ".ci" / "run").read_text().splitlines()

    assert test in ci_lines
