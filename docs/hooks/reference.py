"""MkDocs hook: the reference pages, made from the code at every build.

A page holding ``<!-- commands -->`` gets the ``--help`` of every management command
in notes/management/commands/, as ``manage.py <command> --help`` prints it.

A page holding ``<!-- settings -->`` gets a table of every environment variable that
config/settings.py reads: each ``env("NAME", default)``, ``env_bool``, ``env_list`` and
``env_int`` call (the variable is ``DJANGO_NAME``) and each ``os.environ.get("NAME")``,
with its default, the Django setting it feeds, and as its meaning the ``#`` comment
lines just above it. A variable without such a comment is a build warning, so
``mkdocs build --strict`` fails until it has one.
"""

from __future__ import annotations

import ast
import io
import logging
import os
import subprocess
import sys
import tokenize
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.reference")

ROOT = Path(__file__).resolve().parents[2]
COMMANDS_DIR = ROOT / "notes" / "management" / "commands"
SETTINGS_FILE = ROOT / "config" / "settings.py"

COMMANDS_MARKER = "<!-- commands -->"
SETTINGS_MARKER = "<!-- settings -->"

# The helpers of config/settings.py that read DJANGO_<NAME>.
ENV_HELPERS = {"env", "env_bool", "env_list", "env_int"}
HELPER_DEFAULTS = {"env": "", "env_list": "", "env_bool": False, "env_int": 0}

# One Python process prints every command's help, exactly as `manage.py <command>
# --help` does (Django's print_help is format_help of this parser), a second apart
# from starting Django once per command.
HELP_SCRIPT = """
import sys
import django
from django.core.management import load_command_class

django.setup()
for name in sys.argv[1:]:
    parser = load_command_class("notes", name).create_parser("manage.py", name)
    sys.stdout.write(parser.format_help())
    sys.stdout.write("\\0")
"""


# --------------------------------------------------------------------------- commands


def command_names() -> list[str]:
    return sorted(path.stem for path in COMMANDS_DIR.glob("*.py") if not path.name.startswith("_"))


def command_help() -> dict[str, str]:
    names = command_names()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings",
        COLUMNS="80",
        # No __pycache__ written under notes/: `mkdocs serve` watches it.
        PYTHONDONTWRITEBYTECODE="1",
    )
    # Help text does not depend on the database; never let a production setting stop it.
    env.pop("DJANGO_ENV", None)
    # A fixed program: this interpreter, the script above, the commands' file names.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", HELP_SCRIPT, *names],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"printing the commands' help failed:\n{result.stderr}")
    texts = result.stdout.split("\0")[: len(names)]
    return dict(zip(names, texts, strict=True))


def first_line(path: Path) -> str:
    """The first line of a command module's docstring, if it has one."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    return doc.strip().splitlines()[0] if doc else ""


def commands_markdown() -> str:
    parts = []
    for name, text in command_help().items():
        parts.append(f"## `{name}`\n")
        summary = first_line(COMMANDS_DIR / f"{name}.py")
        if summary:
            parts.append(f"{summary}\n")
        parts.append(f"```text\n$ .venv/bin/python manage.py {name} --help\n{text.rstrip()}\n```\n")
    return "\n".join(parts)


# --------------------------------------------------------------------------- settings


def comments_by_line(source: str) -> dict[int, str]:
    """Line number -> the text of the comment on that line."""
    comments = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string.lstrip("#").strip()
    return comments


def comment_block_above(line: int, lines: list[str], comments: dict[int, str]) -> list[str]:
    """The comment-only lines right above ``line`` (1-based), top to bottom."""
    block = []
    number = line - 1
    while number >= 1 and lines[number - 1].strip().startswith("#"):
        block.append(comments.get(number, ""))
        number -= 1
    return list(reversed(block))


def trailing_comment(line: int, lines: list[str], comments: dict[int, str]) -> str:
    text = comments.get(line, "")
    if lines[line - 1].strip().startswith("#") or text.startswith(("noqa", "type:")):
        return ""
    return text


class ConstantsInlined(ast.NodeTransformer):
    """An expression with the module's string constants written in place of their names."""

    def __init__(self, constants: dict[str, str]):
        self.constants = constants

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in self.constants:
            return ast.Constant(self.constants[node.id])
        return node


