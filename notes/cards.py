"""The review cards a rendered note holds, and which of a note's old cards each one is.

Pure: a note's stored, sanitised HTML in, cards out. A learner makes a card by writing

- a ``Q:`` line followed by an ``A:`` line (``问：``/``答：`` too), the answer running on
  to the end of its paragraph or the next question;
- a ``term :: definition`` line (outside code);
- ``==text==`` (rendered ``<mark>``): one cloze card per mark, its paragraph the card;
- a heading that asks a question: the heading is the front, its section the back.

Faces are safe HTML: text escaped again, tags rebuilt from the sanitised body's own
tags and attributes. The permanent-link pilcrow of headings goes, and ``[[links]]`` to
other notes become their text (the target may be a draft the reader cannot see).

Matching an edited note's cards to its old ones (``match_cards``) keeps a card's row,
and so a reader's progress, when its key is unchanged or its question barely changed.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

MAX_CARDS = 500  # per note
MAX_FACE = 20_000  # characters of HTML on one side of a card
MAX_DEPTH = 200  # elements nested deeper than this are read as their text
# Near matches are sought only among at most so many unmatched cards on either side,
# and so many pairs of them: each comparison takes up to a tenth of a millisecond.
FUZZY_LIMIT = 200
FUZZY_PAIRS = 2_500
FUZZY_RATIO = 0.8
FUZZY_CHARS = 300  # of a question compared for a near match

QUESTION, TERM, CLOZE, HEADING = "question", "term", "cloze", "heading"

_VOID = frozenset({"br", "hr", "img", "wbr", "input", "col", "area", "source", "track"})
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = frozenset(
    {"p", "ul", "ol", "li", "div", "pre", "blockquote", "table", "dl", "hr", "details", "figure"}
    | set(_HEADINGS)
)
_SKIPPED = frozenset({"pre", "code", "script", "style"})  # never scanned for cards
_FLATTENED_LINKS = frozenset({"note-link", "missing-link"})

# notes.markdown's ranges (a layer above this module's, so repeated here).
_CJK = "\u2e80-\u2fff\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCTUATION = "\u3000-\u303f\uff00-\uffef\u2018-\u201d\u2026"
_QUESTION_MARK = re.compile(r"\s*(?:[Qq]|问)\s*[:：]\s*")
_ANSWER_MARK = re.compile(r"\s*(?:[Aa]|答)\s*[:：]\s*")
# Markdown joins lines between Chinese characters ("…？\n答：…" becomes "…？答：…"):
# a Chinese marker right after Chinese text starts a line again.
_JOINED_MARK = re.compile(f"(?<=[{_CJK}{_CJK_PUNCTUATION}])(?=[问答]\\s*[:：])")
_BOLD_JOINED_MARK = re.compile(r"[问答]\s*[:：]?")
_ENDS_IN_CJK = re.compile(f"[{_CJK}{_CJK_PUNCTUATION}]$")
_EMPHASIS = frozenset({"strong", "b", "em"})
_TERM_SEPARATOR = re.compile(r"(?<!:)::(?!:)")

_LEADING_NUMBER = re.compile(r"^\s*(?:[vV]?\d+(?:\.\d+)*[.、)）]?|[(（]\d+[)）])\s*")
_TRAILING = ":：;；"
_QUESTION_START = re.compile(r"^(?:为什么|为何|什么是|如何|怎么|怎样)")
_ENGLISH_QUESTION = re.compile(
    r"^(?:how|why|what|when|which|is|are|does|can|should)\b", re.IGNORECASE
)
_QUESTION_END = ("?", "？", "是什么", "吗", "呢")
_TAG = re.compile(r"<[^<>]*>")


@dataclass(frozen=True)
class FoundCard:
    """One card as the note's text holds it now."""

    kind: str  # "question", "term", "cloze" or "heading"
    key: str
    front_html: str
    back_html: str
    anchor: str  # the id of the heading it is under ("" before any)
    position: int
    question_text: str = ""  # the front as plain text, what near matches compare


def face_text(face_html: str) -> str:
    """A face's readable text, whitespace collapsed: what a card's question says."""
    return " ".join(html.unescape(_TAG.sub(" ", face_html)).split())


