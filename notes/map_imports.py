"""Reading a topic map file back: OPML (the map's own download) to the entries that
``notes.topic_map.load_topic_map`` loads, as the starter map's YAML holds them.

Pure: text in, plain lists and dicts out. The file comes from anywhere, so a document
type declaration (the door to entity expansion) is refused before any parsing, and
every fault is a ``TopicMapError`` whose message says what and where, as a clause
the caller ends ("the file is not OPML: ...").
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

__all__ = [
    "MAX_DEPTH",
    "RELATION_KEYS",
    "TopicMapError",
    "join_names",
    "parse_opml",
    "split_names",
]


class TopicMapError(ValueError):
    """A topic map file that cannot be loaded; the message says where and why."""


# The keys of a map entry that name related topics: needs first, see also, contrasts with.
RELATION_KEYS = ("needs", "see_also", "contrasts")
# Deeper than any map drawn by hand; a file nesting further is refused, not walked.
MAX_DEPTH = 64
_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def join_names(names: list[str]) -> str:
    """Names in one attribute, parted by "|"; a "|" or "\\" in a name is escaped by a
    backslash, so that ``split_names`` gives back exactly these names."""
    return "|".join(name.replace("\\", "\\\\").replace("|", "\\|") for name in names)


def split_names(text: str) -> list[str]:
    """The names ``join_names`` wrote (blank ones left out)."""
    names: list[str] = []
    current: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            names.append("".join(current))
            current = []
        else:
            current.append(char)
    names.append("".join(current))
    return [name.strip() for name in names if name.strip()]


def parse_opml(content: str | bytes) -> list[dict[str, object]]:
    """The topics of an OPML file as map entries (name, name_zh, aliases, summary,
    summary_zh, autolink, needs, see_also, contrasts, children).

    An outline's name is its ``name`` attribute (the exports write the topic's own
    name there and the name in the reader's language as ``text``), else its ``text``.
    """
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise TopicMapError(
                f"the file is not UTF-8 text (byte {error.start + 1} cannot be read)"
            ) from None
    # Handed a str, expat reads it as the text it is, whatever encoding the XML
    # declaration names: the check below sees exactly what the parser will.
    if _DECLARATION.search(content):
        raise TopicMapError(
            "the file declares a document type or entities, which a topic map never "
            "needs, so it is not read"
        )
    try:
        # The declaration check above keeps entity expansion out; nothing else is fetched.
        root = ET.fromstring(content)  # noqa: S314
    except ET.ParseError as error:
        raise TopicMapError(f"the file is not well-formed XML ({error})") from None
    if root.tag != "opml":
        raise TopicMapError(f"the file is not OPML: its root element is <{root.tag}>, not <opml>")
    body = root.find("body")
    if body is None:
        raise TopicMapError("the OPML file has no <body>, so it holds no topics")
    return _entries(body, "the root", 1)


def _entries(parent: ET.Element, where: str, depth: int) -> list[dict[str, object]]:
    if depth > MAX_DEPTH:
        raise TopicMapError(f"the outlines under {where} nest deeper than {MAX_DEPTH} levels")
    entries: list[dict[str, object]] = []
    for position, outline in enumerate(parent.findall("outline"), start=1):
        name = " ".join((outline.get("name") or outline.get("text") or "").split())
        if not name:
            raise TopicMapError(f"outline {position} under {where} has no name")
        whole_word = set(split_names(outline.get("whole_word_aliases") or ""))
        aliases: list[object] = [
            {"name": alias, "whole_word": True} if alias in whole_word else alias
            for alias in split_names(outline.get("aliases") or "")
        ]
        autolink = (outline.get("autolink") or "true").strip().lower()
        if autolink not in {"true", "false"}:
            raise TopicMapError(f"the autolink of {name} is {autolink!r}, not true or false")
        entry: dict[str, object] = {
            "name": name,
            "name_zh": (outline.get("name_zh") or "").strip(),
            "aliases": aliases,
            "summary": outline.get("summary") or "",
            "summary_zh": outline.get("summary_zh") or "",
            "autolink": autolink == "true",
            "docs": split_names(outline.get("docs") or ""),
        }
        for key in RELATION_KEYS:
            entry[key] = split_names(outline.get(key) or "")
        entry["children"] = _entries(outline, name, depth + 1)
        entries.append(entry)
    return entries