class SettingsReader(ast.NodeVisitor):
    """Walks config/settings.py, remembering the statement and conditions around calls."""

    def __init__(self, module: ast.Module):
        self.constants = {
            node.targets[0].id: node.value.value
            for node in module.body
            if isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        }
        self.found: list[dict] = []
        self.statement: ast.stmt | None = None
        self.conditions: list[str] = []

    def visit_If(self, node: ast.If) -> None:
        self.visit(node.test)
        condition = ast.unparse(node.test)
        self.conditions.append(condition)
        for child in node.body:
            self.visit(child)
        self.conditions[-1] = f"not {condition}" if " " not in condition else f"not ({condition})"
        for child in node.orelse:
            self.visit(child)
        self.conditions.pop()

    def generic_visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.stmt) and not isinstance(node, ast.If):
            outer, self.statement = self.statement, node
            super().generic_visit(node)
            self.statement = outer
        else:
            super().generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        entry = self.read_call(node)
        if entry is not None:
            entry["statement"] = self.statement
            entry["conditions"] = list(self.conditions)
            self.found.append(entry)
        self.generic_visit(node)

    def read_call(self, node: ast.Call) -> dict | None:
        func = node.func
        if not node.args or not isinstance(node.args[0], ast.Constant):
            return None
        name = node.args[0].value
        if isinstance(func, ast.Name) and func.id in ENV_HELPERS:
            variable = f"DJANGO_{name}"
            default_node = node.args[1] if len(node.args) > 1 else None
            for keyword in node.keywords:
                if keyword.arg == "default":
                    default_node = keyword.value
            kind = func.id
        elif ast.unparse(func) == "os.environ.get":
            variable = name
            default_node = node.args[1] if len(node.args) > 1 else None
            kind = "env"
        else:
            return None
        if default_node is None:
            default = HELPER_DEFAULTS[kind]
            default_text = self.show_value(default)
        else:
            default_text = self.show_default(default_node)
        return {"variable": variable, "kind": kind, "default": default_text, "line": node.lineno}

    @staticmethod
    def show_value(value: object) -> str:
        if value == "":
            return "*(empty)*"
        if isinstance(value, bool):
            return "on" if value else "off"
        return f"`{value}`"

    def show_default(self, node: ast.expr) -> str:
        if isinstance(node, ast.Constant):
            return self.show_value(node.value)
        if isinstance(node, ast.Name) and node.id in self.constants:
            return self.show_value(self.constants[node.id])
        if isinstance(node, ast.IfExp):
            when, otherwise = self.show_default(node.body), self.show_default(node.orelse)
            return f"{when} when `{ast.unparse(node.test)}`, else {otherwise}"
        # str(BASE_DIR / "var" / "x") reads better as a path under the project.
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "str" and node.args:
            node = node.args[0]
        path = self.path_under_project(node)
        if path is not None:
            return f"`{path}` in the project"

        return f"`{ast.unparse(ConstantsInlined(self.constants).visit(node))}`"

    @staticmethod
    def path_under_project(node: ast.expr) -> str | None:
        parts = []
        while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            if not isinstance(node.right, ast.Constant):
                return None
            parts.append(str(node.right.value))
            node = node.left
        if isinstance(node, ast.Name) and node.id == "BASE_DIR" and parts:
            return "/".join(reversed(parts))
        return None


def assigned_names(statement: ast.stmt | None) -> list[str]:
    if isinstance(statement, ast.Assign):
        return [ast.unparse(target) for target in statement.targets]
    if isinstance(statement, ast.AnnAssign | ast.AugAssign):
        return [ast.unparse(statement.target)]
    return []


def read_settings() -> list[dict]:
    source = SETTINGS_FILE.read_text(encoding="utf-8")
    lines = source.splitlines()
    comments = comments_by_line(source)
    module = ast.parse(source)
    reader = SettingsReader(module)
    reader.visit(module)
    settings = []
    for entry in reader.found:
        meaning = comment_block_above(entry["line"], lines, comments)
        statement = entry["statement"]
        if not meaning and statement is not None and statement.lineno < entry["line"]:
            meaning = comment_block_above(statement.lineno, lines, comments)
        if not meaning:
            meaning = [trailing_comment(entry["line"], lines, comments)]
        entry["meaning"] = " ".join(part for part in meaning if part)
        entry["setting"] = ", ".join(unbroken(name) for name in assigned_names(statement))
        settings.append(entry)
    return settings


def unbroken(name: str) -> str:
    """A name in code type that a narrow table column does not break in the middle."""
    return f'<code style="white-space: nowrap">{name}</code>'


def escape_cell(text: str) -> str:
    return text.replace("|", "\\|")


def settings_markdown() -> str:
    rows = [
        "| variable | default | read into | meaning |",
        "| --- | --- | --- | --- |",
    ]
    for entry in read_settings():
        if not entry["meaning"]:
            log.warning(
                "config/settings.py:%s: %s has no comment above it saying what it means",
                entry["line"],
                entry["variable"],
            )
        meaning = entry["meaning"]
        if entry["conditions"]:
            read_when = " and ".join(f"`{condition}`" for condition in entry["conditions"])
            meaning += f" *(Read only when {read_when}.)*"
        if entry["kind"] == "env_bool":
            meaning += " *(On: `1`, `true`, `yes` or `on`.)*"
        elif entry["kind"] == "env_list":
            meaning += " *(Comma-separated.)*"
        rows.append(
            "| {variable} | {default} | {setting} | {meaning} |".format(
                variable=unbroken(entry["variable"]),
                default=escape_cell(entry["default"]),
                setting=escape_cell(entry["setting"]),
                meaning=escape_cell(meaning),
            )
        )
    return "\n".join(rows) + "\n"


# --------------------------------------------------------------------------- the hooks


def on_page_markdown(markdown: str, page, config, files) -> str:
    if COMMANDS_MARKER in markdown:
        markdown = markdown.replace(COMMANDS_MARKER, commands_markdown())
    if SETTINGS_MARKER in markdown:
        markdown = markdown.replace(SETTINGS_MARKER, settings_markdown())
    return markdown


def on_serve(server, config, builder):
    """`mkdocs serve` rebuilds when the code the reference pages come from changes."""
    server.watch(str(COMMANDS_DIR))
    server.watch(str(SETTINGS_FILE))
    return server
