"""Write copier.yml from cookiecutter.json, the one source of the template's questions.

cookiecutter.json holds each question's name, default (a choice question's
first choice), choices and prompt. copier.yml asks the same questions, checks
text answers with the pre_gen hook's rules (local_extensions.answer_problem),
and builds the `cookiecutter` variable the project files use. After changing
cookiecutter.json run

    uv run python copier_questions.py

tests/test_copier.py fails while copier.yml is out of date.
"""

import json
import re
from pathlib import Path

import yaml

TEMPLATE_DIR = Path(__file__).resolve().parent
COOKIECUTTER_JSON = TEMPLATE_DIR / "cookiecutter.json"
COPIER_YML = TEMPLATE_DIR / "copier.yml"

HEADER = """\
# Written by copier_questions.py from cookiecutter.json; edit those, not this file.
# copier copy --trust <template> <project folder>   (see README.md)
"""

# https://copier.readthedocs.io/en/stable/configuring/
SETTINGS = {
    "_min_copier_version": "9.19.1",
    # The project is the folder cookiecutter renders; copier renders this
    # setting, hence the literal folder name inside a Jinja string.
    "_subdirectory": "{{ '{{cookiecutter.project_slug}}' }}",
    # Every file is a template, as in cookiecutter; no .jinja suffix.
    "_templates_suffix": "",
    "_answers_file": ".copier-answers.yml",
    # Cookiecutter's renders fail on an undefined name; so do copier's.
    "_envops": {"undefined": "jinja2.StrictUndefined"},
    "_jinja_extensions": [
        "copier_template_extensions.TemplateExtensionLoader",
        "local_extensions.py:TemplateExtension",
    ],
    # The post-gen hook, rendered like cookiecutter renders it, run in the project.
    "_tasks": [["{{ _copier_python }}", "-c", "{% include 'hooks/post_gen_project.py' %}"]],
}

# A cookiecutter default refers to earlier answers as cookiecutter.<name>;
# copier has them as plain names.
COOKIECUTTER_NAME = re.compile(r"\bcookiecutter\.(\w+)")


def question(name, value, prompt):
    """One copier question for one cookiecutter variable."""
    if isinstance(value, list):
        labels = prompt if isinstance(prompt, dict) else {}
        return {
            "type": "str",
            "help": labels.get("__prompt__", prompt or name),
            "choices": {labels.get(choice, choice): choice for choice in value},
            "default": value[0],
        }
    return {
        "type": "str",
        "help": prompt or name,
        "default": COOKIECUTTER_NAME.sub(r"\1", value),
        "validator": f'{{{{ answer_problem("{name}", {name}) }}}}',
    }


def copier_config(config):
    prompts = config.get("__prompts__", {})
    questions = {
        name: question(name, value, prompts.get(name))
        for name, value in config.items()
        if not name.startswith("_")
    }
    # Not asked, not stored: computed from the answers after the last question.
    questions["cookiecutter"] = {
        "type": "json",
        "when": False,
        "default": "{{ cookiecutter_namespace() | to_json }}",
    }
    return SETTINGS | questions


def copier_yml():
    config = json.loads(COOKIECUTTER_JSON.read_text(encoding="utf-8"))
    body = yaml.safe_dump(copier_config(config), sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


if __name__ == "__main__":
    COPIER_YML.write_text(copier_yml(), encoding="utf-8")
    print(f"wrote {COPIER_YML.name}")
