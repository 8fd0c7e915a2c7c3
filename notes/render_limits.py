"""What keeps rendering a note bounded: in nesting, in work per character, in time.

Python-Markdown reads some constructs by scanning ahead from an opener to its closer:
a ``[`` to its ``]``, a link's ``(`` to its ``)``, a backtick run to the next run as
long, a ``<`` to the end of its tag, a code fence to the fence that closes it. An
opener that never closes scans to the end of its paragraph (a ``<`` or a fence, to the
end of the note), so a run of thousands of them made rendering quadratic: 16 KB of
``[`` took 12 s. ``bound_markdown`` reckons, in one pass, how far Markdown will scan
from each opener, and where the total would outgrow a few times the text's length it
turns the costliest openers into placeholders: private-use characters that Markdown
reads as plain text and ``BoundedSource.restore`` turns back into the characters they
stood for, so the note still reads as written. Lists and quotes nested past
``MAX_NESTING`` levels are flattened to that level; a block of thousands of headings
gets blank lines between them, and a paragraph holding thousands of inline marks is
cut into paragraphs (Markdown re-reads the rest of a block after each heading, and
rebuilds a paragraph's text after each mark). ``bound_html_nesting`` writes as text
the elements nested past what the sanitiser's parser walks in linear time. Ordinary
notes come nowhere near these bounds and render byte for byte as before;
``tests/test_render_limits.py`` holds the adversarial bodies.

What no model here foresees is stopped by a ``Deadline``: the Markdown converter and
the linker check it between their steps and raise ``RenderRefused``, whose message is
a sentence for the person who wrote the note.

Pure, like the renderers: the budget comes in as an argument (the settings'
``RENDER_BUDGET_SECONDS``, passed by the model and the admin), else
``DEFAULT_BUDGET_SECONDS``.
"""

from __future__ import annotations

import bisect
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import markdown.htmlparser
from markdown.util import BLOCK_LEVEL_ELEMENTS

DEFAULT_BUDGET_SECONDS = 5.0
# List and quote levels; deeper lines join the deepest level. The parser recurses per
# level: lists 250 deep ran out of stack, and a megabyte of quotes took 18 s.
MAX_NESTING = 32
# Elements open at once in the HTML handed to the sanitiser, once its parser has
# looked through open elements HTML_WALK_SLACK times more than the HTML is long. Room
# for MAX_NESTING lists (two elements a level) inside raw HTML.
MAX_HTML_DEPTH = 100
HTML_WALK_SLACK = 1_000_000
# Per paragraph, the characters Markdown may scan from openers of one kind: this many
# times the paragraph's length, plus SCAN_SLACK. Ordinary paragraphs use a fraction.
SCAN_FACTOR = 2
SCAN_SLACK = 4096
# Unclosed code fences and HTML openers each scan to the end of the note: this many
# may do so; the rest are taken as text.
MAX_UNCLOSED = 4


def gettext_noop(message: str) -> str:
    """Marks ``message`` for makemessages; Django's own reads the settings, which a pure
    module must not (the callers translate with ``gettext(refused.message)``)."""
    return message


TOO_COMPLEX = gettext_noop(
    "This note is too complex to render in %(seconds)s seconds: split it into shorter "
    "notes, or simplify its longest paragraphs and deepest nesting."
)
TOO_DEEP = gettext_noop(
    "This note nests too deeply to render: keep its lists, quotes and HTML elements "
    "within %(levels)s levels."
)


class RenderRefused(ValueError):
    """A body too complex to render in time. ``str()`` is the English sentence;
    ``message`` (marked for translation) and ``params`` let callers translate it."""

    def __init__(self, message: str, **params: object):
        super().__init__(message % params)
        self.message = message
        self.params = params


def nested_too_deep() -> RenderRefused:
    return RenderRefused(TOO_DEEP, levels=MAX_NESTING)


class Deadline:
    """The moment a rendering must be done by; ``check()`` between steps."""

    def __init__(self, seconds: float | None = None):
        self.seconds = DEFAULT_BUDGET_SECONDS if seconds is None else seconds
        self.ends = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() > self.ends:
            raise RenderRefused(TOO_COMPLEX, seconds=f"{self.seconds:g}")


# The deadline of the rendering under way in this thread, for steps that are called
# from inside a library (Python-Markdown's processors, Pygments' formatter).
_current = threading.local()


