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


def _tooltip(node: PlacedNode) -> str:
    if not node.counted:
        return node.name
    if node.below:
        return ngettext(
            "%(name)s: %(counter)s note mentions it, %(below)s more through its subtopics",
            "%(name)s: %(counter)s notes mention it, %(below)s more through its subtopics",
            node.notes,
        ) % {"name": node.name, "counter": node.notes, "below": node.below}
    return ngettext("%(name)s: %(counter)s note", "%(name)s: %(counter)s notes", node.notes) % {
        "name": node.name,
        "counter": node.notes,
    }


def _node(node: PlacedNode, show_counts: bool) -> str:
    x, y, r = f"{node.x:.1f}", f"{node.y:.1f}", f"{node.radius:.1f}"
    label_x, label_y = f"{node.label_x:.1f}", f"{node.label_y:.1f}"
    url = escape(node.url)
    circle = f'<circle cx="{x}" cy="{y}" r="{r}"/>'
    names = "|".join([node.name, *node.aliases])
    parts = [
        f'<g class="{_classes(node)}" data-key="{node.key}" data-x="{x}" data-y="{y}" '
        f'data-names="{escape(names)}">'
    ]
    if node.toggle:
        action = gettext("Unfold %(name)s") if node.folded else gettext("Fold %(name)s")
        mark = (
            f'<text class="fold-mark" x="{x}" y="{y}" dy="0.35em">+</text>' if node.folded else ""
        )
        parts.append(
            f'<a class="node-toggle" href="{escape(node.toggle)}" '
            f'aria-expanded="{"false" if node.folded else "true"}">'
            f"<title>{escape(action % {'name': node.name})}</title>{circle}{mark}</a>"
        )
        circle = ""
    if node.segments:
        pieces = "".join(
            f'<a class="{"topic-link" if link else "node-link"}" '
            f'href="{escape(link or node.url)}"><tspan>{escape(text)}</tspan></a>'
            for text, link in node.segments
        )
        parts.append(
            f'<a class="node-link node-dot" href="{url}"><title>{escape(node.name)}</title>'
            f'{circle}</a><text x="{label_x}" y="{label_y}" dy="0.35em">{pieces}</text>'
        )
    else:
        count = ""
        if show_counts:
            below = f"+{node.below}" if node.below else ""
            count = f'<tspan class="node-count" dx="5">{node.notes}{below}</tspan>'
        above = ' class="label-above"' if node.label_above else ""
        parts.append(
            f'<a class="node-link" href="{url}"><title>{escape(_tooltip(node))}</title>{circle}'
            f'<text x="{label_x}" y="{label_y}" dy="0.35em"{above}>{escape(node.label)}{count}'
            "</text></a>"
        )
    parts.append("</g>")
    return "".join(parts)


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
        '<path d="M0,1 L10,5 L0,9 z"/></marker></defs><g class="mindmap-arrows">'
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


def render_svg(
    layout: MapLayout, *, svg_id: str, title: str, show_counts: bool = False
) -> SafeString:
    width, height = f"{layout.width:.0f}", f"{layout.height:.0f}"
    edges = "\n".join(
        f'<path class="edge{" edge-related" if edge.related else ""}" d="{edge.path}"/>'
        for edge in layout.edges
    )
    nodes = "\n".join(_node(node, show_counts) for node in layout.nodes)
    return mark_safe(  # noqa: S308 - every value above went through escape()
        f'<svg class="mindmap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{svg_id}-title">'
        f'<title id="{svg_id}-title">{escape(title)}</title>'
        f'<g class="mindmap-edges">{edges}</g>{_arrows(layout, svg_id)}'
        f'<g class="mindmap-nodes">{nodes}</g></svg>'
    )
