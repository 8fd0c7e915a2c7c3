"""Laying out a tree (the topic map, or a note's outline) as a left-to-right mind map.

Pure geometry: the tree goes in, positioned nodes and edges come out, in the tree's
order, and ``mindmap_svg`` draws them as SVG (escaping every name).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TypedDict, Unpack
from urllib.parse import urlencode

# The kinds of relation between topics (TopicRelation.Kind's values): ``topic`` needs
# ``other`` first, reads well beside it, or contrasts with it.
PREREQUISITE = "prerequisite"
SEE_ALSO = "see_also"
CONTRASTS = "contrasts"
# Those the topic map draws as arrows or lines over its tree.
DRAWN_KINDS = (PREREQUISITE, CONTRASTS)


@dataclass
class MapNode:
    key: int
    name: str
    slug: str
    url: str
    notes: int = 0
    children: list[MapNode] = field(default_factory=list)
    # Notes under this node or any below it, each once (notes.counts); None: not known.
    subtree_notes: int | None = None
    aliases: list[str] = field(default_factory=list)
    # False for maps whose nodes are not topics (a note's outline): nothing to count.
    counted: bool = True
    # A topic's own names, where ``name`` is the one shown in the reader's language.
    topic_name: str = ""
    name_zh: str = ""
    # What the map's downloads carry besides (build_map(with_details=True)).
    summary: str = ""
    summary_zh: str = ""
    autolink: bool = True
    # The topic's references into the Python documentation, one per line of Topic.docs.
    docs: list[str] = field(default_factory=list)
    whole_word: list[str] = field(default_factory=list)  # aliases found as whole words only
    # (kind, key of the other topic): this topic needs the other first, and so on.
    relations: list[tuple[str, int]] = field(default_factory=list)

    @property
    def own_name(self) -> str:
        """The topic's name as stored, whatever language the map is shown in."""
        return self.topic_name or self.name

    def other_names(self) -> tuple[str, ...]:
        """Every name it goes by besides the one shown, each once: what a search finds."""
        names: list[str] = []
        for name in [self.topic_name, self.name_zh, *self.aliases]:
            if name and name != self.name and name not in names:
                names.append(name)
        return tuple(names)

    @property
    def all_notes(self) -> int:
        return self.notes if self.subtree_notes is None else self.subtree_notes

    @property
    def below(self) -> int:
        """Notes reached only through its subtopics."""
        return max(self.all_notes - self.notes, 0)


def walk_map(roots: list[MapNode]) -> Iterator[MapNode]:
    """Every node of the tree, parents before their children."""
    stack = list(reversed(roots))
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if node.key in seen:
            continue
        seen.add(node.key)
        yield node
        stack.extend(reversed(node.children))


COLUMN_WIDTH = 230
ROW_HEIGHT = 34
MARGIN = 24
LABEL_ROOM = 230  # room to the right of the last column for its labels
FONT_PX = 14
COUNT_ROOM = 36  # room kept after a label for its note count ("12+30")
NOTE_COLUMN_WIDTH = 250  # a note's outline: its labels are sentences, not names
NOTE_LABEL_ROOM = 300
# The map around one topic, on its page: narrow enough for a phone held upright.
LOCAL_COLUMN_WIDTH = 110
LOCAL_LABEL_ROOM = 120


def _char_width(char: str) -> float:
    return 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.6


def text_width(text: str, font_px: float = FONT_PX) -> float:
    """About how wide ``text`` is drawn: Chinese characters are square, Latin narrower."""
    return sum(_char_width(char) for char in text) * font_px


def fit_label(text: str, room: float, font_px: float = FONT_PX) -> str:
    """``text``, cut with an ellipsis where it would run past ``room`` pixels."""
    budget = room / font_px - 1.0  # the ellipsis is about one em
    used = 0.0
    for index, char in enumerate(text):
        used += _char_width(char)
        if used > budget:
            if text_width(text, font_px) <= room:
                return text
            return text[:index].rstrip() + "…"
    return text


