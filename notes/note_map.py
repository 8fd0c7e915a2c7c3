"""A note read as a mind map: its outline taken from its rendered HTML.

Pure, like the rest of the rendering: stored, sanitised HTML in, a tree of MapNodes
out, drawn by the same layout and template as the topic map. The title is the root,
headings are branches nested by level, and under each heading come the first sentence
of each of its paragraphs (lines parted by a line break count as paragraphs) and its
list items, nested lists nested. A list hangs under the paragraph that introduces it
("ML常用的Python第三方Package：") when it follows that paragraph directly. A code block
is one leaf, "code: <first line>". A first heading that repeats the title is the root
itself. Every node links to its place in the reading view; a topic linked in a node's
text is linked on the map too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .mindmap import MapNode

MAX_NODES = 300  # drawn at most; the rest of a branch folds behind a "+k more" node
SENTENCE_CHARS = 80
_SENTENCE = re.compile(r"^(.+?[。！？!?；;]|.+?\.(?=\s|$))")
_CODE_BLOCK = re.compile(r"<pre\b")
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


@dataclass
class OutlineItem:
    """One node of a note's outline, before it is numbered and capped."""

    kind: str  # "heading", "item", "sentence", "code", "output", "more"
    text: str
    anchor: str = ""
    level: int = 0
    topics: list[tuple[str, str]] = field(default_factory=list)  # (text, url) linked in it
    children: list[OutlineItem] = field(default_factory=list)


def number_code_blocks(body_html: str) -> str:
    """Give each code block an id (``code-1``...), so that the map can link to it."""
    counter = iter(range(1, 1_000_000))
    return _CODE_BLOCK.sub(lambda _: f'<pre id="code-{next(counter)}"', body_html)


def first_sentence(text: str, limit: int = SENTENCE_CHARS) -> str:
    text = " ".join(text.split())
    match = _SENTENCE.match(text)
    sentence = match.group(1) if match else text
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rstrip() + "…"
    return sentence


