"""What the template adds to Jinja: the `quoted` filter and the `template_dir` value.

Cookiecutter loads TemplateExtension through `_extensions` in cookiecutter.json
(it puts the template folder on sys.path while it renders).
"""

from pathlib import Path

from jinja2.ext import Extension


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


class TemplateExtension(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.filters["quoted"] = quoted
        # The template folder as an absolute path, for the hooks, which run in
        # the output folder; cookiecutter's own _repo_dir is as typed (often ".").
        environment.globals["template_dir"] = str(Path(__file__).resolve().parent)
