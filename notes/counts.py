"""How many notes each tag, category and topic has, stored so that pages never count.

A tag cloud, the category list or the map counted over every note on each request
grows with the notes: at 100,000 of them the home page took a second. Instead each
tag, category and topic keeps two numbers (its published notes, for readers, and all
its notes, for staff) that every change recounts for the rows it touched.

Recounted, not incremented: a recount reads the truth through an index, so a missed
or doubled signal cannot leave a number wrong for good, and it runs inside the
change's own transaction, so a rolled-back change leaves the numbers as they were.

One exception, for imports: in a batch (``counted_at_end``), the tags, category and
topics a note gets when it is created, and the topic subtrees above those topics, are
added as increments, since recounting a topic found in every note at every batch made
an import quadratic. Only a note new in the batch counts this way, and anything
recounted in the same batch is recounted after the increments, so the recount has the
last word.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db.models import Count, F, Model, Q

from .gathering import gathered_at_end
from .models import Category, Mention, Note, Tag, TaggedNote, Topic, descendant_ids

PUBLISHED = Note.Status.PUBLISHED


@dataclass
class Touched:
    # model -> ids of its rows to recount.
    recounts: dict[type, set[int]] = field(default_factory=dict)
    # (model, pk) -> [notes, published notes] to add, from notes new in a batch.
    increments: dict[tuple[type, int], list[int]] = field(default_factory=dict)
    # (topics mentioned, published) of each note new in a batch, for the subtree counts.
    new_mentions: list[tuple[frozenset[int], bool]] = field(default_factory=list)

    def add(self, tags: Iterable = (), categories: Iterable = (), topics: Iterable = ()) -> None:
        for model, pks in ((Tag, tags), (Category, categories), (Topic, topics)):
            self.recounts.setdefault(model, set()).update(pk for pk in pks if pk is not None)

    def increment(self, model: type, pks: Iterable, published: bool) -> None:
        for pk in pks:
            if pk is not None:
                counts = self.increments.setdefault((model, pk), [0, 0])
                counts[0] += 1
                counts[1] += published

    def merge(self, other: Touched) -> None:
        for model, pks in other.recounts.items():
            self.recounts.setdefault(model, set()).update(pks)
        for key, (total, published) in other.increments.items():
            counts = self.increments.setdefault(key, [0, 0])
            counts[0] += total
            counts[1] += published
        self.new_mentions.extend(other.new_mentions)


# Set while a batch of changes runs (an import): touched rows are recounted once at its end.
_GATHERING: ContextVar[Touched | None] = ContextVar("counts_gathering", default=None)


def count_field(user) -> str:
    """The stored count a user sees: staff count drafts too."""
    return "note_count" if user.is_active and user.is_staff else "published_count"


def touch(*, tags: Iterable = (), categories: Iterable = (), topics: Iterable = ()) -> None:
    """Recount these tags, categories and topics now, or at the end of a batch."""
    gathering = _GATHERING.get()
    if gathering is not None:
        gathering.add(tags, categories, topics)
        return
    touched = Touched()
    touched.add(tags, categories, topics)
    recount(touched)


def count_new_note(note: Note, *, tags: Iterable = (), categories: Iterable = (),
                   topics: Iterable = ()) -> None:  # fmt: skip
    """Count a note created just now under these tags, categories and topics."""
    gathering = _GATHERING.get()
    if gathering is None:
        touch(tags=tags, categories=categories, topics=topics)
        return
    published = note.status == PUBLISHED
    topics = [pk for pk in topics if pk is not None]
    gathering.increment(Tag, tags, published)
    gathering.increment(Category, categories, published)
    gathering.increment(Topic, topics, published)
    if topics:
        gathering.new_mentions.append((frozenset(topics), published))


def counted_at_end() -> AbstractContextManager[Touched]:
    """Gather what a batch of changes touches and count it once, when the batch ends.

    Use inside the batch's transaction so that the numbers commit with the rows.
    Nested (a file inside an import's batch), what it gathered joins the outer batch
    only if it ends without an error: a rolled-back file counts for nothing.
    """
    return gathered_at_end(_GATHERING, Touched, Touched.merge, recount)


def recount(touched: Touched) -> None:
    topics = set(touched.recounts.get(Topic, ()))
    by_model: dict[type, dict[int, list[int]]] = {}
    for (model, pk), counts in touched.increments.items():
        by_model.setdefault(model, {})[pk] = counts
    for model, added in by_model.items():
        _add_counts(model, added, "note_count", "published_count")
    for model, pks in touched.recounts.items():
        if pks:
            _recount(model, pks)
    if touched.new_mentions:
        _add_to_subtrees(touched.new_mentions)
    if topics:
        recount_subtrees(topics)


def _add_to_subtrees(new_notes: list[tuple[frozenset[int], bool]]) -> None:
    """Count notes new in a batch once in the subtree of each topic they mention and of
    every topic above those.

    Added rather than recounted: a recount reads every mention below a topic, and the
    topics at the top of the map have nearly all notes below them, so recounting them
    at every batch cost in proportion to all the notes already imported.
    """
    parents = dict(Topic.objects.values_list("pk", "parent_id"))
    added: dict[int, list[int]] = {}
    for mentioned, published in new_notes:
        for pk in _with_ancestors(mentioned, parents):
            counts = added.setdefault(pk, [0, 0])
            counts[0] += 1
            counts[1] += published
    _add_counts(Topic, added, "subtree_count", "subtree_published_count")


def _add_counts(
    model: type[Model], added: dict[int, list[int]], field: str, published_field: str
) -> None:
    """Add [notes, published notes] to each row's two counts: one UPDATE for all the rows
    given the same numbers."""
    by_change: dict[tuple[int, int], list[int]] = {}
    for pk, (total, published) in added.items():
        by_change.setdefault((total, published), []).append(pk)
    for (total, published), pks in by_change.items():
        model._default_manager.filter(pk__in=pks).update(
            **{field: F(field) + total, published_field: F(published_field) + published}
        )


def recount_subtrees(topics: Iterable[int] | None = None) -> None:
    """Recount the notes in the subtrees of these topics and of all their ancestors
    (every topic when None): a note under a topic counts once, however many of its
    subtopics it mentions, so these are counted, never summed."""
    pairs = list(Topic.objects.values_list("pk", "parent_id"))
    wanted = {pk for pk, _ in pairs} if topics is None else _with_ancestors(topics, dict(pairs))
    objects = []
    for pk in wanted:
        counts = Mention.objects.filter(topic_id__in=descendant_ids(pk, pairs)).aggregate(
            all=Count("note", distinct=True),
            published=Count("note", distinct=True, filter=Q(note__status=PUBLISHED)),
        )
        objects.append(
            Topic(pk=pk, subtree_count=counts["all"], subtree_published_count=counts["published"])
        )
    Topic.objects.bulk_update(objects, ["subtree_count", "subtree_published_count"], batch_size=500)


def _with_ancestors(topics: Iterable[int], parents: Mapping[int, int | None]) -> set[int]:
    """These topics and every topic above them (topics since deleted left out)."""
    found: set[int] = set()
    for topic in topics:
        pk: int | None = topic
        while pk is not None and pk not in found and pk in parents:
            found.add(pk)
            pk = parents[pk]
    return found


def recount_everything() -> None:
    """Recount every tag, category and topic (after bulk loads that sent no signals)."""
    recount(
        Touched(
            recounts={
                model: set(model._default_manager.values_list("pk", flat=True))
                for model in _COUNTED_ROWS
            }
        )
    )
    recount_subtrees()


def subtree_field(user) -> str:
    """The stored subtree count a user sees: staff count drafts too."""
    return "subtree_count" if user.is_active and user.is_staff else "subtree_published_count"


# What each count counts: the rows that tie a note to it, the key naming it there,
# and the way from such a row to its note's status.
_COUNTED_ROWS: dict[type[Model], tuple[type[Model], str, str]] = {
    Tag: (TaggedNote, "tag", "content_object__status"),
    Category: (Note, "category", "status"),
    Topic: (Mention, "topic", "note__status"),
}


def _recount(model: type[Model], pks: set[int]) -> None:
    rows, key, status = _COUNTED_ROWS[model]
    counts = (
        rows._default_manager.filter(**{f"{key}__in": pks})
        .order_by()
        .values(key)
        .annotate(all=Count("pk"), published=Count("pk", filter=Q(**{status: PUBLISHED})))
        .values_list(key, "all", "published")
    )
    _store(model, pks, counts)


def _store(model, pks: set[int], rows) -> None:
    counts = {pk: (total, published) for pk, total, published in rows}
    objects = [
        model(
            pk=pk, note_count=counts.get(pk, (0, 0))[0], published_count=counts.get(pk, (0, 0))[1]
        )
        for pk in pks
    ]
    # Only these two columns: the rest of the row may be mid-edit in the same transaction.
    # Rows deleted meanwhile (a deleted tag's own count) are simply not matched.
    model._default_manager.bulk_update(objects, ["note_count", "published_count"], batch_size=500)
