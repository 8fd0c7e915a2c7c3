"""Which lines of a plain-text note head its sections, and how deep each one sits.

A pure module. ``notes.plain_text`` cuts a note into paragraphs at its blank lines,
with code and program output set apart, and asks ``find_sections`` which lines are
section lines. Learners outline by layout, not by markup, so the answer is read from
the whole note rather than one line at a time:

- **What a line shows of itself** (``shape_of``): its indentation; its marker (``>``,
  ``【】``, a version ``v0.1.1``, ``一、``, ``（一）``, ``1.`` or ``1.2``, ``1)`` or
  ``(1)``, a bullet, or none); whether it is short; and whether it *says* something
  (sentence punctuation, or words after a colon) rather than *names* something.
- **What it heads** (``heads_of``): lines indented under it, lines at its own
  indentation, or, when it stands alone between blank lines, the next paragraph. A
  line standing alone over code, program output, a quotation or a list introduces it
  and heads nothing.
- **Which lines are sections** (``find_sections``): a marked line (``>``, ``【】``, a
  version) always is; a numbered line is unless it is one of a list or says
  something; a bare line is when it opens its paragraph and heads something, or sits
  inside a paragraph over an indented block. A bare line that opens its paragraph
  over plain text at its own indentation is a subject only when the note has another
  such subject: an outline has several. The same words make the same kind of line
  everywhere in a note (every ``小结`` is a section, or none is).
- **How deep** (``rank_styles``, ``levels_of``): a line opening its paragraph sits
  above the lines inside a paragraph, marks keep their usual order (``>`` and
  ``【】``, versions, ``一、``, ``（一）``, ``1.``, ``(1)``, then bare lines), and a
  section line with nothing but another section line under it heads that one, whatever
  the usual order says. Each section sits under the last one above it that ranks
  higher.

Every step is one pass over the lines, so rendering stays linear in the note's length.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

TEXT = "text"
CODE = "code"
OUTPUT = "output"

# Wider than this (in columns: a Chinese character takes two, as on screen), a line is
# a sentence, not a title; a marked line is split instead. Thirty Chinese characters,
# sixty Latin letters: the same room in the Contents.
HEADING_MAX_WIDTH = 60
# A marked line with no clause to split at is a heading whole up to this length.
MARKED_MAX_LENGTH = 100
TOP_LEVEL = 2  # h1 is the note's title
DEEPEST_LEVEL = 6

# The kinds of marker a line can start with.
CHEVRON = "chevron"  # `>v0.1.1 多进程`
BRACKET = "bracket"  # `【基础】`
VERSION = "version"  # `v0.1.1 多进程`
CHINESE = "chinese"  # `一、`
CHINESE_PAREN = "chinese_paren"  # `（一）`
NUMBER = "number"  # `1.`, `1、`, `1.2`
NUMBER_PAREN = "number_paren"  # `1)`, `(1)`
BULLET = "bullet"  # `- `, `•`
BARE = ""

STRONG = frozenset({CHEVRON, BRACKET, VERSION})
NUMBERED = frozenset({CHINESE, CHINESE_PAREN, NUMBER, NUMBER_PAREN})
# Outer first: the usual order of outline marks, when the note itself does not say.
MARKER_ORDER = {
    CHEVRON: 0,
    BRACKET: 1,
    VERSION: 2,
    CHINESE: 3,
    CHINESE_PAREN: 4,
    NUMBER: 5,
    NUMBER_PAREN: 6,
    BARE: 7,
}
OPENING, INNER = 0, 1  # where a line stands in its paragraph

_VERSION = re.compile(r"[vV](\d{1,3}(?:\.\d{1,3}){1,3})(?![\d.])")
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (CHEVRON, re.compile(r">\s*(?=\S)")),
    # Zero-width: the bracket and the version are part of the title.
    (BRACKET, re.compile(r"(?=【[^】]{1,20}】)")),
    (VERSION, re.compile(r"(?=[vV]\d{1,3}(?:\.\d{1,3}){1,3}(?![\d.]))")),
    (CHINESE, re.compile(r"[一二三四五六七八九十]{1,3}[、.．]\s*(?=\S)")),
    (CHINESE_PAREN, re.compile(r"[(（][一二三四五六七八九十]{1,3}[)）]\s*(?=\S)")),
    (
        NUMBER,
        re.compile(r"\d{1,2}(?:\.\d{1,2})+\s+(?=\S)|\d{1,2}(?:\.\d{1,2})*[.、．](?!\d)\s*(?=\S)"),
    ),
    (NUMBER_PAREN, re.compile(r"(?:[(（]\d{1,2}[)）]|\d{1,2}[)）])\s*(?=\S)")),
    (BULLET, re.compile(r"(?:[-*+]\s+|[•·●○■□◆◇▪]\s*)(?=\S)")),
)
# Punctuation that ends or joins clauses: a line holding it is a sentence. Trailing
# `;`, `:` and `?` are how section lines end as often as not, and do not count; an
# ASCII comma joins clauses in Chinese as often as `，` does (`养成用思维导图,尤其是…`),
# but not in a number (`1,000`).
_SENTENCE = re.compile(r"[。！？；，、]|[.!?](?:\s|$)|[;,](?!\d)")
# Words after a colon (`并发:通过线程…`, `需支付:10.00`) or an assignment
# (`t=推迟执行的秒数`): the line states something.
_STATEMENT = re.compile(r"[:：]\s*\S|(?<![=!<>])=(?!=)")
_TRAILING = " \t;；:：?？"
# Where a long marked line's first clause ends: the heading before, the lead after.
_CLAUSE_END = re.compile(r"[：，；。]|[:,;.](?=\s)")
_URL = re.compile(r"https?://")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a note as laid out: its lines (without line ends), and whether it
    is text, code or a program's output. Code and output are never sections; they tell
    that the line above them introduces them."""

    lines: tuple[str, ...] = ()
    kind: str = TEXT


