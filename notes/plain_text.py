"""Plain-text notes to safe HTML, as their authors laid them out.

A pure function, like ``notes.markdown``: text in, sanitised HTML and headings out.
Nothing is Markdown here: ``#``, ``*``, ``>``, ``_`` and ``1.`` are text. Line
breaks and indentation are kept (the stylesheet shows paragraphs with
``white-space: pre-wrap``), blank lines separate paragraphs, bare URLs become
links. Two kinds of structure are recognised, because learners write them by habit:

- **Python code** pasted without fences: runs of lines that ``ast`` accepts as
  Python (or a ``>>>`` session, or a shebang and coding line) become highlighted
  blocks. Prose never does: a line holding Chinese outside a string or comment is
  prose, and a run must parse as a whole.
- **Section lines** (``>v0.1.1 多进程``, ``1. 哈希``, ``小结：``, a short line
  over an indented block, a short line opening a paragraph of an outline): found
  from the layout of the whole note by ``notes.outline``, they become headings with
  anchors and feed the note's Contents. A ``>`` marker is not part of a heading, and
  a marked line too long for one is its first clause with the rest as a paragraph.
"""

from __future__ import annotations

import ast
import html
import re
import textwrap
import warnings
from dataclasses import dataclass

from markdown.extensions.toc import slugify_unicode
from pygments import highlight
from pygments.lexers import PythonConsoleLexer, PythonLexer

from .markdown import (
    CJK_CHARACTERS,
    CJK_PUNCTUATION,
    RenderedMarkdown,
    code_formatter,
    sanitize_html,
)
from .outline import CODE, OUTPUT, TEXT, Paragraph, Section, find_sections
from .render_limits import Deadline, bound_html_nesting, deadline_in_effect

_CJK_CHAR = re.compile(f"[{CJK_CHARACTERS}{CJK_PUNCTUATION}]")
_URL = re.compile(r"\bhttps?://[^\s<>\"'，。、；！？）】」]+[^\s<>\"'，。、；！？）】」.,;:!?)]")

# --- code -------------------------------------------------------------------------

_PROMPT = re.compile(r"^\s*(>>>|\.\.\.)( |$)")
_SHEBANG = re.compile(r"^#!\s*/\S+")
_CODING = re.compile(r"^#.*-\*-.*coding.*-\*-")
_COMMENT = re.compile(r"^\s*#")
# The start of a line that only Python begins that way.
_PYTHON_START = re.compile(
    r"^\s*(?:import\s+\w|from\s+[\w.]+\s+import\s|def\s+\w+\s*\(|class\s+\w+\s*[(:]"
    r"|if\s.+:\s*(?:#.*)?$|elif\s.+:\s*$|else\s*:\s*$|for\s.+\sin\s.+:\s*$|while\s.+:\s*$"
    r"|try\s*:\s*$|except\b.*:\s*$|finally\s*:\s*$|with\s.+:\s*$|return\b|yield\b|raise\b"
    r"|print\s*\(|@\w+|async\s+def\s|await\s)"
)
# `name = value`, `a.b(c)`, `x += 1`: statements that are Python if ast agrees.
_STATEMENT = re.compile(r"^\s*[A-Za-z_][\w.\[\]'\"]*\s*(?:[-+*/%|&^]?=(?!=)|\()")
_STRING_OR_COMMENT = re.compile(r"""#.*$|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*\"""")


def _cjk_outside_strings(line: str) -> bool:
    return bool(_CJK_CHAR.search(_STRING_OR_COMMENT.sub("", line)))


def _looks_like_code(line: str) -> bool:
    """Could this line be part of Python source? Checked line by line; a run of such
    lines is then parsed as a whole before it is believed."""
    stripped = line.strip()
    if not stripped or _cjk_outside_strings(line):
        return False
    if _PROMPT.match(line) or _SHEBANG.match(stripped) or _CODING.match(stripped):
        return True
    if _COMMENT.match(line):
        return True
    return bool(_PYTHON_START.match(line) or _STATEMENT.match(line)) or (
        line[:1] in " \t" and _parses(stripped)
    )


def _parses(source: str) -> bool:
    try:
        with warnings.catch_warnings():
            # "invalid escape sequence" and the like: still Python.
            warnings.simplefilter("ignore")
            ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def _is_unfinished(source: str) -> bool:
    """Does ``source`` stop in the middle of something (an open bracket, a block with
    no body yet, a triple-quoted string), so that the next line may finish it?"""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
    except SyntaxError as error:
        message = str(error.msg)
        return any(sign in message for sign in _UNFINISHED)
    except (ValueError, MemoryError, RecursionError):
        return False
    return False


_UNFINISHED = (
    "was never closed",
    "unexpected EOF",
    "expected an indented block",
    "unterminated triple",
)