class _OutlineParser(HTMLParser):
    """Walks rendered note HTML once, building the outline as it goes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = OutlineItem("root", "")
        self.sections: list[OutlineItem] = [self.root]  # open headings, outermost first
        self.lists: list[OutlineItem] = []  # the item each open list hangs under
        self.items: list[OutlineItem] = []  # open list items
        self.capture: OutlineItem | None = None  # the node whose text is being read
        self.capture_depth = 0
        self.buffer: list[str] = []
        self.link: str | None = None
        self.link_text: list[str] = []
        self.in_pre = 0
        self.code_blocks = 0
        self.skip = 0  # headerlink marks, tables and the like say nothing on a map
        # The paragraph just ended, while nothing else has started since: a list that
        # comes next hangs under it.
        self.lead_in: OutlineItem | None = None

    # -- structure ---------------------------------------------------------------
    @property
    def section(self) -> OutlineItem:
        return self.sections[-1]

    def _attach(self, item: OutlineItem) -> None:
        parent = self.items[-1] if self.items else self.section
        parent.children.append(item)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self.skip:
            if tag in {"table", "a", "sup"}:
                self.skip += 1
            return
        if tag == "a" and "headerlink" in (attributes.get("class") or ""):
            self.skip = 1
            return
        if tag == "table":
            self.skip = 1
            return
        if tag == "pre":
            self.in_pre += 1
            if self.in_pre == 1:
                self.lead_in = None
                self.code_blocks += 1
                kind = "output" if "output" in (attributes.get("class") or "") else "code"
                # The id number_code_blocks gave it, when the HTML went through it.
                anchor = attributes.get("id") or f"code-{self.code_blocks}"
                code = OutlineItem(kind, "", anchor=anchor)
                self._attach(code)
                self.capture_start(code)
            return
        if self.in_pre:
            return
        if tag == "br":
            self._next_line_of_paragraph()
            return
        if tag not in {"ul", "ol", "li", "a"} and not self.items:
            self.lead_in = None
        if tag in HEADINGS:
            level = HEADINGS[tag]
            while len(self.sections) > 1 and self.sections[-1].level >= level:
                self.sections.pop()
            self.items.clear()
            heading = OutlineItem("heading", "", anchor=attributes.get("id") or "", level=level)
            self.section.children.append(heading)
            self.sections.append(heading)
            self.capture_start(heading)
        elif tag in {"ul", "ol"}:
            self._flush_item_text()
            parent = self.items[-1] if self.items else (self.lead_in or self.section)
            self.lead_in = None
            self.lists.append(parent)
        elif tag == "li" and self.lists:
            self._flush_item_text()
            item = OutlineItem("item", "", anchor=self._nearest_anchor())
            self.lists[-1].children.append(item)
            self.items.append(item)
            self.capture_start(item)
        elif tag == "p" and not self.items and self.capture is None:
            paragraph = OutlineItem("sentence", "", anchor=self._nearest_anchor())
            self.section.children.append(paragraph)
            self.capture_start(paragraph)
        elif tag == "a" and self.capture is not None:
            href = attributes.get("href") or ""
            topic_link = "topic-link" in (attributes.get("class") or "")
            self.link = href if topic_link and href.startswith("/") else None
            self.link_text = []
        if self.capture is not None:
            self.capture_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag in {"table", "a", "sup"}:
                self.skip -= 1
            return
        if tag == "pre":
            # Never below zero: a stray end tag must not make the rest read as code.
            self.in_pre = max(self.in_pre - 1, 0)
            if self.in_pre == 0:
                self.capture_end()
            return
        if self.in_pre:
            return
        if tag == "a" and self.link is not None and self.capture is not None:
            text = "".join(self.link_text).strip()
            if text:
                self.capture.topics.append((text, self.link))
            self.link = None
        if tag == "p" and self.capture is not None and self.capture.kind == "sentence":
            self.lead_in = self.capture
            self.capture_end()
        elif tag in HEADINGS or tag == "p" and self.capture is not None and not self.items:
            self.capture_end()
        elif tag == "li" and self.items:
            self._flush_item_text()
            self.items.pop()
        elif tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
        if self.capture is not None and self.capture_depth:
            self.capture_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.capture is not None:
            self.buffer.append(data)
            if self.link is not None:
                self.link_text.append(data)

    # -- text ----------------------------------------------------------------------
    def capture_start(self, item: OutlineItem) -> None:
        self.capture_end()
        self.capture, self.capture_depth, self.buffer = item, 0, []

    def capture_end(self) -> None:
        item = self.capture
        if item is None:
            return
        text = " ".join("".join(self.buffer).split())
        if item.kind in {"code", "output"}:
            lines = [line for line in "".join(self.buffer).splitlines() if line.strip()]
            item.text = f"{item.kind}: " + (lines[0].strip() if lines else "…")
        elif item.kind == "sentence":
            item.text = first_sentence(text)
        else:
            item.text = text
        self.capture, self.buffer = None, []

    def _next_line_of_paragraph(self) -> None:
        """A line break in a paragraph starts another: notes written line by line in
        Markdown keep each line's first sentence on the map, not only the first line's."""
        if self.capture is None or self.capture.kind != "sentence" or self.items:
            return
        self.capture_end()
        line = OutlineItem("sentence", "", anchor=self._nearest_anchor())
        self.section.children.append(line)
        self.capture_start(line)

    def _flush_item_text(self) -> None:
        """A list item's own text ends where a nested list begins."""
        if self.capture is not None and self.capture.kind == "item":
            self.capture_end()

    def _nearest_anchor(self) -> str:
        for section in reversed(self.sections):
            if section.anchor:
                return section.anchor
        return ""

    def outline(self) -> OutlineItem:
        self.capture_end()
        _drop_empty(self.root)
        return self.root


