"""The topic hierarchy as plain data: loading a map, walking it, and the tree for drawing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from .counts import count_field, subtree_field
from .mindmap import MapNode, walk_map
from .models import Topic, TopicAlias, TopicRelation

__all__ = ["MapNode", "TopicMapError", "build_map", "load_topic_map", "walk_map"]


class TopicMapError(ValueError):
    """A topic map file that cannot be loaded; the message says where and why."""


# The keys of a map entry that relate it to other topics, by their kind.
RELATION_KEYS = {
    "needs": TopicRelation.Kind.PREREQUISITE,
    "see_also": TopicRelation.Kind.SEE_ALSO,
    "contrasts": TopicRelation.Kind.CONTRASTS,
}


@transaction.atomic
def load_topic_map(entries: object, parent: Topic | None = None) -> int:
    """Create (or update, by name) the topics of a nested list; returns how many.
    ``entries`` is what a file held, checked here: a list of dicts.

    An entry's ``needs``, ``see_also`` and ``contrasts`` name other topics of the map
    (or of the knowledge base); they are added once every topic exists."""
    relations: list[tuple[Topic, str, str]] = []
    count = _load_entries(entries, parent, relations)
    _add_relations(relations)
    return count


def _load_entries(
    entries: object, parent: Topic | None, relations: list[tuple[Topic, str, str]]
) -> int:
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
                "name_zh": str(entry.get("name_zh") or "").strip(),
                "summary": str(entry.get("summary") or ""),
                "summary_zh": str(entry.get("summary_zh") or ""),
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
        for key, kind in RELATION_KEYS.items():
            others = entry.get(key) or []
            if not isinstance(others, list):
                raise TopicMapError(f"{key} of {topic.name} is not a list of topic names")
            relations.extend((topic, kind, str(other).strip()) for other in others)
        count += 1 + _load_entries(entry.get("children") or [], topic, relations)
    return count


def _add_relations(relations: list[tuple[Topic, str, str]]) -> None:
    for topic, kind, other_name in relations:
        other = Topic.objects.filter(name__iexact=other_name).first()
        if other is None:
            raise TopicMapError(f"{topic.name} names {other_name!r}, which is not a topic")
        relation = TopicRelation.objects.filter(topic=topic, other=other).first()
        relation = relation or TopicRelation(topic=topic, other=other)
        relation.kind = kind
        try:
            relation.full_clean()
        except ValidationError as refused:
            sentences = " ".join(message for message in refused.messages)
            raise TopicMapError(f"{topic.name} → {other.name}: {sentences}") from None
        relation.save()


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