@dataclass(frozen=True)
class Section:
    """A section line: its heading level, its heading, and what a line too long for a
    heading says after its first clause (shown as the section's first paragraph)."""

    level: int
    title: str
    lead: str = ""


@dataclass(frozen=True)
class Shape:
    """What one line shows of itself, before its neighbours are looked at."""

    text: str  # without indentation and trailing spaces
    indent: int  # columns, a tab counting four
    kind: str  # its marker, one of the kinds above
    depth: int  # parts of its dotted number (`v0.1.1`: 3), 0 without one
    title: str  # the text a heading shows: a `>` marker is not part of it
    short: bool  # short enough to be a title
    says: bool  # a sentence or a statement: it says something rather than names it
    prose: bool  # a line of prose: too long for a title, or a sentence
    never: bool  # blank, a `#` comment or Markdown habit, or a line with a URL

    @property
    def words(self) -> str:
        """The title as compared with other lines: `小结：` and `小结` are the same."""
        return self.title.rstrip(_TRAILING).casefold()


def fits_a_heading(text: str) -> bool:
    """Is ``text`` no wider than a heading may be? Counted only for the lines where the
    answer is not plain from their length, so that a huge line costs nothing."""
    if len(text) > HEADING_MAX_WIDTH:
        return False
    if len(text) <= HEADING_MAX_WIDTH // 2:
        return True
    wide = sum(1 for char in text if unicodedata.east_asian_width(char) in "WF")
    return len(text) + wide <= HEADING_MAX_WIDTH


