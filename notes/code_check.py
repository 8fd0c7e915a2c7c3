"""Whether the Python code of a rendered note parses, for staff. Pure.

Every Python block (a fence marked ``python``, ``py``, ``python3`` or ``pycon``, or code
the plain-text renderer found) is read with ``ast.parse`` for the running Python; a
``>>>`` session is read prompt by prompt, its output left out. A block that does not
parse becomes a problem naming its line and why, and says when the line looks like
Python 2. Nothing is ever run: the code is only parsed.
"""

from __future__ import annotations

import ast
import html
import re
import textwrap
import warnings
from dataclasses import dataclass
from typing import Any

from pygments import highlight
from pygments.formatters.html import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import PythonConsoleLexer, PythonLexer


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based, as the block's lines are counted on the page
    message: str  # "does not parse as Python 3: ..."
    python2: bool = False


# --- one block --------------------------------------------------------------------

_PROMPT = re.compile(r"^\s*(>>>|\.\.\.)(?: |$)")
_SESSION = re.compile(r"^\s*>>>(?: |$)", re.MULTILINE)
_SHELL = re.compile(r"^\s*\$ ")
_TRACEBACK = "Traceback (most recent call last)"
# IPython's magics and shell escapes (%timeit, !pip): not Python, but no mistake either.
_MAGIC = re.compile(r"^(\s*)[%!]\w")
_SNIPPET_LENGTH = 60

# Python 2, told from the line where parsing stopped. Strings and comments are masked
# first for the idioms that could appear inside them.
_STRING_OR_COMMENT = re.compile(r"""#.*$|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*\"""")
_PYTHON2_RAW = [
    ("a print statement", re.compile(r"(?:^|[:;])\s*print\b\s*(?:>>|[^\s=(.,;)\]}:+\-*/%<>!&|^])")),
    ("an exec statement", re.compile(r"(?:^|[:;])\s*exec\s+[\"'\w]")),
    ("a ur'' literal", re.compile(r"(?<![\w'\"])[uU][rR]['\"]")),
]
_PYTHON2_CODE = [
    ("except E, e", re.compile(r"^\s*except\s+(?:\([^()]*\)|[\w.]+)\s*,\s*\w+\s*:")),
    ("raise E, message", re.compile(r"^\s*raise\s+[\w.]+\s*,")),
    ("backticks", re.compile(r"`")),
    ("the <> operator", re.compile(r"<>")),
    ("a long integer", re.compile(r"(?<![\w.])(?:0[xX][0-9a-fA-F]+|\d+)[lL]\b")),
    ("an octal literal", re.compile(r"(?<![\w.])0[0-7]*[1-7][0-7]*(?![\w.])")),
]


def check_block(code: str) -> Problem | None:
    """The first reason ``code`` is not Python 3, or None when it parses (or is a shell
    session or a program's output rather than code)."""
    code = textwrap.dedent(code.replace("\r\n", "\n"))
    lines = code.split("\n")
    if _SESSION.search(code):
        return _check_session(lines)
    found = _syntax_error(_without_magics(code))
    if found is None:
        return None
    if _is_shell_or_output(lines):
        return None
    problem = _problem(lines, *found)
    if not problem.python2 and not any(_is_statement(line) for line in lines):
        # A program's output fenced as Python ("Process (876) start..."): no line of it
        # is a statement, an assignment or a call.
        return None
    return problem


def _check_session(lines: list[str]) -> Problem | None:
    """A ``>>>`` session: each prompt's code (its ``...`` lines with it) parsed alone."""
    statement: list[str] = []
    start = 0
    for number, line in enumerate([*lines, ""], start=1):
        match = _PROMPT.match(line)
        if match and match.group(1) == "...":
            if statement:
                statement.append(line[match.end() :])
            continue
        if statement:
            found = _syntax_error("\n".join(statement))
            if found is not None:
                offset, message = found
                return _problem(lines, start + offset - 1, message)
            statement = []
        if match:
            statement, start = [line[match.end() :]], number
    return None


def _without_magics(code: str) -> str:
    return "\n".join(_MAGIC.sub(r"\1pass #", line) for line in code.split("\n"))


def _is_shell_or_output(lines: list[str]) -> bool:
    meaningful = [line for line in lines if line.strip()]
    return any(_SHELL.match(line) for line in meaningful) or (
        bool(meaningful) and meaningful[0].strip().startswith(_TRACEBACK)
    )


# What only code begins a line with, even code that does not parse: a keyword that
# starts a statement, or an assignment.
_STATEMENT_START = re.compile(
    r"(?:def|class|if|elif|else|for|while|with|try|except|finally|import|from|return|yield"
    r"|raise|assert|del|global|nonlocal|async|await|pass|break|continue|print|exec)\b"
    r"|[A-Za-z_][\w.]*(?:\[[^\]]*\])?\s*(?:[-+*/%&|^@]|//|\*\*|<<|>>)?=(?!=)"
)


def _is_statement(line: str) -> bool:
    """Does ``line`` alone parse as a statement, a call or the head of a block, as code
    does, rather than as a bare value (``[1, 2]``, ``hello``) as output may?"""
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return False
    if _STATEMENT_START.match(stripped):
        return True
    source = stripped + " pass" if stripped.endswith(":") else stripped
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return any(
        not isinstance(node, ast.Expr) or isinstance(node.value, (ast.Call, ast.Await))
        for node in tree.body
    )