@dataclass(frozen=True)
class PlacedNode:
    key: int
    name: str
    url: str
    notes: int
    depth: int
    x: float
    y: float
    radius: float
    related: bool = False
    subtree_notes: int = 0
    label: str = ""  # the name, shortened to fit where it is drawn
    slug: str = ""
    has_children: bool = False
    folded: bool = False  # its children are hidden
    current: bool = False
    label_above: bool = False
    aliases: tuple[str, ...] = ()  # every other name it goes by: what "find" looks at
    toggle: str = ""  # the address that folds or unfolds it, set by the view
    counted: bool = True
    # The label as (text, link or "") pieces, where its text holds links of its own.
    segments: tuple[tuple[str, str], ...] = ()

    @property
    def label_x(self) -> float:
        return self.x if self.label_above else self.x + self.radius + 6

    @property
    def label_y(self) -> float:
        return self.y - self.radius - 9 if self.label_above else self.y

    @property
    def empty(self) -> bool:
        """No note under it at all: drawn faded, so a reader sees where the notes are."""
        return self.counted and not self.subtree_notes

    @property
    def below(self) -> int:
        """Notes reached only through its subtopics."""
        return max(self.subtree_notes - self.notes, 0)


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    related: bool = False

    @property
    def path(self) -> str:
        """A smooth S-curve from parent to child, as mind maps draw branches."""
        middle = (self.x1 + self.x2) / 2
        return (
            f"M{self.x1:.1f},{self.y1:.1f} C{middle:.1f},{self.y1:.1f} "
            f"{middle:.1f},{self.y2:.1f} {self.x2:.1f},{self.y2:.1f}"
        )


@dataclass(frozen=True)
class Arrow:
    """A relation drawn over the tree: from the topic to learn first to the one that
    needs it (or between two contrasting topics), bent aside so that it is never taken
    for a branch."""

    kind: str
    source: int  # the keys of the nodes it joins
    target: int
    source_name: str
    target_name: str
    x1: float
    y1: float
    bend_x: float
    bend_y: float
    x2: float
    y2: float
    source_url: str = ""
    target_url: str = ""

    @property
    def path(self) -> str:
        return (
            f"M{self.x1:.1f},{self.y1:.1f} Q{self.bend_x:.1f},{self.bend_y:.1f} "
            f"{self.x2:.1f},{self.y2:.1f}"
        )


@dataclass(frozen=True)
class MapLayout:
    nodes: list[PlacedNode]
    edges: list[Edge]
    width: float
    height: float
    arrows: list[Arrow] = field(default_factory=list)


# How far an arrow bends aside, in parts of its length, and at most: more between the
# nodes of one column, whose straight line would run through the nodes between them.
ARROW_BEND = 0.15
ARROW_COLUMN_BEND = 0.3
ARROW_MAX_BEND = 120
ARROW_GAP = 3  # room between an arrow's ends and the circles it joins
ARROW_HEAD = 7  # the arrowhead's length, kept off the circle it points at


def map_links(
    roots: list[MapNode], kinds: Iterable[str] = DRAWN_KINDS
) -> list[tuple[str, int, int]]:
    """The relations of ``roots`` to draw, as (kind, from key, to key): a prerequisite
    goes from the topic to learn first to the one that needs it."""
    wanted = set(kinds)
    links: list[tuple[str, int, int]] = []
    for node in walk_map(roots):
        for kind, other in node.relations:
            if kind in wanted:
                pair = (other, node.key) if kind == PREREQUISITE else (node.key, other)
                links.append((kind, *pair))
    return links


def _toward(node: PlacedNode, x: float, y: float, room: float) -> tuple[float, float]:
    """The point ``room`` beyond ``node``'s circle on the way to (x, y)."""
    dx, dy = x - node.x, y - node.y
    length = math.hypot(dx, dy) or 1.0
    reach = node.radius + room
    return node.x + dx / length * reach, node.y + dy / length * reach