def shape_of(line: str) -> Shape:
    """Read one line's indentation, marker, length and punctuation.

    Why the marker matters: a mark the author typed on purpose (``>v0.1.1``, ``【】``)
    makes a section of any line, numbers make one of a short line that is not one of a
    list, and a bare line must earn it from its neighbours.
    """
    expanded = line.expandtabs(4)
    text = line.strip()
    kind, body, depth = BARE, text, 0
    for name, pattern in _MARKERS:
        match = pattern.match(text)
        if match:
            kind, body = name, text[match.end() :]
            break
    if kind in (CHEVRON, VERSION):
        version = _VERSION.match(body)
        depth = version.group(1).count(".") + 1 if version else 0
    elif kind == NUMBER:
        depth = text[: len(text) - len(body)].strip().rstrip(".、．").count(".") + 1
    words = body.rstrip(_TRAILING)
    short = fits_a_heading(text)
    sentence = bool(_SENTENCE.search(words))
    return Shape(
        text=text,
        indent=len(expanded) - len(expanded.lstrip()),
        kind=kind,
        depth=depth,
        title=body if kind == CHEVRON else text,
        short=short,
        says=sentence or bool(_STATEMENT.search(words)),
        # A `#` line is a comment, not prose a title could head.
        prose=bool(text) and not text.startswith("#") and (not short or sentence),
        never=not text or text.startswith("#") or bool(_URL.search(text)),
    )


def heading_and_lead(title: str) -> tuple[str, str] | None:
    """A marked line as heading and lead: whole when short; when long, its first clause
    (up to the first ``：``, ``，``...) and the rest, so that the Contents holds a title
    and nothing the author wrote is lost. None when no heading can be made of it."""
    if fits_a_heading(title):
        return title, ""
    match = _CLAUSE_END.search(title, 0, HEADING_MAX_WIDTH + 1)
    head = title[: match.start()].strip() if match else ""
    if match and head and fits_a_heading(head):
        return head, title[match.end() :].strip()
    return (title, "") if len(title) <= MARKED_MAX_LENGTH else None


# What a line heads.
BLOCK = "block"  # lines indented deeper than it
SAME = "same"  # lines at its own indentation
ALONE = "alone"  # it stands alone, over the next paragraph of text
LEAD_IN = "lead-in"  # it stands alone over code, output, a quotation or a list
NOTHING = "nothing"


def is_list(shapes: Sequence[Shape]) -> bool:
    """Every line numbered or bulleted: a list, which a line above introduces."""
    return all(shape.kind in NUMBERED or shape.kind == BULLET for shape in shapes)


def is_quotation(shapes: Sequence[Shape]) -> bool:
    """Every line starts with ``>``: a quoted reply, not a run of marked sections."""
    return len(shapes) > 1 and all(shape.kind == CHEVRON for shape in shapes)


def heads_of(
    paragraphs: Sequence[Paragraph], shapes: Sequence[Sequence[Shape]], p: int, i: int
) -> tuple[str, Shape | None]:
    """What line ``i`` of paragraph ``p`` heads, and the first line under it.

    A line heads nothing when the line after it is indented less (it is the end of
    a block), or when it ends a paragraph of several lines (a last line, not a title).
    """
    lines = shapes[p]
    line = lines[i]
    if i + 1 < len(lines):
        after = lines[i + 1]
        if after.indent > line.indent:
            return BLOCK, after
        return (SAME, after) if after.indent == line.indent else (NOTHING, None)
    if i > 0 or p + 1 >= len(paragraphs):
        return NOTHING, None
    following = shapes[p + 1]
    if paragraphs[p + 1].kind != TEXT or is_list(following) or is_quotation(following):
        return LEAD_IN, None
    if following[0].indent < line.indent:
        return NOTHING, None
    return ALONE, following[0]


# A line's decision before the whole note is looked at.
YES, NO = "yes", "no"
IF_SIBLINGS = "if-siblings"  # a bare subject over plain text: one of several, or none


def marked_section(shape: Shape, place: int, heads: str, after: Shape | None) -> bool:
    """A line the author marked: ``>`` opening a paragraph (not a quotation, whose next
    line starts with ``>`` too), ``【】`` or a version anywhere. Long ones are split."""
    quoted = heads in (BLOCK, SAME) and after is not None and after.kind == CHEVRON
    if shape.kind == CHEVRON and (place == INNER or quoted):
        return False
    return heading_and_lead(shape.title) is not None


def numbered_section(shape: Shape, heads: str, after: Shape | None) -> bool:
    """A short numbered line over what it numbers; not one of a list of such lines."""
    if after is not None and after.kind == shape.kind:
        return False
    return heads in (BLOCK, SAME, ALONE)


