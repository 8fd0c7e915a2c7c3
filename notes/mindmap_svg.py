"""A laid-out mind map written as SVG: the topic map, the map around a topic, a note's map.

Written in Python rather than a template: a note's map draws up to 300 nodes of about
ten attributes each, and the template engine spent 40 ms looking the values up, four
times the layout. Every name and address is escaped here, and only here.
"""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from .mindmap import CONTRASTS, PREREQUISITE, Arrow, MapLayout, PlacedNode


def _classes(node: PlacedNode) -> str:
    names = ["node", f"depth-{node.depth}"]
    for flag, name in [
        (node.related, "node-related"),
        (node.current, "node-current"),
        (node.empty, "node-empty"),
        (node.folded, "node-folded"),
    ]:
        if flag:
            names.append(name)
    return " ".join(names)


def node_name(node: PlacedNode) -> str:
    """What a node's link is called, to a screen reader and in its tooltip: the whole
    name (its label may be cut short) and, for a topic, the notes the drawing counts."""
    if not node.counted:
        return node.name
    if node.below:
        return ngettext(
            "%(name)s, %(counter)s note, %(below)s more through its subtopics",
            "%(name)s, %(counter)s notes, %(below)s more through its subtopics",
            node.notes,
        ) % {"name": node.name, "counter": node.notes, "below": node.below}
    return ngettext("%(name)s, %(counter)s note", "%(name)s, %(counter)s notes", node.notes) % {
        "name": node.name,
        "counter": node.notes,
    }


def _toggle(node: PlacedNode, anchor: str, circle: str, x: str, y: str) -> str:
    """The circle of a node with children, as a link that folds or unfolds its branch;
    the address ends on the link itself, so that the page opens again with it focused
    (with or without JavaScript) and Enter undoes what Enter did."""
    action = gettext("Unfold %(name)s") if node.folded else gettext("Fold %(name)s")
    mark = (
        f'<text class="fold-mark" x="{x}" y="{y}" dy="0.35em" aria-hidden="true">+</text>'
        if node.folded
        else ""
    )
    return (
        f'<a id="{anchor}-fold" class="node-toggle" href="{escape(node.toggle)}#{anchor}-fold" '
        f'aria-expanded="{"false" if node.folded else "true"}">'
        f"<title>{escape(action % {'name': node.name})}</title>{circle}{mark}</a>"
    )


def _segments(node: PlacedNode, circle: str, url: str) -> str:
    """A label holding links of its own (a note's sentence naming topics): the first
    piece of it that is the node's own is its link, named with the whole label; the
    other such pieces, and the circle, lead there too but only for the mouse."""
    main = next((i for i, (_, link) in enumerate(node.segments) if not link), None)
    hidden = ' tabindex="-1" aria-hidden="true"'
    pieces = []
    for index, (text, link) in enumerate(node.segments):
        if link:
            attributes = f'class="topic-link" href="{escape(link)}"'
        elif index == main:
            attributes = f'class="node-link" href="{url}" aria-label="{escape(node.name)}"'
        else:
            attributes = f'class="node-link" href="{url}"{hidden}'
        pieces.append(f"<a {attributes}><tspan>{escape(text)}</tspan></a>")
    dot = ""
    if circle or main is None:
        muted = hidden if main is not None else ""
        dot = (
            f'<a class="node-link node-dot" href="{url}"{muted}>'
            f"<title>{escape(node.name)}</title>{circle}</a>"
        )
    label_x, label_y = f"{node.label_x:.1f}", f"{node.label_y:.1f}"
    return f'{dot}<text x="{label_x}" y="{label_y}" dy="0.35em">{"".join(pieces)}</text>'


def _node(node: PlacedNode, show_counts: bool, svg_id: str) -> str:
    x, y, r = f"{node.x:.1f}", f"{node.y:.1f}", f"{node.radius:.1f}"
    url = escape(node.url)
    anchor = f"{svg_id}-{node.key}"
    circle = f'<circle cx="{x}" cy="{y}" r="{r}"/>'
    names = "|".join([node.name, *node.aliases])
    parts = [
        f'<g id="{anchor}" class="{_classes(node)}" data-key="{node.key}" data-x="{x}" '
        f'data-y="{y}" data-names="{escape(names)}">'
    ]
    # The node's link first, then the control folding its branch: a reader hears what
    # the node is before what can be done with it, then the nodes under it.
    toggle = _toggle(node, anchor, circle, x, y) if node.toggle else ""
    if toggle:
        circle = ""
    if node.segments:
        parts.append(_segments(node, circle, url))
    else:
        current = ' aria-current="page"' if node.current else ""
        parts.append(
            f'<a class="node-link" href="{url}"{current}><title>{escape(node_name(node))}</title>'
            f"{circle}{_label(node, show_counts)}</a>"
        )
    parts.append(toggle)
    parts.append("</g>")
    return "".join(parts)