def _syntax_error(source: str) -> tuple[int, str] | None:
    """(line, message) of the first syntax error in ``source``, None when it parses or
    cannot be told (nested too deep to parse at all)."""
    try:
        with warnings.catch_warnings():
            # "invalid escape sequence" and the like: still Python.
            warnings.simplefilter("ignore")
            ast.parse(source)
    except SyntaxError as error:
        return max(error.lineno or 1, 1), str(error.msg).rstrip(".")
    except ValueError as error:  # a NUL character, on some versions
        return 1, str(error)
    except (MemoryError, RecursionError):
        return None
    return None


def _problem(lines: list[str], line: int, reason: str) -> Problem:
    line = min(line, len(lines))
    # A session's line without its prompt: the code is what is quoted and judged.
    text = _PROMPT.sub("", lines[line - 1], count=1) if lines else ""
    stripped = text.strip()
    snippet = stripped if len(stripped) <= _SNIPPET_LENGTH else stripped[:_SNIPPET_LENGTH] + "…"
    idiom = python2_idiom(text)
    if idiom is not None:
        return Problem(
            line,
            f"does not parse as Python 3: `{snippet}` at line {line} looks like Python 2 ({idiom})",
            python2=True,
        )
    where = f" (`{snippet}`)" if snippet else ""
    return Problem(line, f"does not parse as Python 3: {reason} at line {line}{where}")


def python2_idiom(line: str) -> str | None:
    """The Python 2 idiom ``line`` holds ("a print statement"...), if any."""
    for name, pattern in _PYTHON2_RAW:
        if pattern.search(line):
            return name
    code = _STRING_OR_COMMENT.sub('""', line)
    for name, pattern in _PYTHON2_CODE:
        if pattern.search(code):
            return name
    return None


# --- a rendered note --------------------------------------------------------------

PYTHON_LANGUAGES = {"python", "py", "python3", "py3", "pycon"}
_PRE = re.compile(r"<pre\b([^>]*)>")
_DIV_BEFORE = re.compile(r"<div\b([^>]*)>\s*\Z")
_CODE_TAG = re.compile(r"\A(?:<span>\s*</span>)?\s*<code\b([^>]*)>")
_LANGUAGE = re.compile(r"\blanguage-([\w+-]+)")
_CLASS = re.compile(r"""\bclass=["']([^"']*)["']""")
# A tag, its quoted attribute values skipped whole.
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
# Line numbers a fence may ask for (linenums="1"): not part of the code.
_LINE_NUMBERS = re.compile(r"""<span class=["']linenos["']>[^<]*</span>""")
_SPAN_CLASS = re.compile(r"""<span\b[^>]*\bclass=["']([^"']*)["']""")
# Classes that mark lines rather than tokens.
_NOT_TOKENS = {"hll", "linenos"}


def code_problems(rendered_html: str) -> list[dict[str, Any]] | None:
    """The Python blocks of a note's rendered HTML that do not parse, as the note
    stores them (``[{"block": 3, "line": 4, "message": ..., "python2": bool}]``), or
    None when every one parses.

    Blocks are numbered 1-based among all the note's code blocks (every ``<pre>``, as
    ``number_code_blocks`` numbers them for the page's ``#code-3``). A block is Python
    when its language class says so; without one (Pygments writes none), when its
    highlighting is what Python's lexers make of its text: a fence of another language
    or none is highlighted differently, and a program's output is ``pre.output``.
    """
    problems: list[dict[str, Any]] = []
    for number, match in enumerate(_PRE.finditer(rendered_html), start=1):
        end = rendered_html.find("</pre>", match.end())
        if end < 0:
            break
        inner = rendered_html[match.end() : end]
        classes = _block_classes(rendered_html, match, inner)
        if "output" in classes.split():
            continue
        language = _LANGUAGE.search(classes)
        if language is not None and language.group(1).lower() not in PYTHON_LANGUAGES:
            continue
        if language is None and not _token_classes(inner):
            continue  # not highlighted: plain text, or a fence with no language
        text = html.unescape(_TAG.sub("", _LINE_NUMBERS.sub("", inner)))
        problem = check_block(text)
        if problem is None:
            continue
        if language is None and not highlighted_as_python(inner, text):
            continue
        problems.append(
            {"block": number, "line": problem.line, "message": problem.message,
             "python2": problem.python2}
        )  # fmt: skip
    return problems or None


def _block_classes(rendered_html: str, pre: re.Match[str], inner: str) -> str:
    """The classes of a block's wrapping ``<div>``, its ``<pre>`` and its ``<code>``."""
    attributes = [pre.group(1)]
    div = _DIV_BEFORE.search(rendered_html, max(0, pre.start() - 200), pre.start())
    if div is not None:
        attributes.append(div.group(1))
    code = _CODE_TAG.match(inner)
    if code is not None:
        attributes.append(code.group(1))
    return " ".join(
        found.group(1) for attribute in attributes if (found := _CLASS.search(attribute))
    )


def _token_classes(highlighted: str) -> list[str]:
    return [
        found for found in _SPAN_CLASS.findall(highlighted) if found and found not in _NOT_TOKENS
    ]


# Pygments' stubs make the formatter generic in what it writes; at run time it is not.
_FORMATTER: HtmlFormatter[str] = HtmlFormatter()


def highlighted_as_python(highlighted: str, text: str) -> bool:
    """Was ``text`` highlighted as Python (code or a session)? Its token classes are
    compared with what Pygments' Python lexers make of it: only asked of a block that
    does not parse, which is rare, since the comparison highlights it again."""
    classes = _token_classes(highlighted)
    lexers: list[Lexer] = [PythonLexer(), PythonConsoleLexer()]
    if _SESSION.search(text):
        lexers.reverse()
    return any(_token_classes(highlight(text, lexer, _FORMATTER)) == classes for lexer in lexers)
