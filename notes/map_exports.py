"""The topic map in formats mind-map programs open: OPML, FreeMind (.mm) and JSON."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from .control_characters import xml_safe
from .topic_map import MapNode


def _absolute(url: str, base_url: str) -> str:
    return base_url.rstrip("/") + url if url.startswith("/") else url


# ElementTree writes any character it is given; the XML exports keep to what XML 1.0
# can hold (xml_safe), or no program would open a map whose topic holds a form feed.


def to_opml(roots: list[MapNode], *, title: str, base_url: str = "") -> str:
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = xml_safe(title)
    body = ET.SubElement(opml, "body")

    def add(parent: ET.Element, node: MapNode) -> None:
        outline = ET.SubElement(
            parent,
            "outline",
            text=xml_safe(node.name),
            type="link",
            url=xml_safe(_absolute(node.url, base_url)),
            notes=str(node.notes),
        )
        for child in node.children:
            add(outline, child)

    for root in roots:
        add(body, root)
    ET.indent(opml)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(opml, encoding="unicode")


def to_freemind(roots: list[MapNode], *, title: str, base_url: str = "") -> str:
    """FreeMind 1.0 format, also read by Freeplane, XMind and MindManager."""
    mind_map = ET.Element("map", version="1.0.1")
    # A FreeMind map has exactly one root node.
    if len(roots) == 1:
        top_parent, nodes = mind_map, roots
    else:
        top_parent = ET.SubElement(mind_map, "node", TEXT=xml_safe(title), ID="root")
        nodes = roots

    def add(parent: ET.Element, node: MapNode, depth: int) -> None:
        attributes = {"TEXT": xml_safe(node.name), "ID": f"topic_{node.key}",
                      "LINK": xml_safe(_absolute(node.url, base_url))}  # fmt: skip
        if depth >= 1 and node.children:
            attributes["FOLDED"] = "false"
        element = ET.SubElement(parent, "node", attributes)
        for child in node.children:
            add(element, child, depth + 1)

    for node in nodes:
        add(top_parent, node, 0)
    ET.indent(mind_map)
    return ET.tostring(mind_map, encoding="unicode") + "\n"


def to_json(roots: list[MapNode], *, base_url: str = "") -> str:
    def as_dict(node: MapNode) -> dict:
        return {
            "name": node.name,
            "slug": node.slug,
            "url": _absolute(node.url, base_url),
            "notes": node.notes,
            "children": [as_dict(child) for child in node.children],
        }

    return json.dumps({"topics": [as_dict(root) for root in roots]}, ensure_ascii=False, indent=2)