@contextmanager
def deadline_in_effect(deadline: Deadline) -> Iterator[Deadline]:
    previous = getattr(_current, "deadline", None)
    _current.deadline = deadline
    try:
        yield deadline
    finally:
        _current.deadline = previous


def check_deadline() -> None:
    """Check the deadline in effect in this thread, if any."""
    deadline = getattr(_current, "deadline", None)
    if deadline is not None:
        deadline.check()


# --- placeholders ---------------------------------------------------------------------

# Characters an opener may be neutralised into, and what each stands for in HTML.
_NEUTRALISED = {"<": "&lt;", "[": "[", "]": "]", "(": "(", "`": "`", "~": "~"}


@dataclass
class BoundedSource:
    text: str
    # placeholder -> its HTML; empty when nothing was neutralised
    placeholders: dict[str, str] = field(default_factory=dict)

    def restore(self, html: str) -> str:
        for placeholder, original in self.placeholders.items():
            html = html.replace(placeholder, original)
        return html


def _placeholders(text: str) -> dict[str, str]:
    """A private-use character for each neutralisable one, none of them in ``text``."""
    present = set(text)
    free = (chr(code) for code in range(0xF0000, 0xFFFFE) if chr(code) not in present)
    return dict(zip(_NEUTRALISED, free, strict=False))


# --- nesting ----------------------------------------------------------------------------

# A line's container markers: quote marks and list bullets, with the space around them.
_CONTAINER_PREFIX = re.compile(r"(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t])))*[ \t]*")
_CONTAINER_TOKEN = re.compile(r"[ \t]+|>|[-*+]|\d{1,9}[.)]")
# A line that might hold more than MAX_NESTING levels (a level takes a character or more).
_DEEP_PREFIX = re.compile(rf"^[ \t>*+\-0-9.)]{{{MAX_NESTING + 1}}}", re.MULTILINE)


def _flatten_line(line: str) -> str:
    """``line`` with its container prefix cut to MAX_NESTING levels (four columns of
    indentation, or a marker, a level): indentation first, then the markers past the
    limit. The line itself when it is within them."""
    match = _CONTAINER_PREFIX.match(line)
    assert match is not None  # every part of it is optional: it matches any line
    prefix = match.group()
    tokens = _CONTAINER_TOKEN.findall(prefix)
    markers = sum(1 for token in tokens if token[0] not in " \t")
    columns = len(prefix.expandtabs(4)) - markers
    if columns // 4 + markers <= MAX_NESTING:
        return line
    indentation = (MAX_NESTING - min(markers, MAX_NESTING)) * 4
    kept: list[str] = []
    kept_markers = 0
    for index, token in enumerate(tokens):
        if token[0] not in " \t":
            kept_markers += 1
            if kept_markers <= MAX_NESTING:
                kept.append(token)
        elif index == 0:
            kept.append(" " * min(len(token.expandtabs(4)), indentation))
        elif kept_markers <= MAX_NESTING:
            kept.append(" " * min(len(token.expandtabs(4)), 4))
    return "".join(kept) + line[len(prefix) :]


# --- lines that end a block ------------------------------------------------------------

# Headings, setext underlines and rules: Markdown's block parser cuts a block at each
# and hands the rest back, which its table test then splits into rows again.
_BLOCK_ENDING_LINE = re.compile(
    r"#|[ ]{0,3}(?:=+|-+)[ ]*$|[ ]{0,3}(?:(?:-[ ]{0,2}){3,}|(?:_[ ]{0,2}){3,}|(?:\*[ ]{0,2}){3,})$"
)


def _blocks(lines: list[str], fenced: list[bool]) -> list[tuple[int, int]]:
    """The (first, past last) line numbers of each run of non-blank lines outside
    fenced code: the most a Markdown paragraph, list or table can span."""
    blocks: list[tuple[int, int]] = []
    start = None
    for number, line in enumerate(lines):
        prose = not fenced[number] and line and not line.isspace()
        if prose and start is None:
            start = number
        elif not prose and start is not None:
            blocks.append((start, number))
            start = None
    if start is not None:
        blocks.append((start, len(lines)))
    return blocks


