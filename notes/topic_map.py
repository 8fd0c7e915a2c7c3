"""The topic hierarchy as plain data: loading a map, walking it, and the tree for drawing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from .control_characters import validate_visible_name
from .counts import count_field, subtree_field
from .docs_references import docs_lines, reference_problem
from .map_imports import MAX_DEPTH, TopicMapError
from .mindmap import MapNode, walk_map
from .models import Topic, TopicAlias, TopicRelation, localised

__all__ = ["MapNode", "TopicMapError", "build_map", "load_topic_map", "walk_map"]


# The keys of a map entry that relate it to other topics, by their kind.
RELATION_KEYS = {
    "needs": TopicRelation.Kind.PREREQUISITE,
    "see_also": TopicRelation.Kind.SEE_ALSO,
    "contrasts": TopicRelation.Kind.CONTRASTS,
}


@transaction.atomic
def load_topic_map(entries: object, parent: Topic | None = None) -> int:
    """Create (or update, by name) the topics of a nested list; returns how many.
    ``entries`` is what a file held, checked here: a list of dicts, or the map's JSON
    download (``{"topics": [...]}``), whose entries have this form too.

    An entry's ``needs``, ``see_also`` and ``contrasts`` name other topics of the map
    (or of the knowledge base); they are added once every topic exists."""
    if isinstance(entries, dict) and "topics" in entries:
        entries = entries["topics"]
    relations: list[tuple[Topic, str, str]] = []
    count = _load_entries(entries, parent, relations)
    _add_relations(relations)
    return count


def _checked_name(value: object, what: str) -> str:
    """``value`` as a name a topic or alias may have, or the sentence saying why not."""
    name = str(value or "").strip()
    if len(name) > NAME_LENGTH:
        raise TopicMapError(f"{what} is longer than {NAME_LENGTH} characters: {name[:40]}…")
    try:
        validate_visible_name(name)
    except ValidationError as refused:
        raise TopicMapError(f"{what}: {' '.join(refused.messages)}") from None
    return name


NAME_LENGTH = 100  # Topic.name, Topic.name_zh and TopicAlias.name


def _checked_docs(value: object, name: str) -> list[str]:
    try:
        references = docs_lines(value)
    except ValueError:
        raise TopicMapError(f"the docs of {name} are not a list of references") from None
    for reference in references:
        problem = reference_problem(reference)
        if problem:
            raise TopicMapError(f"the docs of {name} name {reference!r}: {problem}")
    return references


def _load_entries(
    entries: object,
    parent: Topic | None,
    relations: list[tuple[Topic, str, str]],
    depth: int = 1,
) -> int:
    if not isinstance(entries, list):
        raise TopicMapError("a topic map is a list of topics")
    if depth > MAX_DEPTH:
        raise TopicMapError(f"the topics under {parent} nest deeper than {MAX_DEPTH} levels")
    count = 0
    for position, entry in enumerate(entries):
        if not isinstance(entry, dict) or not str(entry.get("name") or "").strip():
            raise TopicMapError(f"entry {position + 1} under {parent or 'the root'} has no name")
        name = _checked_name(entry["name"], f"the name of entry {position + 1}")
        topic, _ = Topic.objects.update_or_create(
            name=name,
            defaults={
                "parent": parent,
                "position": position,
                "name_zh": _checked_name(entry.get("name_zh"), f"the Chinese name of {name}"),
                "summary": str(entry.get("summary") or ""),
                "summary_zh": str(entry.get("summary_zh") or ""),
                "autolink": bool(entry.get("autolink", True)),
                "docs": "\n".join(_checked_docs(entry.get("docs") or [], name)),
            },
        )
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list):
            raise TopicMapError(f"the aliases of {topic.name} are not a list of names")
        for alias in aliases:
            # An alias is a name, or {name: 锁, whole_word: true}.
            options = alias if isinstance(alias, dict) else {"name": alias}
            alias_name = _checked_name(options.get("name"), f"an alias of {topic.name}")
            if not alias_name:
                raise TopicMapError(f"an alias of {topic.name} has no name")
            TopicAlias.objects.update_or_create(
                name__iexact=alias_name,
                defaults={
                    "name": alias_name,
                    "topic": topic,
                    "whole_word": bool(options.get("whole_word", False)),
                },
            )
        for key, kind in RELATION_KEYS.items():
            others = entry.get(key) or []
            if not isinstance(others, list):
                raise TopicMapError(f"{key} of {topic.name} is not a list of topic names")
            relations.extend((topic, kind, str(other).strip()) for other in others)
        count += 1 + _load_entries(entry.get("children") or [], topic, relations, depth + 1)
    return count


def _add_relations(relations: list[tuple[Topic, str, str]]) -> None:
    for topic, kind, other_name in relations:
        other = Topic.objects.filter(name__iexact=other_name).first()
        if other is None:
            raise TopicMapError(f"{topic.name} names {other_name!r}, which is not a topic")
        if (
            kind in TopicRelation.SYMMETRIC
            and TopicRelation.objects.filter(topic=other, other=topic, kind=kind).exists()
        ):
            continue  # the same relation, named from its other end
        relation = TopicRelation.objects.filter(topic=topic, other=other).first()
        relation = relation or TopicRelation(topic=topic, other=other)
        relation.kind = kind
        try:
            relation.full_clean()
        except ValidationError as refused:
            sentences = " ".join(message for message in refused.messages)
            raise TopicMapError(f"{topic.name} → {other.name}: {sentences}") from None
        relation.save()


def build_map(user, *, with_aliases: bool = False, with_details: bool = False) -> list[MapNode]:
    """Every topic as a tree of MapNodes, counting the notes ``user`` may see, named in
    the interface's language and holding its relations; ``with_aliases`` adds their
    aliases, ``with_details`` what the downloads carry besides (summaries, autolink)."""
    fields = ["pk", "name", "name_zh", "slug", "parent_id", count_field(user),
              subtree_field(user), "relations__kind", "relations__other_id"]  # fmt: skip
    if with_details:
        fields += ["summary", "summary_zh", "autolink", "docs"]
    nodes: dict[int, MapNode] = {}
    parents: dict[int, int | None] = {}
    # One row per relation of a topic (one for a topic with none): no query more per kind.
    for (
        pk,
        name,
        name_zh,
        slug,
        parent_id,
        count,
        subtree,
        kind,
        other,
        *details,
    ) in Topic.objects.values_list(*fields):
        node = nodes.get(pk)
        if node is None:
            node = nodes[pk] = MapNode(
                pk,
                localised(name, name_zh),
                slug,
                reverse("notes:topic-detail", args=[slug]),
                count,
                subtree_notes=subtree,
                topic_name=name,
                name_zh=name_zh,
            )
            if details:
                node.summary, node.summary_zh, node.autolink, docs = details
                node.docs = docs_lines(docs)
            parents[pk] = parent_id
        if kind is not None:
            node.relations.append((kind, other))
    if with_aliases:
        for name, topic_id, whole_word in TopicAlias.objects.values_list(
            "name", "topic_id", "whole_word"
        ):
            nodes[topic_id].aliases.append(name)
            if whole_word:
                nodes[topic_id].whole_word.append(name)
    roots: list[MapNode] = []
    for pk, parent_id in parents.items():
        nodes[pk].relations.sort(key=lambda relation: (relation[0], nodes[relation[1]].own_name))
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