def _parse_error_line(source: str) -> int | None:
    """The 1-based line where ``source`` stops being Python, None when it parses."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
    except SyntaxError as error:
        return error.lineno or 1
    except (ValueError, MemoryError, RecursionError):
        return 1
    return None


# A call written as code is (`os.fork()`, `Thread(target=f)`), an assignment.
_PYTHONISH = re.compile(r"\w\(.*\)\s*$|^\s*[\w.\[\]'\"]+\s*[-+*/]?=[^=]")


def _is_strong(lines: list[str]) -> bool:
    """Is a run of code lines surely code, not prose that happens to parse?

    A lone ``pid = 5`` in a sentence's place could be either; an import, a
    definition, a block statement, a call, a session or two statements cannot.
    """
    meaningful = [line for line in lines if line.strip() and not _COMMENT.match(line)]
    if any(_SHEBANG.match(line.strip()) or _CODING.match(line.strip()) for line in lines):
        return True
    if any(_PROMPT.match(line) for line in lines):
        return True
    if not meaningful:
        return False
    return any(_PYTHON_START.match(line) or _PYTHONISH.search(line) for line in meaningful)


def _split_into_python(lines: list[str]) -> list[tuple[str, list[str]]]:
    """A run of code-like lines as ("code", lines) pieces that parse, the lines that
    do not parse given back as ("text", [line])."""
    if any(_PROMPT.match(line) for line in lines):
        return [("session", lines)]
    pieces: list[tuple[str, list[str]]] = []
    remaining = lines
    while remaining:
        bad = _parse_error_line(textwrap.dedent("".join(remaining)))
        if bad is None:
            pieces.extend(_code_from_first_code_line(remaining))
            break
        bad = min(max(bad, 1), len(remaining))
        # The lines before the first that is not Python: code if they parse alone.
        head = remaining[: bad - 1]
        if head and _parses(textwrap.dedent("".join(head))):
            pieces.extend(_code_from_first_code_line(head))
        else:
            pieces.extend(("text", [line]) for line in head)
        pieces.append(("text", [remaining[bad - 1]]))
        remaining = remaining[bad:]
    return pieces


def _code_from_first_code_line(lines: list[str]) -> list[tuple[str, list[str]]]:
    """A block starts at a line that looks like code: lines carried into a run that
    merely happen to parse (``Note: x = 1``) stay text."""
    start = 0
    while start < len(lines) and not _looks_like_code(lines[start]):
        start += 1
    return [("text", [line]) for line in lines[:start]] + (
        [("code", lines[start:])] if start < len(lines) else []
    )


# --- rendering ----------------------------------------------------------------------


@dataclass
class _Block:
    kind: str  # "text", "code", "session", "heading"
    lines: list[str]
    heading_kind: str = ""


def _blocks(text: str, deadline: Deadline) -> list[_Block]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").splitlines(keepends=True)
    blocks: list[_Block] = []
    index = 0
    while index < len(lines):
        deadline.check()
        if _looks_like_code(lines[index]):
            end = index
            run: list[str] = []
            while end < len(lines) and _continues_code(lines, end, run):
                run.append(lines[end])
                end += 1
            pieces = _split_into_python(run)
            for kind, piece in pieces:
                if kind != "text" and _is_strong(piece):
                    blocks.append(_Block(kind, piece))
                else:
                    blocks.extend(_Block("text", [line]) for line in piece)
            index = end
            continue
        blocks.append(_Block("text", [lines[index]]))
        index += 1
    return _merge_text(blocks)


# A run is cut here: each line added may cost a parse of the run so far, and no
# snippet pasted into a note is longer.
MAX_RUN_LINES = 300


def _continues_code(lines: list[str], index: int, run: list[str]) -> bool:
    if len(run) >= MAX_RUN_LINES:
        return False
    line = lines[index]
    if _looks_like_code(line):
        return True
    if not line.strip():
        # Blank lines belong to a run only when more code follows them.
        return _code_follows(lines, index)
    if not run or _cjk_outside_strings(line):
        return False
    if any(_PROMPT.match(earlier) for earlier in run):
        # A session's output runs on to the next blank line.
        return True
    # Any line while brackets opened above are still open; an indented line that
    # continues the code above it.
    if _is_unfinished(textwrap.dedent("".join(run))):
        return True
    return line[:1] in " \t" and _parses_with(run, line)


def _code_follows(lines: list[str], index: int) -> bool:
    # More than two blank lines end a block, as they would in an editor.
    for line in lines[index : index + 3]:
        if line.strip():
            return _looks_like_code(line)
    return False


def _parses_with(run: list[str], line: str) -> bool:
    return _parses(textwrap.dedent("".join([*run, line])))


def _merge_text(blocks: list[_Block]) -> list[_Block]:
    merged: list[_Block] = []
    for block in blocks:
        if block.kind == "text" and merged and merged[-1].kind == "text":
            merged[-1].lines.extend(block.lines)
        else:
            merged.append(block)
    return merged


def _escaped_with_links(text: str) -> str:
    """``text`` escaped for HTML, its bare URLs made links (found before escaping, so
    that ``&`` in a URL and quotes around it are read as written)."""
    parts, last = [], 0
    for match in _URL.finditer(text):
        url = html.escape(match.group(0))
        parts += [html.escape(text[last : match.start()]), f'<a href="{url}">{url}</a>']
        last = match.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def _paragraphs(lines: list[str]) -> list[list[str]]:
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            paragraphs[-1].append(line.rstrip("\n"))
        elif paragraphs[-1]:
            paragraphs.append([])
    return [paragraph for paragraph in paragraphs if paragraph]


def render_plain_text(text: str, deadline: Deadline | None = None) -> RenderedMarkdown:
    """Render a plain-text note body to sanitised HTML and list its sections.

    Raises ``RenderRefused`` when ``deadline`` (by default, DEFAULT_BUDGET_SECONDS from
    now) passes.
    """
    with deadline_in_effect(deadline or Deadline()) as deadline:
        return _render(text, deadline)


def _render(text: str, deadline: Deadline) -> RenderedMarkdown:
    pieces = _pieces(_blocks(text, deadline))
    sections = find_sections([paragraph for paragraph, _ in pieces], tick=deadline.check)
    anchors: dict[str, int] = {}
    headings: list[tuple[int, str, str]] = []
    parts: list[str] = []
    # The code found is Python, or an interactive session of it: its <code> says which,
    # as a fenced block's does (the code check and the Copy and Run buttons read it).
    formatters = {
        kind: code_formatter(
            cssclass="highlight", wrapcode=True, mark_language=True, lang_str=language
        )
        for kind, language in (("session", "language-pycon"), ("code", "language-python"))
    }
    for number, (paragraph, code) in enumerate(pieces):
        deadline.check()
        if paragraph.kind == CODE:
            session = code.kind == "session"
            lexer = PythonConsoleLexer() if session else PythonLexer()
            formatter = formatters["session" if session else "code"]
            parts.append(highlight(textwrap.dedent("".join(code.lines)), lexer, formatter))
            continue
        if paragraph.kind == OUTPUT:
            parts.append(_output_html(list(paragraph.lines)))
            continue
        current: list[str] = []
        for index, line in enumerate(paragraph.lines):
            section = sections.get((number, index))
            if section is None:
                current.append(line)
                continue
            if current:
                parts.append(_paragraph_html(current))
                current = []
            anchor = _unique_anchor(section.title, anchors)
            headings.append((section.level, anchor, section.title))
            parts.append(_heading_html(section, anchor))
        if current:
            parts.append(_paragraph_html(current))
    deadline.check()
    # Raw HTML is text here, so only code can nest, and Pygments does not nest deep.
    return RenderedMarkdown(
        html=sanitize_html(bound_html_nesting("\n".join(parts))), headings=tuple(headings)
    )


_NO_CODE = _Block("text", [])


def _pieces(blocks: list[_Block]) -> list[tuple[Paragraph, _Block]]:
    """The note as the outline reads it: each paragraph of text, each block of code
    (with the block, to highlight), and a program's output after its code and lead-in."""
    pieces: list[tuple[Paragraph, _Block]] = []
    after_code = False
    for block in blocks:
        if block.kind != "text":
            after_code = block.kind == "code"
            pieces.append((Paragraph((), CODE), block))
            continue
        paragraphs = _paragraphs(block.lines)
        for number, lines in enumerate(paragraphs):
            output = after_code and number == 1 and _is_output(paragraphs[0], lines)
            pieces.append((Paragraph(tuple(lines), OUTPUT if output else TEXT), _NO_CODE))
        after_code = False
    return pieces