def _separate_blocks(lines: list[str], blocks: list[tuple[int, int]]) -> list[str] | None:
    """``lines`` with a blank line after each heading, underline or rule of a block
    where re-reading the rest of the block after each would outgrow the budget (a
    block of ten thousand headings; Markdown reads such a line as ending its block
    either way), and paragraphs too dense with markup cut into pieces. None when no
    block needs either."""
    changed: dict[int, list[str]] = {}  # first line of a block -> its new lines
    for start, end in blocks:
        block = lines[start:end]
        # A block shorter than this re-reads less than the budget's slack, however cut.
        if end - start > SCAN_SLACK // (end - start):
            endings = {
                number
                for number in range(start, end)
                if lines[number][:1] in "#=-_* " and _BLOCK_ENDING_LINE.match(lines[number])
            }
            if _over_budget([(number, end - number) for number in endings], end - start):
                block = []
                for number in range(start, end):
                    block.append(lines[number])
                    if number in endings and number + 1 < end:
                        block.append("")
        if sum(map(len, block)) > PARAGRAPH_PIECE:
            block = _split_dense_paragraphs(block)
        if len(block) != end - start:
            changed[start] = block
    if not changed:
        return None
    out: list[str] = []
    position = 0
    for start, end in blocks:
        if start in changed:
            out += lines[position:start] + changed[start]
            position = end
    return out + lines[position:]


# Markdown rebuilds a paragraph's text after each inline match (emphasis, code, a tag,
# an entity): a paragraph holding thousands costs their number times its length.
# Past DENSE_PARAGRAPH_WORK, it is cut into paragraphs of about PARAGRAPH_PIECE.
_INLINE_SYNTAX = "*_`[<&\\"
DENSE_PARAGRAPH_WORK = 100_000_000
PARAGRAPH_PIECE = 8192
# Lines that start, or belong to, something other than a paragraph.
_NOT_PARAGRAPH = re.compile(r"[ \t]*(?:[>|#]|[-*+][ \t]|\d{1,9}[.)][ \t])|    |\t|.*\|")


def _split_dense_paragraphs(lines: list[str]) -> list[str]:
    """``lines`` with the paragraphs too dense with inline markup to render in linear
    time cut into pieces (see DENSE_PARAGRAPH_WORK); ordinary ones untouched."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        length = sum(map(len, run)) + len(run)
        if length > PARAGRAPH_PIECE:
            text = "\n".join(run)
            marks = sum(text.count(char) for char in _INLINE_SYNTAX) + text.count("  \n")
            if marks * length > DENSE_PARAGRAPH_WORK:
                out.extend(_pieces(run))
                run.clear()
                return
        out.extend(run)
        run.clear()

    for line in lines:
        if line.strip() and not _NOT_PARAGRAPH.match(line):
            run.append(line)
            continue
        flush()
        out.append(line)
    flush()
    return out


def _pieces(lines: list[str]) -> list[str]:
    """Paragraph lines as paragraphs of about PARAGRAPH_PIECE characters, a blank line
    between them; a longer line is cut at a space, else anywhere."""
    out: list[str] = []
    size = 0
    for line in lines:
        while len(line) > PARAGRAPH_PIECE:
            cut = line.rfind(" ", PARAGRAPH_PIECE // 2, PARAGRAPH_PIECE) + 1 or PARAGRAPH_PIECE
            out += [line[:cut], ""]
            line = line[cut:]
            size = 0
        if size and size + len(line) > PARAGRAPH_PIECE:
            out.append("")
            size = 0
        out.append(line)
        size += len(line) + 1
    return out


# --- fenced code ------------------------------------------------------------------------

# Python-Markdown's fenced_code opening line (FencedBlockPreprocessor.FENCED_BLOCK_RE),
# one line at a time, and its closing line.
_FENCE_OPEN = re.compile(
    r"""(~{3,}|`{3,})[ ]*(?:\{[^\n]*\}|(?:\.?[\w#.+-]*[ ]*)?(?:hl_lines=("|').*?\2[ ]*)?)$"""
)
_FENCE_CLOSE = re.compile(r"(~{3,}|`{3,})[ ]*$")