def _label(node: PlacedNode, show_counts: bool) -> str:
    count = ""
    if show_counts:
        below = f"+{node.below}" if node.below else ""
        count = f'<tspan class="node-count" dx="5">{node.notes}{below}</tspan>'
    above = ' class="label-above"' if node.label_above else ""
    return (
        f'<text x="{node.label_x:.1f}" y="{node.label_y:.1f}" dy="0.35em"{above}>'
        f"{escape(node.label)}{count}</text>"
    )


def _copy(node: PlacedNode, show_counts: bool) -> str:
    """A node drawn again, without its links: seen, never reached nor read."""
    return (
        f'<g class="{_classes(node)} node-on-top" aria-hidden="true">'
        f'<circle cx="{node.x:.1f}" cy="{node.y:.1f}" r="{node.radius:.1f}"/>'
        f"{_label(node, show_counts)}</g>"
    )


def _arrow_title(arrow: Arrow) -> str:
    if arrow.kind == PREREQUISITE:
        message = gettext("%(topic)s needs %(other)s first")
        return message % {"topic": arrow.target_name, "other": arrow.source_name}
    if arrow.kind == CONTRASTS:
        message = gettext("%(topic)s contrasts with %(other)s")
        return message % {"topic": arrow.source_name, "other": arrow.target_name}
    return f"{arrow.source_name} – {arrow.target_name}"


def _arrows(layout: MapLayout, svg_id: str) -> str:
    """The relations drawn over the tree and under its nodes; a prerequisite ends in
    an arrowhead, the marker the map defines once."""
    if not layout.arrows:
        return ""
    head = f"{svg_id}-needs-head"
    parts = [
        f'<defs><marker id="{head}" class="arrow-head" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">'
        '<path d="M0,1 L10,5 L0,9 z"/></marker></defs><g class="mindmap-arrows" aria-hidden="true">'
    ]
    for arrow in layout.arrows:
        kind = escape(arrow.kind)
        end = f' marker-end="url(#{head})"' if arrow.kind == PREREQUISITE else ""
        parts.append(
            f'<path class="arrow arrow-{kind}" d="{arrow.path}" data-from="{arrow.source}" '
            f'data-to="{arrow.target}"{end}><title>{escape(_arrow_title(arrow))}</title></path>'
        )
    parts.append("</g>")
    return "".join(parts)


def _description(layout: MapLayout) -> str:
    if any(node.toggle for node in layout.nodes):
        return gettext(
            "Each node is a link. Tab goes through them in the order of the tree, each "
            "node before the nodes under it; after a node with a branch comes the "
            "control that folds or unfolds it."
        )
    return gettext(
        "Each node is a link. Tab goes through them in the order of the tree, each "
        "node before the nodes under it."
    )


def render_svg(
    layout: MapLayout, *, svg_id: str, title: str, show_counts: bool = False
) -> SafeString:
    """The map as an SVG holding links: a named group (not an image) whose nodes Tab
    reaches in the order of the tree; the branches and arrows are only drawn."""
    width, height = f"{layout.width:.0f}", f"{layout.height:.0f}"
    edges = "\n".join(
        f'<path class="edge{" edge-related" if edge.related else ""}" d="{edge.path}"/>'
        for edge in layout.edges
    )
    nodes = "\n".join(_node(node, show_counts, svg_id) for node in layout.nodes)
    # The page's own topic comes in its place in the tree, and is drawn again on top,
    # so that no branch drawn after it covers its label.
    on_top = "".join(_copy(node, show_counts) for node in layout.nodes if node.current)
    return mark_safe(  # noqa: S308 - every value above went through escape()
        f'<svg class="mindmap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="group" aria-labelledby="{svg_id}-title" '
        f'aria-describedby="{svg_id}-desc">'
        f'<title id="{svg_id}-title">{escape(title)}</title>'
        f'<desc id="{svg_id}-desc">{escape(_description(layout))}</desc>'
        f'<g class="mindmap-edges" aria-hidden="true">{edges}</g>{_arrows(layout, svg_id)}'
        f'<g class="mindmap-nodes">{nodes}{on_top}</g></svg>'
    )