def _heading_html(section: Section, anchor: str) -> str:
    """A section's heading, and the rest of a line too long for one as its lead."""
    level = section.level
    heading = (
        f'<h{level} id="{anchor}" class="plain-heading">'
        f"{_escaped_with_links(section.title)}</h{level}>"
    )
    return heading + (f"\n{_paragraph_html([section.lead])}" if section.lead else "")


# "运行结果如下：", "Output:": what introduces a program's output after its code.
_OUTPUT_LEAD = re.compile(
    r"(运行结果|输出|结果|打印|output|result|prints)[^。.]{0,10}[:：]\s*$", re.IGNORECASE
)


def _is_output(lead: list[str], paragraph: list[str]) -> bool:
    """Is ``paragraph``, right after code and its one-line lead-in, that code's output?"""
    return (
        len(lead) == 1
        and bool(_OUTPUT_LEAD.search(lead[0]))
        and not any(_CJK_CHAR.search(line) for line in paragraph)
    )


def _output_html(lines: list[str]) -> str:
    return f'<pre class="output"><code>{html.escape(chr(10).join(lines))}</code></pre>'


def _paragraph_html(lines: list[str]) -> str:
    return f'<p class="plain">{_escaped_with_links(chr(10).join(lines))}</p>'


def _unique_anchor(text: str, taken: dict[str, int]) -> str:
    """A new anchor for ``text``: its slug, else the slug with the first free ``_1``,
    ``_2``... ``taken`` maps each anchor given to the next number its base tries, so
    the thousandth "小结" does not try the 999 before it again."""
    base = slugify_unicode(text.lstrip(">").strip(), "-") or "section"
    anchor, number = base, taken.get(base, 1)
    while anchor in taken:
        anchor = f"{base}_{number}"
        number += 1
    taken[base] = number
    taken.setdefault(anchor, 1)
    return anchor
