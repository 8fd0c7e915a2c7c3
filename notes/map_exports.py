"""The topic map in formats mind-map programs open: OPML, FreeMind (.mm) and JSON.

OPML and JSON carry each topic whole (its names, aliases, summaries and relations by
kind), so that ``import_topic_map`` loads them back; FreeMind carries the tree."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from .control_characters import xml_safe
from .map_imports import join_names
from .mindmap import CONTRASTS, PREREQUISITE, SEE_ALSO
from .topic_map import MapNode, walk_map

# The key of a map entry (notes.topic_map.load_topic_map) for each kind of relation.
RELATION_KEYS = {PREREQUISITE: "needs", SEE_ALSO: "see_also", CONTRASTS: "contrasts"}


def _absolute(url: str, base_url: str) -> str:
    return base_url.rstrip("/") + url if url.startswith("/") else url


def _related(node: MapNode, names: dict[int, str]) -> dict[str, list[str]]:
    """The topics ``node`` names, by the key of their kind: {"needs": [...], ...}."""
    related: dict[str, list[str]] = {key: [] for key in RELATION_KEYS.values()}
    for kind, other in node.relations:
        if kind in RELATION_KEYS and other in names:
            related[RELATION_KEYS[kind]].append(names[other])
    return related


def _own_names(roots: list[MapNode]) -> dict[int, str]:
    return {node.key: node.own_name for node in walk_map(roots)}


# ElementTree writes any character it is given; the XML exports keep to what XML 1.0
# can hold (xml_safe), or no program would open a map whose topic holds a form feed.


def _topic_attributes(node: MapNode, names: dict[int, str]) -> dict[str, str]:
    """What an outline of the topic map carries besides its text (the name shown):
    everything ``notes.map_imports.parse_opml`` reads back. Lists of names are parted
    by "|" (join_names); empty values are left out."""
    if not node.topic_name:  # not a topic: a note's outline
        return {}
    attributes = {
        "name": node.topic_name,
        "name_zh": node.name_zh,
        "aliases": join_names(node.aliases),
        "whole_word_aliases": join_names(node.whole_word),
        "summary": node.summary,
        "summary_zh": node.summary_zh,
        "autolink": "" if node.autolink else "false",
        "docs": join_names(node.docs),
    }
    attributes.update({key: join_names(others) for key, others in _related(node, names).items()})
    return {key: xml_safe(value) for key, value in attributes.items() if value}


def to_opml(roots: list[MapNode], *, title: str, base_url: str = "") -> str:
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = xml_safe(title)
    body = ET.SubElement(opml, "body")
    names = _own_names(roots)

    def add(parent: ET.Element, node: MapNode) -> None:
        attributes = {
            "text": xml_safe(node.name),
            "type": "link",
            "url": xml_safe(_absolute(node.url, base_url)),
            "notes": str(node.notes),
            **_topic_attributes(node, names),
        }
        outline = ET.SubElement(parent, "outline", attributes)
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
    """``{"topics": [...]}``, each entry in the form of the starter map's YAML, so that
    ``load_topic_map`` loads it back as it is; ``slug``, ``url`` and ``notes`` are
    there for other programs (the loader leaves them aside)."""
    names = _own_names(roots)

    def as_dict(node: MapNode) -> dict:
        whole_word = set(node.whole_word)
        return {
            "name": node.own_name,
            "name_zh": node.name_zh,
            "slug": node.slug,
            "url": _absolute(node.url, base_url),
            "notes": node.notes,
            "aliases": [
                {"name": alias, "whole_word": True} if alias in whole_word else alias
                for alias in node.aliases
            ],
            "summary": node.summary,
            "summary_zh": node.summary_zh,
            "autolink": node.autolink,
            "docs": node.docs,
            **_related(node, names),
            "children": [as_dict(child) for child in node.children],
        }

    return json.dumps({"topics": [as_dict(root) for root in roots]}, ensure_ascii=False, indent=2)