def place_arrow(
    kind: str, source: PlacedNode, target: PlacedNode, width: float, height: float
) -> Arrow | None:
    """An arrow from ``source`` to ``target``, bent to the left of its way (so one
    between nodes of a column passes between the columns, clear of the labels), kept
    inside the drawing; None when the two circles touch."""
    dx, dy = target.x - source.x, target.y - source.y
    length = math.hypot(dx, dy)
    if length <= source.radius + target.radius + ARROW_GAP * 2 + ARROW_HEAD:
        return None
    bend = min(length * (ARROW_COLUMN_BEND if dx == 0 else ARROW_BEND), ARROW_MAX_BEND)
    normal_x, normal_y = -dy / length, dx / length
    if normal_x > 0 or (normal_x == 0 and normal_y > 0):
        normal_x, normal_y = -normal_x, -normal_y
    bend_x = min(max((source.x + target.x) / 2 + normal_x * bend, 2.0), width - 2)
    bend_y = min(max((source.y + target.y) / 2 + normal_y * bend, 2.0), height - 2)
    x1, y1 = _toward(source, bend_x, bend_y, ARROW_GAP)
    x2, y2 = _toward(target, bend_x, bend_y, ARROW_GAP + ARROW_HEAD)
    return Arrow(
        kind=kind, source=source.key, target=target.key,
        source_name=source.name, target_name=target.name,
        source_url=source.url, target_url=target.url,
        x1=x1, y1=y1, bend_x=bend_x, bend_y=bend_y, x2=x2, y2=y2,
    )  # fmt: skip


def node_radius(notes: int) -> float:
    """Grows with the number of notes, gently, so a busy topic does not swallow the map."""
    return 5 + 3 * math.sqrt(notes)


def layout_tree(
    roots: list[MapNode],
    related_keys: frozenset[int] = frozenset(),
    *,
    current_key: int | None = None,
    folded: frozenset[int] = frozenset(),
    column_width: int = COLUMN_WIDTH,
    label_room: int = LABEL_ROOM,
    count_room: int = 0,
    links: Iterable[tuple[str, int, int]] = (),
) -> MapLayout:
    """Place each leaf on its own row and each parent beside the middle of its children.

    The children of ``folded`` nodes are left out (the node says it has some). Labels
    are cut to the room they have: up to the next column, or ``label_room`` in the last.
    ``links`` (kind, from key, to key; see ``map_links``) become arrows where both
    their ends are drawn.
    """
    nodes: list[PlacedNode] = []
    edges: list[Edge] = []
    next_row = 0
    max_depth = 0
    seen: set[int] = set()
    order: dict[int, int] = {}  # each node's place in the tree read top to bottom

    def place(node: MapNode, depth: int) -> PlacedNode:
        nonlocal next_row, max_depth
        seen.add(node.key)
        order[node.key] = len(order)
        max_depth = max(max_depth, depth)
        is_folded = node.key in folded and bool(node.children)
        placed_children: list[PlacedNode] = []
        for child in [] if is_folded else node.children:
            if child.key not in seen:  # each topic once, even if two branches reach it
                placed_children.append(place(child, depth + 1))
        if placed_children:
            y = (placed_children[0].y + placed_children[-1].y) / 2
        else:
            y = MARGIN + ROW_HEIGHT / 2 + next_row * ROW_HEIGHT
            next_row += 1
        radius = node_radius(node.notes)
        room = (column_width - 2 * radius - 12) if placed_children else label_room - 8
        current = node.key == current_key
        # The page's own topic is labelled above its circle, whole, clear of its branches.
        label_above = current and bool(placed_children)
        room = 2 * column_width if label_above else room - count_room
        placed = PlacedNode(
            key=node.key,
            name=node.name,
            url=node.url,
            notes=node.notes,
            depth=depth,
            x=MARGIN + 12 + depth * column_width,
            y=y,
            radius=radius,
            related=node.key in related_keys,
            subtree_notes=node.all_notes,
            label=fit_label(node.name, room),
            slug=node.slug,
            has_children=bool(node.children),
            folded=is_folded,
            current=current,
            label_above=label_above,
            aliases=node.other_names(),
            counted=node.counted,
        )
        for placed_child in placed_children:
            edges.append(
                Edge(placed.x + placed.radius, placed.y,
                     placed_child.x - placed_child.radius, placed_child.y,
                     related=placed_child.related)
            )  # fmt: skip
        nodes.append(placed)
        return placed

    for root in roots:
        place(root, 0)
    width = 2 * MARGIN + 12 + max_depth * column_width + label_room
    height = 2 * MARGIN + max(next_row, 1) * ROW_HEIGHT
    # Parents are placed after their children: put them back in the tree's order, each
    # parent before its children, which is the order Tab follows through the drawing.
    nodes.sort(key=lambda node: order[node.key])
    placed_by_key = {node.key: node for node in nodes}
    arrows: list[Arrow] = []
    for kind, source, target in dict.fromkeys(links):
        if source in placed_by_key and target in placed_by_key:
            arrow = place_arrow(kind, placed_by_key[source], placed_by_key[target], width, height)
            if arrow is not None:
                arrows.append(arrow)
    return MapLayout(nodes=nodes, edges=edges, width=width, height=height, arrows=arrows)


