"""What a topic's page shows: its mentions, its place in the tree, related topics, what
to learn before and after it, its map."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from .counts import count_field, subtree_field
from .docs_references import DocsLink, IndexEntry, docs_lines, docs_links, lookup_names
from .learning_paths import learning_paths, prerequisite_pairs
from .mindmap import LOCAL_COLUMN_WIDTH, LOCAL_LABEL_ROOM, layout_tree
from .models import Mention, Note, NoteQuerySet, PythonObject, Topic, visible_note_filter
from .topic_map import MapNode

# What a mention's card shows of its note.
MENTION_CARD_FIELDS = ("note__title", "note__slug", "note__status", "note__language",
                       "note__text_language")  # fmt: skip


def topic_tree() -> dict[int, Topic]:
    """Every topic by pk, in one query (topics are a few hundred at most): a topic's
    path, parent, children and subtree, and its related topics, come from it."""
    summaries = ("summary", "summary_html", "summary_zh", "summary_zh_html")
    return {topic.pk: topic for topic in Topic.objects.defer(*summaries, "updated")}


def visible_mentions(topic: Topic, user) -> QuerySet[Mention]:
    """The mentions of ``topic`` in the notes ``user`` may see."""
    return Mention.objects.filter(visible_note_filter(user, "note__"), topic=topic)


def mention_cards(topic: Topic, user) -> QuerySet[Mention]:
    """The mentions a topic page lists, each with what its card shows of its note."""
    # Most mentions first, then the most recently added note: the order of the
    # (topic, count, note) index, so a page reads twenty rows, not every mention.
    return (
        visible_mentions(topic, user)
        .select_related("note")
        .only("count", "snippet", "note_id", "topic_id", *MENTION_CARD_FIELDS)
        .order_by("-count", "-note_id")
    )


def children_of(topic: Topic, tree: dict[int, Topic], user) -> list[Topic]:
    """The topic's children, each with ``in_subtree``: the notes ``user`` may see that
    mention it or a topic below it."""
    children = [child for child in tree.values() if child.parent_id == topic.pk]
    for child in children:
        # The ignore: set for the page on these objects only; Topic does not declare it.
        child.in_subtree = getattr(child, subtree_field(user))  # type: ignore[attr-defined]
    return children


def notes_through_subtopics(
    topic: Topic,
    tree: dict[int, Topic],
    subtree: set[int],
    notes: NoteQuerySet,
    *,
    limit: int,
) -> list[Note]:
    """The newest of ``notes`` that reach this topic only through its subtopics, each
    with ``via``: the subtopic it mentions most."""
    below = subtree - {topic.pk}
    mentions_below = Mention.objects.filter(note=OuterRef("pk"), topic_id__in=below)
    mentions_here = Mention.objects.filter(note=OuterRef("pk"), topic=topic)
    found = list(
        notes.filter(Exists(mentions_below))
        .exclude(Exists(mentions_here))
        .only("title", "slug", "status", "created")
        .order_by("-created", "-pk")[:limit]
    )
    via: dict[int, Topic] = {}
    for note_id, topic_id in (
        Mention.objects.filter(note__in=found, topic_id__in=below)
        .order_by("-count", "topic__name")
        .values_list("note_id", "topic_id")
    ):
        via.setdefault(note_id, tree[topic_id])
    for note in found:
        note.via = via.get(note.pk)
    return found


@dataclass
class LearningAround:
    """What to learn before a topic and what it leads to; each topic has ``notes``, the
    count of notes the reader may see that mention it."""

    # Its prerequisites and theirs, in the order to learn them.
    before: list[Topic]
    # The prerequisites it names itself, and the topics that name it: drawn on its map.
    first: list[Topic]
    next: list[Topic]


def learning_around(topic: Topic, tree: dict[int, Topic], user) -> LearningAround:
    """Before this and next, from the study order of the whole tree (one query)."""
    paths = learning_paths(tree.values(), prerequisite_pairs())
    field = count_field(user)

    def counted(keys: list[int]) -> list[Topic]:
        found = [tree[key] for key in keys if key in tree]
        for shown in found:
            # The ignore: set for the page on these objects only; Topic does not declare it.
            shown.notes = getattr(shown, field)  # type: ignore[attr-defined]
        return found

    return LearningAround(
        before=counted(paths.before(topic.pk)),
        first=counted(paths.first(topic.pk)),
        next=counted(paths.next(topic.pk)),
    )


def local_map(
    topic: Topic,
    tree: dict[int, Topic],
    children: list[Topic],
    user,
    *,
    before: Sequence[Topic] = (),
    after: Sequence[Topic] = (),
):
    """Parent, this topic, its children, and the topics it needs first (``before``, drawn
    above its children) and leads to (``after``, below them), drawn small.

    Each topic appears once, and the page's own topic is drawn last, on top."""
    field = count_field(user)
    subtree = subtree_field(user)

    def node(shown: Topic) -> MapNode:
        return MapNode(
            shown.pk, shown.display_name, shown.slug, shown.get_absolute_url(),
            getattr(shown, field), subtree_notes=getattr(shown, subtree),
        )  # fmt: skip

    on_tree = {topic.pk, topic.parent_id, *(child.pk for child in children)}
    before = [shown for shown in before if shown.pk not in on_tree]
    after = [shown for shown in after if shown.pk not in on_tree]
    centre = node(topic)
    centre.children = [node(shown) for shown in [*before, *children, *after]]
    root = centre
    parent = None if topic.parent_id is None else tree.get(topic.parent_id)
    if parent is not None:
        root = node(parent)
        root.children = [centre]
    return layout_tree(
        [root],
        related_keys=frozenset(shown.pk for shown in [*before, *after]),
        current_key=topic.pk,
        column_width=LOCAL_COLUMN_WIDTH,
        label_room=LOCAL_LABEL_ROOM,
    )


def topic_docs_links(topic: Topic) -> list[DocsLink]:
    """The links of the topic's references into the Python documentation, for the
    site's Python version; the index is read for those names only (one query)."""
    references = docs_lines(topic.docs)
    if not references:
        return []
    index = {
        entry.name: IndexEntry(entry.path, entry.role, entry.signature, entry.summary)
        for entry in PythonObject.objects.filter(name__in=lookup_names(references))
    }
    base_url = settings.PYTHON_DOCS_URL.format(version=settings.PYTHON_DOCS_VERSION)
    return docs_links(references, index, base_url)