def bare_decision(shape: Shape, place: int, heads: str, after: Shape | None, below: str) -> str:
    """A short bare line: a subject when it opens its paragraph and heads something, a
    point when it sits inside a paragraph over an indented block (``组合:``).

    ``below`` is the decision already made for the line under it. A bare line standing
    alone over another bare subject heads nothing of its own (a title over a list of
    subjects, like "Python大纲图"); over a prose paragraph it is a subject (``进程``);
    over plain text at its own indentation, one subject among several, and no more
    than half as long as the line under it (prose wrapped at a fixed width has lines
    of about one length).
    """
    if heads == BLOCK:
        return YES
    if place == INNER or after is None:
        return NO
    if below == YES and (heads == SAME or after.kind != BARE):
        return YES
    if heads == ALONE:
        return YES if after.prose else NO
    clearly_shorter = 2 * len(shape.text) <= len(after.text)
    return IF_SIBLINGS if heads == SAME and after.prose and clearly_shorter else NO


@dataclass
class _Found:
    p: int
    i: int
    shape: Shape
    place: int
    heads: str
    style: tuple[str, int]


def style_of(shape: Shape, place: int) -> tuple[str, int]:
    """Lines of one style are siblings: a marker with its depth, or, for bare lines,
    where they stand (a subject opening a paragraph, a point inside one)."""
    return (shape.kind, place) if shape.kind == BARE else (shape.kind, shape.depth)


def find_sections(
    paragraphs: Sequence[Paragraph], tick: Callable[[], object] | None = None
) -> dict[tuple[int, int], Section]:
    """The section lines of a note, keyed by (paragraph, line), with level and title.

    ``tick`` is called once per paragraph of each pass (the renderer's deadline).
    """
    shapes: list[list[Shape]] = []
    for paragraph in paragraphs:
        if tick:
            tick()
        shapes.append([shape_of(line) for line in paragraph.lines])
    decided: dict[tuple[int, int], tuple[str, str]] = {}  # (decision, what it heads)
    # Backwards, so that each line knows the decision for the line under it.
    for p in range(len(paragraphs) - 1, -1, -1):
        if tick:
            tick()
        for i in range(len(shapes[p]) - 1, -1, -1):
            decided[(p, i)] = _decide(paragraphs, shapes, p, i, decided)
    in_order = dict(reversed(decided.items()))
    subjects = [key for key, (decision, _) in in_order.items() if decision == IF_SIBLINGS]
    bare_subjects = sum(
        1
        for (p, i), (decision, _) in in_order.items()
        if decision in (YES, IF_SIBLINGS) and i == 0 and shapes[p][i].kind == BARE
    )
    for key in subjects:
        in_order[key] = (YES if bare_subjects >= 2 else NO, in_order[key][1])
    return _with_levels(_same_words_alike(shapes, in_order))


def _decide(
    paragraphs: Sequence[Paragraph],
    shapes: Sequence[Sequence[Shape]],
    p: int,
    i: int,
    decided: dict[tuple[int, int], tuple[str, str]],
) -> tuple[str, str]:
    """One line's decision from its own shape and its neighbours, and what it heads."""
    shape = shapes[p][i]
    place = OPENING if i == 0 else INNER
    heads, after = heads_of(paragraphs, shapes, p, i)
    if shape.never or shape.kind == BULLET:
        return NO, heads
    if shape.kind in STRONG:
        return (YES if marked_section(shape, place, heads, after) else NO), heads
    # Inside a paragraph, a line indented deeper than its first line is in a block.
    nested = place == INNER and shape.indent > shapes[p][0].indent
    if not shape.short or shape.says or nested:
        return NO, heads
    if shape.kind in NUMBERED:
        return (YES if numbered_section(shape, heads, after) else NO), heads
    below = decided.get(_under(p, i, heads), (NO, NOTHING))[0]
    return bare_decision(shape, place, heads, after, below), heads


def _under(p: int, i: int, heads: str) -> tuple[int, int]:
    """Where the line a section line heads is: the next line, or the next paragraph's
    first when it stands alone (for BLOCK the next line too; it is never a subject)."""
    return (p + 1, 0) if heads == ALONE else (p, i + 1)