class LayoutOptions(TypedDict, total=False):
    """The keyword arguments of ``layout_tree`` that ``fold_layout`` passes on."""

    related_keys: frozenset[int]
    current_key: int | None
    column_width: int
    label_room: int
    count_room: int
    links: Iterable[tuple[str, int, int]]


def fold_layout(
    roots: list[MapNode],
    fold: str,
    *,
    keep: Mapping[str, str] | None = None,
    **options: Unpack[LayoutOptions],
) -> tuple[MapLayout, list[str]]:
    """Lay out ``roots`` with the branches named in ``fold`` ("slug,slug") folded, each
    node that has children given the address that folds or unfolds it (which keeps the
    query parameters in ``keep``); returns the layout and the slugs actually folded."""
    wanted = {slug for slug in fold.split(",") if slug}
    folded = {node.key for node in walk_map(roots) if node.slug in wanted}
    layout = layout_tree(roots, folded=frozenset(folded), **options)
    folded_slugs = {node.slug for node in layout.nodes if node.folded}

    def toggle(slugs: set[str]) -> str:
        return map_address(",".join(sorted(slugs)), keep)

    layout.nodes[:] = [
        replace(node, toggle=toggle(folded_slugs ^ {node.slug})) if node.has_children else node
        for node in layout.nodes
    ]
    return layout, sorted(folded_slugs)


def map_address(fold: str, keep: Mapping[str, str] | None = None) -> str:
    """The relative address of a map with the branches ``fold`` folded and the query
    parameters ``keep``: "?" for the whole map as it opens."""
    query = {"fold": fold} if fold else {}
    query.update(keep or {})
    return f"?{urlencode(query)}" if query else "?"


def label_segments(label: str, links: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """``label`` cut into (text, link) pieces at the first place each linked text occurs;
    the rest of the label has no link of its own ("")."""
    pieces: list[tuple[str, str]] = []
    position = 0
    spans: list[tuple[int, int, str]] = []
    for text, url in links:
        start = label.find(text)
        overlaps = any(start < end and start + len(text) > begin for begin, end, _ in spans)
        if start >= 0 and not overlaps:
            spans.append((start, start + len(text), url))
    for start, end, url in sorted(spans):
        if start > position:
            pieces.append((label[position:start], ""))
        pieces.append((label[start:end], url))
        position = end
    if position < len(label):
        pieces.append((label[position:], ""))
    return tuple(pieces)
