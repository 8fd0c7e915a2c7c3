"""Tags and topics that share a name: #垃圾回收 is the Garbage collection topic.

A tag names a topic when the tag's name is the topic's name, its Chinese name or one of
its aliases, case ignored (as the database lowers text: SQLite only ASCII letters).
A topic's name comes ahead of another's Chinese name, and that ahead of an alias.
"""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Lower
from django.db.models.lookups import Exact

from .counts import count_field
from .models import Tag, Topic, TopicAlias, ancestors_of

_UNKNOWN = object()


def _same(field: str, name: Combinable) -> Exact:
    return Exact(Lower(field), Lower(name))


def _named_by(name: Combinable) -> Case:
    """On a topic: 1 when ``name`` is its name, 2 its Chinese name, 3 an alias, else 0."""
    alias = TopicAlias.objects.filter(_same("name", name), topic=OuterRef("pk"))
    return Case(
        When(_same("name", name), then=Value(1)),
        When(_same("name_zh", name), then=Value(2)),
        When(Exists(alias), then=Value(3)),
        default=Value(0),
        output_field=IntegerField(),
    )


def with_named_topic(tags: QuerySet[Tag]) -> QuerySet[Tag]:
    """``tags``, each with ``names_topic``: whether its name is a topic's name, Chinese
    name or alias, read in the same query (``topic_for_tag`` then costs no query for a
    tag that names none)."""
    name = OuterRef("name")
    topics = Topic.objects.filter(Q(_same("name", name)) | Q(_same("name_zh", name)))
    aliases = TopicAlias.objects.filter(_same("name", name))
    either = ExpressionWrapper(Q(Exists(topics)) | Q(Exists(aliases)), BooleanField())
    return tags.annotate(names_topic=either)


def topic_for_tag(tag: Tag) -> Topic | None:
    """The topic ``tag`` names, or None; with ``path``: the topics above it, from the
    root, for its place on the map. One query (the whole tree, a few hundred topics,
    for the path), none when ``tag`` came through ``with_named_topic`` naming none."""
    if getattr(tag, "names_topic", _UNKNOWN) is False:
        return None
    tree = {
        topic.pk: topic
        for topic in Topic.objects.only("pk", "parent_id", "name", "name_zh", "slug").annotate(
            named_by=_named_by(Value(tag.name))
        )
    }
    named = sorted(
        (topic for topic in tree.values() if topic.named_by),
        key=lambda topic: (topic.named_by, topic.pk),
    )
    if not named:
        return None
    topic: Topic = named[0]
    # The ignore: set for the page on this object only; Topic does not declare it.
    topic.path = ancestors_of(topic, tree)  # type: ignore[attr-defined]
    return topic


def tags_for_topic(topic: Topic, user) -> list[Tag]:
    """The tags named as ``topic`` is (its name, Chinese name or an alias) that carry a
    note ``user`` may see, by name. One query."""
    names = Q(_same("name", Value(topic.name)))
    if topic.name_zh:
        names |= Q(_same("name", Value(topic.name_zh)))
    aliases = TopicAlias.objects.filter(_same("name", OuterRef("name")), topic=topic)
    return list(
        Tag.objects.filter(names | Q(Exists(aliases)), **{f"{count_field(user)}__gt": 0})
        .order_by("name")
    )  # fmt: skip