def _drop_empty(node: OutlineItem) -> None:
    """Nodes with no text and nothing under them (a paragraph that was only an image)."""
    node.children = [child for child in node.children if child.text or child.children]
    for child in node.children:
        _drop_empty(child)


_PRE_TAG = re.compile(r"<pre\b[^>]*>|</pre>")
_TAG = re.compile(r"<[^>]+>")


def _code_blocks_as_first_lines(body_html: str) -> str:
    """Each code block reduced to its first line, a ``<pre>`` inside one included.

    Highlighted code is a span per token: only its first line shows on the map, so the
    rest is dropped before parsing rather than walked tag by tag.
    """
    parts: list[str] = []
    depth = 0
    position = 0
    opening = ""
    for tag in _PRE_TAG.finditer(body_html):
        if tag.group().startswith("</"):
            if depth == 0:  # an end tag with no block open: dropped
                parts.append(body_html[position : tag.start()])
                position = tag.end()
                continue
            depth -= 1
            if depth == 0:
                text = _TAG.sub("", body_html[position : tag.start()])
                first = next((line for line in text.splitlines() if line.strip()), "")
                parts.append(f"{opening}{first}</pre>")
                position = tag.end()
        else:
            if depth == 0:
                parts.append(body_html[position : tag.start()])
                opening, position = tag.group(), tag.end()
            depth += 1
    parts.append(body_html[position:] if depth == 0 else opening + body_html[position:])
    return "".join(parts)


def note_outline(body_html: str, title: str = "") -> OutlineItem:
    """The outline of a note's rendered body (its root has no text: the title goes
    there). A first heading that says the ``title`` again is the root itself: its
    children join the root's."""
    parser = _OutlineParser()
    parser.feed(_code_blocks_as_first_lines(body_html))
    parser.close()
    root = parser.outline()
    first = root.children[0] if root.children else None
    if first is not None and first.kind == "heading" and same_words(first.text, title):
        root.children = first.children + root.children[1:]
    return root


def same_words(one: str, other: str) -> bool:
    """Whether two titles say the same, whatever their case and spacing."""
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold() != ""


def note_map(
    body_html: str, *, title: str, url: str, max_nodes: int = MAX_NODES
) -> tuple[MapNode, dict[int, list[tuple[str, str]]]]:
    """The note as a MapNode tree (title at the root) and, per node key, the topic
    links in its text.

    At most ``max_nodes`` nodes are drawn, chosen breadth first so that the note's
    top-level structure always shows; where a branch is cut, its remaining items
    become one "+k more" node that links to the reading view.
    """
    outline = note_outline(body_html, title)
    root_item = OutlineItem("root", title, children=outline.children)
    order = _breadth_first(root_item)
    limit = max_nodes
    while True:
        kept = {id(item) for item in order[:limit]}
        cut = sum(
            1 for item in order[:limit] if any(id(child) not in kept for child in item.children)
        )
        if limit + cut <= max_nodes or limit <= 1:
            break
        limit = max_nodes - cut
    keys = iter(range(1, 10_000_000))
    topics: dict[int, list[tuple[str, str]]] = {}

    def convert(item: OutlineItem) -> MapNode:
        key = next(keys)
        node = MapNode(
            key, item.text, str(key), f"{url}#{item.anchor}" if item.anchor else url,
            counted=False,
        )  # fmt: skip
        if item.topics:
            topics[key] = item.topics
        hidden = 0
        for child in item.children:
            if id(child) in kept:
                node.children.append(convert(child))
            else:
                hidden += _size(child)
        if hidden:
            node.children.append(MapNode(next(keys), f"+{hidden} more", "", url, counted=False))
        return node

    return convert(root_item), topics


def _size(item: OutlineItem) -> int:
    return 1 + sum(_size(child) for child in item.children)


def _breadth_first(root: OutlineItem) -> list[OutlineItem]:
    order, queue = [], [root]
    while queue:
        item = queue.pop(0)
        order.append(item)
        queue.extend(item.children)
    return order
