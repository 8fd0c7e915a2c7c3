"""Laying out a topic tree as a left-to-right mind map.

Pure geometry: the tree goes in, positioned nodes and edges come out, and a
template draws them as SVG (so every name is escaped by the template engine).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .topic_map import MapNode

COLUMN_WIDTH = 210
ROW_HEIGHT = 34
MARGIN = 24
LABEL_ROOM = 190  # room to the right of the last column for its labels


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

    @property
    def label_x(self) -> float:
        return self.x + self.radius + 6


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
class MapLayout:
    nodes: list[PlacedNode]
    edges: list[Edge]
    width: float
    height: float


def node_radius(notes: int) -> float:
    """Grows with the number of notes, gently, so a busy topic does not swallow the map."""
    return 5 + 3 * math.sqrt(notes)


def layout_tree(
    roots: list[MapNode],
    related_keys: frozenset[int] = frozenset(),
    *,
    column_width: int = COLUMN_WIDTH,
    label_room: int = LABEL_ROOM,
) -> MapLayout:
    """Place each leaf on its own row and each parent beside the middle of its children."""
    nodes: list[PlacedNode] = []
    edges: list[Edge] = []
    next_row = 0
    max_depth = 0

    def place(node: MapNode, depth: int) -> PlacedNode:
        nonlocal next_row, max_depth
        max_depth = max(max_depth, depth)
        placed_children = [place(child, depth + 1) for child in node.children]
        if placed_children:
            y = (placed_children[0].y + placed_children[-1].y) / 2
        else:
            y = MARGIN + ROW_HEIGHT / 2 + next_row * ROW_HEIGHT
            next_row += 1
        placed = PlacedNode(
            key=node.key,
            name=node.name,
            url=node.url,
            notes=node.notes,
            depth=depth,
            x=MARGIN + 12 + depth * column_width,
            y=y,
            radius=node_radius(node.notes),
            related=node.key in related_keys,
        )
        for child in placed_children:
            edges.append(
                Edge(placed.x + placed.radius, placed.y, child.x - child.radius, child.y,
                     related=child.related)
            )  # fmt: skip
        nodes.append(placed)
        return placed

    for root in roots:
        place(root, 0)
    width = 2 * MARGIN + 12 + max_depth * column_width + label_room
    height = 2 * MARGIN + max(next_row, 1) * ROW_HEIGHT
    # Parents are placed after their children; draw them in reading order.
    nodes.sort(key=lambda node: (node.depth, node.y))
    return MapLayout(nodes=nodes, edges=edges, width=width, height=height)