def _fenced_lines(lines: list[str]) -> tuple[list[bool], list[int]]:
    """Which lines Markdown takes as fenced code, and the unclosed opening fences: each
    one makes Markdown's fence expression scan to the end of the note."""
    closers: dict[str, list[int]] = {}
    for number, line in enumerate(lines):
        match = line[:1] in "`~" and _FENCE_CLOSE.match(line)
        if match:
            closers.setdefault(match.group(1), []).append(number)
    fenced = [False] * len(lines)
    unclosed: list[int] = []
    number = 0
    while number < len(lines):
        match = lines[number][:1] in "`~" and _FENCE_OPEN.match(lines[number])
        if match:
            candidates = closers.get(match.group(1), [])
            after = bisect.bisect_right(candidates, number)
            if after < len(candidates):
                for inside in range(number, candidates[after] + 1):
                    fenced[inside] = True
                number = candidates[after] + 1
                continue
            unclosed.append(number)
        number += 1
    return fenced, unclosed


# --- inline openers, paragraph by paragraph --------------------------------------------

_TICKS = re.compile(r"`+")
_BRACKETS = re.compile(r"[\[\]]")
# A link destination Markdown closes where this ends: a plain address (one level of
# brackets inside), perhaps a title.
_SIMPLE_DESTINATION = re.compile(
    r"""\((?:[^()"'\n\\]|\\.|\([^()"'\n]*\))*"""
    r"""(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\)"""
)