def _same_words_alike(
    shapes: Sequence[Sequence[Shape]],
    decided: dict[tuple[int, int], tuple[str, str]],
) -> list[_Found]:
    """The sections in order of the text (``decided`` is), with every line that repeats
    a section's words and could head something (short, not saying anything, over some
    text) made a section of the same style: the three ``小结`` of a note are alike."""
    styles: dict[str, tuple[str, int]] = {}
    for (p, i), (decision, _) in decided.items():
        shape = shapes[p][i]
        if decision == YES:
            styles.setdefault(shape.words, style_of(shape, OPENING if i == 0 else INNER))
    found = []
    for (p, i), (decision, heads) in decided.items():
        shape = shapes[p][i]
        place = OPENING if i == 0 else INNER
        style = styles.get(shape.words)
        alike = (
            style is not None
            and shape.kind in (BARE, style[0])
            and shape.short
            and not (shape.says or shape.never)
            and heads in (BLOCK, SAME, ALONE)
        )
        if decision == YES or alike:
            own = style_of(shape, place)
            found.append(_Found(p, i, shape, place, heads, style if alike and style else own))
    return found


def rank_styles(
    found: Sequence[_Found], heads_directly: Sequence[tuple[tuple[str, int], tuple[str, int]]]
) -> dict[tuple[str, int], int]:
    """The rank of each style in this note, outermost 0.

    By default a style opening paragraphs ranks above one found inside them (numbers
    go by where the note first uses them: a ``1.`` inside a subject's paragraph is a
    point of it, a ``1.`` after a blank line a chapter), then by the usual order of
    marks, then by depth (``v0.1`` over ``v0.1.1``). Then the note's own word: where a
    section line has nothing under it but a section line of another style, it heads
    that style (``heads_directly`` pairs, in the order of the text).
    """
    first_place: dict[tuple[str, int], int] = {}
    for item in found:
        first_place.setdefault(item.style, item.place)

    def usual(style: tuple[str, int]) -> tuple[int, int, int]:
        kind, depth = style
        place = OPENING if kind in STRONG else first_place[style]
        return (depth if kind == BARE else place, MARKER_ORDER[kind], depth)

    order = sorted(first_place, key=usual)
    applied: set[tuple[tuple[str, int], tuple[str, int]]] = set()
    for upper, lower in heads_directly:
        if (lower, upper) in applied or upper == lower:
            continue
        applied.add((upper, lower))
        if order.index(upper) > order.index(lower):
            order.remove(upper)
            order.insert(order.index(lower), upper)
    return {style: rank for rank, style in enumerate(order)}


def levels_of(ranks: Sequence[int]) -> list[int]:
    """Heading levels for sections of these ranks, in the order of the text: each sits
    one level under the last section above it that ranks higher (a smaller rank), so
    that no level is skipped and a point never sits beside its subject."""
    open_sections: list[tuple[int, int]] = []  # (rank, level), outermost first
    levels = []
    for rank in ranks:
        while open_sections and open_sections[-1][0] >= rank:
            open_sections.pop()
        level = min(open_sections[-1][1] + 1, DEEPEST_LEVEL) if open_sections else TOP_LEVEL
        open_sections.append((rank, level))
        levels.append(level)
    return levels


def _with_levels(found: list[_Found]) -> dict[tuple[int, int], Section]:
    """Each section's level and heading, the ranks read from the sections found."""
    at = {(item.p, item.i): item for item in found}
    heads_directly = []
    for item in found:
        under = at.get(_under(item.p, item.i, item.heads)) if item.heads in (SAME, ALONE) else None
        if under is not None:
            heads_directly.append((item.style, under.style))
    ranks = rank_styles(found, heads_directly)
    levels = levels_of([ranks[item.style] for item in found])
    sections = {}
    for item, level in zip(found, levels, strict=True):
        title, lead = heading_and_lead(item.shape.title) or (item.shape.title, "")
        sections[(item.p, item.i)] = Section(level, title, lead)
    return sections
