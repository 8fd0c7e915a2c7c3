"""The topic hierarchy as plain data: loading a map, walking it, and the tree for drawing."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from .counts import count_field, subtree_field
from .mindmap import MapNode, walk_map
from .models import Topic, TopicAlias

__all__ = ["MapNode", "TopicMapError", "build_map", "load_topic_map", "walk_map"]


class TopicMapError(ValueError):
    """A topic map file that cannot be loaded; the message says where and why."""


@transaction.atomic
def load_topic_map(entries: object, parent: Topic | None = None) -> int:
    """Create (or update, by name) the topics of a nested list; returns how many.
    ``entries`` is what a file held, checked here: a list of dicts."""
    if not isinstance(entries, list):
        raise TopicMapError("a topic map is a list of topics")
    count = 0
    for position, entry in enumerate(entries):
        if not isinstance(entry, dict) or not str(entry.get("name") or "").strip():
            raise TopicMapError(f"entry {position + 1} under {parent or 'the root'} has no name")
        topic, _ = Topic.objects.update_or_create(
            name=str(entry["name"]).strip(),
            defaults={
                "parent": parent,
                "position": position,
                "summary": str(entry.get("summary") or ""),
                "autolink": bool(entry.get("autolink", True)),
            },
        )
        for alias in entry.get("aliases") or []:
            # An alias is a name, or {name: 锁, whole_word: true}.
            options = alias if isinstance(alias, dict) else {"name": alias}
            name = str(options.get("name") or "").strip()
            if not name:
                raise TopicMapError(f"an alias of {topic.name} has no name")
            TopicAlias.objects.update_or_create(
                name__iexact=name,
                defaults={
                    "name": name,
                    "topic": topic,
                    "whole_word": bool(options.get("whole_word", False)),
                },
            )
        count += 1 + load_topic_map(entry.get("children") or [], parent=topic)
    return count


def build_map(user, *, with_aliases: bool = False) -> list[MapNode]:
    """Every topic as a tree of MapNodes, counting the notes ``user`` may see."""
    rows = list(
        Topic.objects.values_list(
            "pk", "name", "slug", "parent_id", count_field(user), subtree_field(user)
        )
    )
    parents = {pk: parent_id for pk, _, _, parent_id, _, _ in rows}
    nodes = {
        pk: MapNode(
            pk,
            name,
            slug,
            reverse("notes:topic-detail", args=[slug]),
            count,
            subtree_notes=subtree,
        )  # fmt: skip
        for pk, name, slug, _, count, subtree in rows
    }
    if with_aliases:
        for name, topic_id in TopicAlias.objects.values_list("name", "topic_id"):
            nodes[topic_id].aliases.append(name)
    roots: list[MapNode] = []
    for pk, parent_id in parents.items():
        # A parent loop (possible only by editing the database by hand) must not hide topics.
        if parent_id is None or _in_loop(pk, parents):
            roots.append(nodes[pk])
        else:
            nodes[parent_id].children.append(nodes[pk])
    return roots


def _in_loop(pk: int, parents: dict[int, int | None]) -> bool:
    seen, node = set(), parents.get(pk)
    while node is not None and node not in seen:
        if node == pk:
            return True
        seen.add(node)
        node = parents.get(node)
    return node is not None