def card_key(kind: str, question_text: str) -> str:
    """What identifies a card in its note across edits that leave its question alone."""
    normal = " ".join(question_text.split()).casefold()
    return f"{kind}:{hashlib.sha1(normal.encode(), usedforsecurity=False).hexdigest()}"


def asks_a_question(heading_text: str) -> bool:
    """Whether a heading asks ("为何Python适合初创公司?", "What is a descriptor?")."""
    text = _LEADING_NUMBER.sub("", heading_text.strip(), count=1)
    text = text.rstrip().rstrip(_TRAILING).rstrip()
    if not text:
        return False
    return (
        text.endswith(_QUESTION_END)
        or _QUESTION_START.match(text) is not None
        or _ENGLISH_QUESTION.match(text) is not None
    )


# The rendered HTML as a small tree.


@dataclass(eq=False)
class _Node:
    tag: str
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    children: list[_Node | str] = field(default_factory=list)

    def css_classes(self) -> set[str]:
        return {
            name for key, value in self.attrs if key == "class" and value for name in value.split()
        }


_Item = _Node | str


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, attrs)
        if len(self.stack) > MAX_DEPTH:
            return  # too deep to be our renderer's: its text is kept, its tag is not
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(self.stack) <= MAX_DEPTH:
            self.stack[-1].children.append(_Node(tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        children = self.stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


def _parse(body_html: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(body_html)
    builder.close()
    return builder.root


# Writing faces.


class _Cloze:
    """Which mark a cloze face is about, and which face it is."""

    def __init__(self, mark: _Node, front: bool) -> None:
        self.mark = mark
        self.front = front


def _start_tag(node: _Node) -> str:
    attrs = "".join(
        f" {name}" if value is None else f' {name}="{html.escape(value)}"'
        for name, value in node.attrs
        # A heading's id would repeat the note's own on a page that shows both.
        if not (name == "id" and node.tag in _HEADINGS)
    )
    return f"<{node.tag}{attrs}>"


def _write(items: Sequence[_Item], out: list[str], cloze: _Cloze | None = None) -> None:
    for item in items:
        if isinstance(item, str):
            out.append(html.escape(item, quote=False))
            continue
        classes = item.css_classes()
        if item.tag == "a" and "headerlink" in classes:
            continue
        if (item.tag == "a" and classes & _FLATTENED_LINKS) or (
            item.tag == "mark" and cloze is not None and item is not cloze.mark
        ):
            _write(item.children, out, cloze)
            continue
        if cloze is not None and item is cloze.mark:
            if cloze.front:
                out.append('<span class="cloze">[…]</span>')
            else:
                out.append('<mark class="cloze">')
                _write(item.children, out, cloze)
                out.append("</mark>")
            continue
        out.append(_start_tag(item))
        if item.tag not in _VOID:
            _write(item.children, out, cloze)
            out.append(f"</{item.tag}>")


def _html(items: Sequence[_Item], cloze: _Cloze | None = None) -> str:
    out: list[str] = []
    _write(items, out, cloze)
    return "".join(out)


def _text(items: Sequence[_Item]) -> str:
    parts: list[str] = []
    pending = list(reversed(items))
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            parts.append(item)
        elif not (item.tag == "a" and "headerlink" in item.css_classes()):
            pending.extend(reversed(item.children))
    return " ".join("".join(parts).split())


def _fit(pieces: Iterable[str], separator: str = "\n") -> str:
    """Pieces of HTML joined up to MAX_FACE characters, cut between pieces (those past
    the cut are never made); a first piece longer than that alone is given as its text,
    cut."""
    kept: list[str] = []
    size = 0
    for piece in pieces:
        size += len(piece) + len(separator)
        if size > MAX_FACE:
            if kept:
                break
            text = face_text(piece)[: MAX_FACE // 2]
            return f"<p>{html.escape(text, quote=False)}…</p>"
        kept.append(piece)
    return separator.join(kept)


# Finding the cards.


def _inline_items(block: _Node) -> list[_Item]:
    """A paragraph's content, or a list item's up to its first block (a nested list)."""
    if block.tag == "p":
        return block.children
    items: list[_Item] = []
    for child in block.children:
        if isinstance(child, _Node) and child.tag in _BLOCKS:
            break
        items.append(child)
    return items


def _lines(items: Sequence[_Item]) -> list[list[_Item]]:
    """The block's content cut into its source lines (newlines and ``<br>``)."""
    lines: list[list[_Item]] = [[]]
    for item in items:
        if isinstance(item, _Node):
            if item.tag == "br" or (
                item.tag in _EMPHASIS
                and _BOLD_JOINED_MARK.fullmatch(_text([item]))
                and lines[-1]
                and isinstance(lines[-1][-1], str)
                and _ENDS_IN_CJK.search(lines[-1][-1])
            ):
                lines.append([])
            if item.tag != "br":
                lines[-1].append(item)
            continue
        for number, piece in enumerate(item.split("\n")):
            for part_number, part in enumerate(_JOINED_MARK.split(piece)):
                if number or part_number:
                    lines.append([])
                if part:
                    lines[-1].append(part)
    return [line for line in lines if _text(line)]


def _after_mark(line: list[_Item], mark: re.Pattern[str]) -> list[_Item] | None:
    """The line without its leading ``Q:``-like mark, or None when it has none. The
    mark may be in bold (``**Q:**``, ``**Q**:``)."""
    while line and isinstance(line[0], str) and not line[0].strip():
        line = line[1:]
    if not line:
        return None
    first = line[0]
    if isinstance(first, str):
        label, text, rest = "", first, line[1:]
    elif first.tag in _EMPHASIS:
        label = _text([first])
        following = line[1] if len(line) > 1 and isinstance(line[1], str) else ""
        text, rest = label + following, line[2 if following else 1 :]
    else:
        return None
    found = mark.match(text)
    if found is None or found.end() < len(label):
        return None
    tail = text[found.end() :]
    return ([tail] if tail else []) + rest


def _split_term(line: list[_Item]) -> tuple[list[_Item], list[_Item]] | None:
    """``term :: definition`` as its two sides, the separator outside any element (so
    never in code) and spaced on at least one side (so ``std::vector`` is no term)."""
    for index, item in enumerate(line):
        if not isinstance(item, str):
            continue
        for found in _TERM_SEPARATOR.finditer(item):
            before, after = item[: found.start()], item[found.end() :]
            if before[-1:].isspace() or after[:1].isspace():
                before, after = before.rstrip(), after.lstrip()
                front = [*line[:index], before] if before else line[:index]
                back = [after, *line[index + 1 :]] if after else line[index + 1 :]
                if _text(front) and _text(back):
                    return front, back
                return None
    return None


def _marks(items: Sequence[_Item]) -> Iterator[_Node]:
    for item in items:
        if isinstance(item, _Node) and item.tag not in _SKIPPED:
            if item.tag == "mark":
                yield item
            else:
                yield from _marks(item.children)


class _Finder:
    def __init__(self) -> None:
        self.cards: list[tuple[str, str, str, str]] = []  # kind, front, back, anchor
        self.anchor = ""

    @property
    def full(self) -> bool:
        return len(self.cards) >= MAX_CARDS

    def add(self, kind: str, front: str, back: str) -> None:
        if not self.full and len(front) <= MAX_FACE and len(back) <= MAX_FACE:
            self.cards.append((kind, front, back, self.anchor))

    def block(self, block: _Node) -> None:
        items = _inline_items(block)
        lines = _lines(items)
        index = 0
        while index < len(lines) and not self.full:
            question = _after_mark(lines[index], _QUESTION_MARK)
            answer = (
                _after_mark(lines[index + 1], _ANSWER_MARK)
                if question is not None and index + 1 < len(lines)
                else None
            )
            if question is not None and answer is not None:
                answer_lines = [answer]
                index += 2
                while index < len(lines) and _after_mark(lines[index], _QUESTION_MARK) is None:
                    answer_lines.append(lines[index])
                    index += 1
                if _text(question) and any(_text(line) for line in answer_lines):
                    back = _fit([_html(line) for line in answer_lines], "<br>\n")
                    self.add(QUESTION, f"<p>{_fit([_html(question)])}</p>", f"<p>{back}</p>")
                continue
            term = _split_term(lines[index])
            if term is not None:
                self.add(TERM, f"<p>{_html(term[0])}</p>", f"<p>{_html(term[1])}</p>")
            index += 1
        if self.full or len(_html(items)) > MAX_FACE:
            return  # each mark's faces would be the whole block, too long to be a card
        for mark in _marks(items):
            front = _html(items, _Cloze(mark, front=True))
            back = _html(items, _Cloze(mark, front=False))
            self.add(CLOZE, f"<p>{front}</p>", f"<p>{back}</p>")

    def walk(self, node: _Node) -> None:
        for child in node.children:
            if self.full:
                return
            if not isinstance(child, _Node) or child.tag in _SKIPPED:
                continue
            if child.tag in _HEADINGS:
                self.anchor = dict(child.attrs).get("id") or self.anchor
            elif child.tag in {"p", "li"}:
                self.block(child)
                if child.tag == "li":
                    self.walk(child)
            else:
                self.walk(child)

    def heading(self, heading: _Node, section: Sequence[_Item]) -> None:
        self.anchor = dict(heading.attrs).get("id") or ""
        if asks_a_question(_text(heading.children)):
            back = _fit(_html([item]) for item in section if _text([item]))
            self.add(HEADING, _html(heading.children), back)


def _sections(blocks: Sequence[_Item]) -> dict[int, int]:
    """For each top-level heading's index, where its section ends: at the next heading
    of the same or a higher level, or at the end."""
    ends: dict[int, int] = {}
    open_headings: list[tuple[int, int]] = []  # (level, index)
    for index, block in enumerate(blocks):
        if isinstance(block, _Node) and block.tag in _HEADINGS:
            level = _HEADINGS[block.tag]
            while open_headings and open_headings[-1][0] >= level:
                ends[open_headings.pop()[1]] = index
            open_headings.append((level, index))
    for _level, index in open_headings:
        ends[index] = len(blocks)
    return ends


def find_cards(body_html: str) -> list[FoundCard]:
    """The cards of a note's rendered HTML, in the note's order, keys unique."""
    root = _parse(body_html)
    blocks = root.children
    ends = _sections(blocks)
    finder = _Finder()
    for index, block in enumerate(blocks):
        if finder.full:
            break
        if not isinstance(block, _Node) or block.tag in _SKIPPED:
            continue
        if index in ends:
            finder.heading(block, blocks[index + 1 : ends[index]])
        else:
            finder.walk(_Node("", children=[block]))
    found: list[FoundCard] = []
    seen: dict[str, int] = {}
    for position, (kind, front, back, anchor) in enumerate(finder.cards):
        question = face_text(front)
        key = card_key(kind, question)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}:{seen[key]}"
        found.append(FoundCard(kind, key, front, back, anchor, position, question))
    return found


def match_cards(
    old: Sequence[tuple[int, str, str, str]], new: Sequence[FoundCard]
) -> dict[int, int]:
    """Which old card (id, kind, key, question text) each new card is, by index in
    ``new``: the same key first, then the same kind with a near-identical question, the
    closest pairs first, each old card taken once."""
    by_key = {key: card_id for card_id, _kind, key, _text in old}
    matched: dict[int, int] = {}
    for index, card in enumerate(new):
        if card.key in by_key:
            matched[index] = by_key[card.key]
    used = set(matched.values())
    old_left = [row for row in old if row[0] not in used]
    new_left = [index for index in range(len(new)) if index not in matched]
    if (
        not old_left
        or not new_left
        or max(len(old_left), len(new_left)) > FUZZY_LIMIT
        or len(old_left) * len(new_left) > FUZZY_PAIRS
    ):
        return matched
    pairs: list[tuple[float, int, int, int]] = []
    for index in new_left:
        card = new[index]
        wanted = card.question_text[:FUZZY_CHARS]
        for order, (card_id, kind, _key, text) in enumerate(old_left):
            if kind != card.kind:
                continue
            matcher = difflib.SequenceMatcher(None, wanted, text[:FUZZY_CHARS], autojunk=False)
            if (
                matcher.real_quick_ratio() >= FUZZY_RATIO
                and matcher.quick_ratio() >= FUZZY_RATIO
                and (ratio := matcher.ratio()) >= FUZZY_RATIO
            ):
                pairs.append((-ratio, index, order, card_id))
    for _ratio, index, _order, card_id in sorted(pairs):
        if index not in matched and card_id not in used:
            matched[index] = card_id
            used.add(card_id)
    return matched
