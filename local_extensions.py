"""What the template adds to Jinja, for cookiecutter and copier alike.

- the `quoted` filter and the `template_dir` value, used by the project files
  and the hooks;
- for copier, which has neither cookiecutter's `slugify` filter nor its
  `cookiecutter` variable: the same `slugify`; `answer_problem`, copier.yml's
  validator, which checks an answer with the rules of hooks/pre_gen_project.py;
  and `cookiecutter_namespace()`, which builds `cookiecutter` from the answers.

Cookiecutter loads TemplateExtension through `_extensions` in cookiecutter.json
(it puts the template folder on sys.path while it renders); copier through
`_jinja_extensions` in copier.yml, by file path, with copier-template-extensions.
"""

import functools
import json
from pathlib import Path

from jinja2 import Environment, pass_context
from jinja2.ext import Extension
from slugify import slugify

TEMPLATE_DIR = Path(__file__).resolve().parent
COOKIECUTTER_JSON = TEMPLATE_DIR / "cookiecutter.json"
PRE_GEN_HOOK = TEMPLATE_DIR / "hooks" / "pre_gen_project.py"


def quoted(value):
    r"""`value` as a double-quoted string that reads back as exactly `value`.

    One form serves TOML (basic string), YAML (double-quoted scalar) and Python
    (string literal): all three read `\\`, `\"`, `\uXXXX` and `\UXXXXXXXX` alike.
    Printable characters, emoji included, stay as they are. Anything else
    (control and format characters, line and paragraph separators) is escaped by
    its code point, never as a UTF-16 surrogate pair, which TOML refuses.
    https://toml.io/en/v1.0.0#string
    https://yaml.org/spec/1.2.2/#57-escaped-characters
    https://docs.python.org/3/reference/lexical_analysis.html#escape-sequences
    """
    escaped = []
    for char in str(value):
        if char in '\\"':
            escaped.append("\\" + char)
        elif char.isprintable():
            escaped.append(char)
        elif ord(char) <= 0xFFFF:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(f"\\U{ord(char):08x}")
    return '"' + "".join(escaped) + '"'


@functools.cache
def pre_gen_rules():
    """hooks/pre_gen_project.py as a module: its RULES and `problem_line`.

    The hook is a Jinja template (cookiecutter fills in ANSWERS), so it is
    rendered here with no answers, and its code run without `main()`. Copier
    thereby checks answers with the very rules, and words, of cookiecutter's hook.
    """
    environment = Environment(keep_trailing_newline=True)
    environment.filters["quoted"] = quoted
    source = environment.from_string(PRE_GEN_HOOK.read_text(encoding="utf-8")).render(
        cookiecutter={}, template_dir=str(TEMPLATE_DIR)
    )
    namespace = {"__name__": "pre_gen_project", "__file__": str(PRE_GEN_HOOK)}
    exec(compile(source, str(PRE_GEN_HOOK), "exec"), namespace)
    return namespace


def answer_problem(name, value):
    """The hook's error line for one answer (without "ERROR: "), or "" if it is fine."""
    return pre_gen_rules()["problem_line"](name, str(value)) or ""


@pass_context
def cookiecutter_namespace(context):
    """The `cookiecutter` variable copier's renders see: the answers and the private values.

    The question names and the private `_` values come from cookiecutter.json,
    so both tools render every file from the same variables. (copier.yml has
    already checked each answer, its default too, with `answer_problem`.)
    """
    config = json.loads(COOKIECUTTER_JSON.read_text(encoding="utf-8"))
    private = {name: value for name, value in config.items() if name.startswith("_")}
    return private | {name: context[name] for name in config if not name.startswith("_")}


class TemplateExtension(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.filters["quoted"] = quoted
        # The template folder as an absolute path, for the hooks, which run in
        # the output folder; cookiecutter's own _repo_dir is as typed (often ".").
        environment.globals["template_dir"] = str(TEMPLATE_DIR)
        # Cookiecutter's own slugify filter is this function too (python-slugify).
        environment.filters.setdefault("slugify", slugify)
        environment.globals["answer_problem"] = answer_problem
        environment.globals["cookiecutter_namespace"] = cookiecutter_namespace