def _escaped(text: str, position: int) -> bool:
    slashes = 0
    while position - slashes > 0 and text[position - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1


def _over_budget(costs: list[tuple[int, int]], length: int) -> list[int]:
    """The openers (key, cost) to neutralise, costliest first, until the rest fit the
    paragraph's scanning budget."""
    budget = SCAN_FACTOR * length + SCAN_SLACK
    total = sum(cost for _, cost in costs)
    if total <= budget:
        return []
    dropped: list[int] = []
    for position, cost in sorted(costs, key=lambda item: -item[1]):
        if total <= budget:
            break
        dropped.append(position)
        total -= cost
    return dropped


def _code_spans(block: str, out: dict[int, str]) -> list[tuple[int, int]]:
    """The code spans of a paragraph as Markdown pairs backtick runs (a run opens a
    span that the next run as long closes). A run that nothing closes scans to the
    paragraph's end; past the budget such runs are neutralised into ``out``."""
    runs = [(match.start(), match.end()) for match in _TICKS.finditer(block)]
    closer: list[int | None] = [None] * len(runs)
    last: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        closer[index] = last.get(length)
        last[length] = index
    spans: list[tuple[int, int]] = []
    unclosed: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        end = closer[index]
        if end is None:
            unclosed.append((runs[index][0], len(block) - runs[index][0]))
            index += 1
        else:
            spans.append((runs[index][0], runs[end][1]))
            index = end + 1
    for start in _over_budget(unclosed, len(block)):
        ticks = _TICKS.match(block, start)
        assert ticks is not None  # a run of backticks starts there
        for position in range(start, ticks.end()):
            out[position] = "`"
    return spans


def _brackets(
    block: str, spans: list[tuple[int, int]], out: dict[int, str], deadline: Deadline
) -> None:
    """Neutralise link brackets nested deeper than MAX_NESTING, and the costliest past
    the budget: Markdown scans from each ``[`` to its ``]``, or to the paragraph's end.
    Then the same for link destinations, ``(`` to ``)``."""
    span_starts = [start for start, _ in spans]
    positions: list[int] = []  # of each [
    closings: list[int] = []  # of its ], or the paragraph's length
    too_deep: list[int] = []  # indexes of the [ nested past MAX_NESTING
    stack: list[int] = []
    length = len(block)
    for match in _BRACKETS.finditer(block):
        position = match.start()
        if spans:
            inside = bisect.bisect_right(span_starts, position) - 1
            if inside >= 0 and position < spans[inside][1]:
                continue
        if position and block[position - 1] == "\\" and _escaped(block, position):
            continue
        if match.group() == "[":
            if not len(positions) % 65536:
                deadline.check()
            if len(stack) >= MAX_NESTING:
                too_deep.append(len(positions))
            stack.append(len(positions))
            positions.append(position)
            closings.append(length)
        elif stack:
            closings[stack.pop()] = position
    if not positions:
        return

    def neutralise(index: int) -> None:
        out[positions[index]] = "["
        if closings[index] < length:
            out[closings[index]] = "]"

    for index in too_deep:
        neutralise(index)
    deep = set(too_deep)
    costs = [
        (index, closings[index] - positions[index])
        for index in range(len(positions))
        if index not in deep
    ]
    for index in _over_budget(costs, length):
        neutralise(index)
    destinations: list[tuple[int, int]] = []
    for index, position in enumerate(positions):
        opener = closings[index] + 1
        if opener >= length or block[opener] != "(" or position in out:
            continue
        simple = _SIMPLE_DESTINATION.match(block, opener)
        destinations.append((opener, simple.end() - opener if simple else length - opener))
    for position in _over_budget(destinations, length):
        out[position] = "("


# --- HTML openers, over the whole note ---------------------------------------------------

# Python-Markdown's copy of html.parser, patched (markdown/htmlparser.py): the expression
# its raw-HTML pass uses to find where a start tag ends.
# The ignore: types-Markdown types that copy as html.parser, not exported, and typeshed
# leaves out html.parser's private expressions such as this one.
_START_TAG_END: re.Pattern[str] = markdown.htmlparser.htmlparser.locatestarttagend_tolerant  # type: ignore[attr-defined]
_HTML_OPENER = re.compile(r"<(?:[A-Za-z]|/[A-Za-z]|!|\?)")
_COMMENT_CLOSE = re.compile(r"--!?>")
_SECTION_CLOSE = re.compile(r"\]\s*\]\s*>")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_TAG_NAME = re.compile(r"</?([A-Za-z][^\s/>]*)")
_INLINE_EXCLUDED = frozenset(BLOCK_LEVEL_ELEMENTS) | {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip


class _HtmlScan:
    """Follows Markdown's raw-HTML pass (html.parser) over the note, fenced code blanked,
    to find the openers it would scan from again and again.

    A start tag is read from its ``<`` to its ``>``; when no ``>`` ends it, the parser
    takes the ``<`` as text and reads the next ``<``, often to the same place: past
    MAX_UNCLOSED such openers in one unfinished stretch, the rest are neutralised. The
    same for ``</``, ``<!`` and ``<?`` with nothing to close them. A comment inside an
    open inline tag makes the parser search the rest of the paragraph for each open
    tag's end: past the budget, those tags are neutralised.
    """

    def __init__(self, view: str, out: dict[int, str], deadline: Deadline):
        self.view = view
        self.deadline = deadline
        self.out = out
        self.last_gt = view.rfind(">")
        self.no_close_after: dict[str, int] = {}  # closer pattern -> searched from here
        self.unclosed_stretch_end = -1
        self.unclosed_in_stretch = 0
        self.paragraph_start = self.paragraph_end = -1
        self.open_inline: list[str] = []  # the inline tags open, as Markdown tracks them
        self.paragraph_tags: list[int] = []  # where the paragraph's inline tags start
        self.comment_costs: list[tuple[int, int]] = []

    def run(self) -> None:
        view = self.view
        resume = 0
        for count, match in enumerate(_HTML_OPENER.finditer(view)):
            if not count % 16384:
                self.deadline.check()
            position = match.start()
            if position < resume:
                continue  # read as part of a tag before it
            if position >= self.paragraph_end:
                self._end_paragraph(position)
            kind = view[position + 1]
            if kind == "/":
                resume = self._end_tag(position)
            elif kind == "!":
                resume = self._declaration(position)
            elif kind == "?":
                resume = self._closed_by(position, "?>", _at_line_start(view, position))
            else:
                resume = self._start_tag(position)
        self._end_paragraph(len(view))

    def _unclosed(self, position: int, reaches: int) -> bool:
        """Count an opener whose scan reaches ``reaches`` unfinished; True if it is one
        too many and was neutralised."""
        if position >= self.unclosed_stretch_end:
            self.unclosed_in_stretch = 0
        self.unclosed_in_stretch += 1
        if self.unclosed_in_stretch > MAX_UNCLOSED:
            self.out[position] = "<"
            return True
        self.unclosed_stretch_end = max(self.unclosed_stretch_end, reaches)
        return False

    def _start_tag(self, position: int) -> int:
        view = self.view
        if self.unclosed_stretch_end > position and self.unclosed_in_stretch >= MAX_UNCLOSED:
            self._unclosed(position, position)
            return position + 1
        match = _START_TAG_END.match(view, position)
        assert match is not None  # _HTML_OPENER found "<" and a letter there
        end = match.end()
        after = view[end : end + 1]
        if after == ">" or view.startswith("/>", end):
            self._opened(position)
            return end + (1 if after == ">" else 2)
        if after == "" or after in "/=" or after.isascii() and after.isalpha():
            self._unclosed(position, len(view) if after == "" else end)
            return position + 1
        return max(end, position + 1)  # read as text up to where the tag stopped

    def _opened(self, position: int) -> None:
        match = _TAG_NAME.match(self.view, position)
        assert match is not None  # _HTML_OPENER found "<" and a letter there
        name = match.group(1).lower()
        if name not in _INLINE_EXCLUDED:
            self.open_inline.append(name)
            self.paragraph_tags.append(position)

    def _end_tag(self, position: int) -> int:
        if position > self.last_gt:
            self._unclosed(position, len(self.view))
            return position + 2
        match = _TAG_NAME.match(self.view, position)
        assert match is not None  # _HTML_OPENER found "</" and a letter there
        name = match.group(1).lower()
        for index in range(len(self.open_inline) - 1, -1, -1):
            if self.open_inline[index] == name:
                del self.open_inline[index:]
                break
        return self.view.find(">", position) + 1

    def _declaration(self, position: int) -> int:
        view = self.view
        if view.startswith("<!--", position):
            closed = self._search(_COMMENT_CLOSE, "comment", position + 4)
            if closed < 0:
                return position + 1
            if self.open_inline:
                stack = len(self.open_inline)
                self.comment_costs.append((position, stack * (self.paragraph_end - position)))
            return closed
        if not _at_line_start(view, position):
            return position + 2
        if view.startswith("<![CDATA[", position):
            closed = self._search(_SECTION_CLOSE, "section", position + 3)
        else:
            closed = self.view.find(">", position) + 1 or -1
        if closed < 0:
            self._unclosed(position, len(view))
            return position + 1
        return closed

    def _closed_by(self, position: int, closer: str, scanned: bool) -> int:
        if not scanned:
            return position + 2
        closed = self.view.find(closer, position + 2)
        if closed < 0:
            self._unclosed(position, len(self.view))
            return position + 1
        return closed + len(closer)

    def _search(self, pattern: re.Pattern[str], key: str, start: int) -> int:
        """The end of ``pattern`` after ``start``, -1 if none; a failed search is not
        repeated from a later place (Markdown remembers it for comments too)."""
        if start >= self.no_close_after.get(key, len(self.view) + 1):
            return -1
        match = pattern.search(self.view, start)
        if match is None:
            self.no_close_after[key] = start
            return -1
        return match.end()

    def _end_paragraph(self, position: int) -> None:
        if self.comment_costs:
            length = self.paragraph_end - self.paragraph_start
            if _over_budget(self.comment_costs, length):
                for opened in self.paragraph_tags:
                    self.out[opened] = "<"
        blank = _BLANK_LINE.search(self.view, position)
        self.paragraph_start = position
        self.paragraph_end = blank.end() if blank else len(self.view)
        self.open_inline = []
        self.paragraph_tags = []
        self.comment_costs = []


def _at_line_start(view: str, position: int) -> bool:
    line_start = view.rfind("\n", max(0, position - 4), position) + 1
    return position - line_start <= 3 and not view[line_start:position].strip()


# --- the whole note -------------------------------------------------------------------------


def bound_markdown(text: str, deadline: Deadline | None = None) -> BoundedSource:
    """``text`` with its over-deep nesting flattened and the openers that would make
    Markdown's work outgrow the text neutralised (see the module's docstring)."""
    deadline = deadline or Deadline()
    lines = text.split("\n")
    fenced, unclosed_fences = _fenced_lines(lines)
    if _DEEP_PREFIX.search(text):
        for number, line in enumerate(lines):
            if not fenced[number]:
                lines[number] = _flatten_line(line)
    blocks = _blocks(lines, fenced)
    separated = _separate_blocks(lines, blocks)
    if separated is not None:
        lines = separated
        fenced, unclosed_fences = _fenced_lines(lines)
        blocks = _blocks(lines, fenced)
    text = "\n".join(lines)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    out: dict[int, str] = {}
    for number in unclosed_fences[MAX_UNCLOSED:]:
        fence = _FENCE_OPEN.match(lines[number])
        assert fence is not None  # _fenced_lines found an opening fence on that line
        for position in range(starts[number], starts[number] + fence.end(1)):
            out[position] = text[position]
    for start, end in blocks:
        deadline.check()
        begin = starts[start]
        block = text[begin : starts[end] - 1]
        found: dict[int, str] = {}
        spans = _code_spans(block, found) if "`" in block else []
        if "[" in block:
            _brackets(block, spans, found, deadline)
        for offset, char in found.items():
            out[begin + offset] = char
    if "<" in text:
        _HtmlScan(_without_fenced_code(text, lines, fenced), out, deadline).run()
    if not out:
        return BoundedSource(text)
    placeholders = _placeholders(text)
    pieces: list[str] = []
    last = 0
    for position in sorted(out):
        pieces += [text[last:position], placeholders[out[position]]]
        last = position + 1
    pieces.append(text[last:])
    used = set(out.values())
    return BoundedSource("".join(pieces), {placeholders[char]: _NEUTRALISED[char] for char in used})


def _without_fenced_code(text: str, lines: list[str], fenced: list[bool]) -> str:
    """``text`` with its fenced code blanked, as Markdown's raw-HTML pass sees it (it
    runs once fenced code is set aside); the same length, so positions hold."""
    if not any(fenced):
        return text
    return "\n".join(" " * len(line) if fenced[n] else line for n, line in enumerate(lines))


# --- HTML nesting ------------------------------------------------------------------------------

_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr", "keygen", "frame", "basefont", "bgsound"}
)  # fmt: skip
# Elements whose start closes an open sibling of the same group (``<li><li>``).
_SIBLINGS = {
    **dict.fromkeys(["li"], "li"), **dict.fromkeys(["dt", "dd"], "d"),
    **dict.fromkeys(["td", "th"], "cell"), **dict.fromkeys(["tr"], "tr"),
    **dict.fromkeys(["p"], "p"), **dict.fromkeys(["option"], "option"),
    **dict.fromkeys(["thead", "tbody", "tfoot"], "section"),
}  # fmt: skip
_BLOCKS = frozenset(BLOCK_LEVEL_ELEMENTS)
# An end tag does not reach past these to close an element opened outside them.
_SCOPE = frozenset({"table", "td", "th", "caption", "template", "applet", "marquee", "object",
                    "html", "svg", "math"})  # fmt: skip


def bound_html_nesting(html: str) -> str:
    """``html`` with the start tags nested past MAX_HTML_DEPTH written as text: block
    elements (the sanitiser's parser looks through the open elements for each, so
    5,000 nested ``<div>`` took 0.1 s and 100,000 a minute), and any element once that
    parser would have walked its open elements more than the HTML's length plus
    HTML_WALK_SLACK times (an unmatched end tag walks them all).

    Counts as an HTML parser might nest, erring deep: every start tag opens an element
    (but void ones and a sibling closing its like, ``<li><li>``); an end tag closes the
    nearest open element of its name, unless a table or the like stands between.
    """
    if html.count("<") <= MAX_HTML_DEPTH:
        return html
    budget = len(html) + HTML_WALK_SLACK
    walked = 0
    stack: list[str] = []
    open_count: dict[str, int] = {}
    blocks = 0  # block elements open
    escaped: list[int] = []
    for match in _TAG.finditer(html):
        closing, name = match.group(1), match.group(2).lower()
        walked += len(stack)
        if closing:
            if open_count.get(name):
                for index in range(len(stack) - 1, -1, -1):
                    if stack[index] == name:
                        for closed in stack[index:]:
                            open_count[closed] -= 1
                            blocks -= closed in _BLOCKS
                        del stack[index:]
                        break
                    if stack[index] in _SCOPE:
                        break
            continue
        if name in _VOID:
            continue
        group = _SIBLINGS.get(name)
        if group and stack and _SIBLINGS.get(stack[-1]) == group:
            closed = stack.pop()
            open_count[closed] -= 1
            blocks -= closed in _BLOCKS
        block = name in _BLOCKS
        if (block and blocks >= MAX_HTML_DEPTH) or (
            len(stack) >= MAX_HTML_DEPTH and walked > budget
        ):
            escaped.append(match.start())
            continue
        stack.append(name)
        open_count[name] = open_count.get(name, 0) + 1
        blocks += block
    if not escaped:
        return html
    pieces, last = [], 0
    for position in escaped:
        pieces += [html[last:position], "&lt;"]
        last = position + 1
    pieces.append(html[last:])
    return "".join(pieces)
