"""The index table (SearchEntry) and keeping it in step with the notes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import models, transaction

from ..caching import bump_content_version
from ..linking import TopicMatcher
from ..models import Mention, Note, TaggedNote, Topic
from .indexed_text import index_fields, topic_markers


class SearchEntry(models.Model):
    """What text search looks at for one note.

    The table is made by migration 0005 for each database (an FTS5 virtual table on
    SQLite); this model gives both the same columns for writing and filtering. It is
    kept in step by ``schedule_index()`` from signals rather than by SQL triggers,
    because a note's tags are saved after the note itself. It lives in ``notes.search``,
    beside the only code that reads and writes it; ``notes.signals``, imported when the
    app is ready, imports the package and so registers it.
    """

    # rowid is FTS5's key; a virtual table can hold no foreign key, hence no constraint.
    # Entries go with their note through the post_delete signal (notes.signals), so the
    # admin's delete confirmation does not list them.
    note = models.OneToOneField(
        Note,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        related_name="search_entry",
    )
    title = models.TextField()
    tags = models.TextField()
    body = models.TextField()

    class Meta:
        app_label = "notes"
        db_table = "notes_searchentry"

    def __str__(self) -> str:
        return self.title


_PENDING_ATTR = "_notes_pending_search_index"
_BATCH = 500


Rendered = tuple[str, str]  # (body_html, its plain_text)


def schedule_index(
    note_ids: Iterable[int], rendered: Mapping[int, Rendered | None] | None = None
) -> None:
    """Reindex these notes when the current transaction commits (at once outside one).

    A note and its tags are saved in one transaction by the admin and the importer:
    indexing once, at the end, halves the full-text work of every edit. A search in
    the same transaction catches up first (``update_index``).

    ``rendered`` holds the plain text of notes just rendered (``RenderedNote.text``)
    with the HTML it was read from: it is used only if the note still has that HTML
    when it is indexed (a rolled-back edit leaves it behind).
    """
    connection = transaction.get_connection()
    pending = getattr(connection, _PENDING_ATTR, None)
    if pending is None:
        pending = {}
        setattr(connection, _PENDING_ATTR, pending)
    rendered = rendered or {}
    pending.update((pk, rendered.get(pk)) for pk in note_ids)
    # Registered every time: a rolled-back transaction drops its callbacks, not the set.
    transaction.on_commit(update_index)


def update_index() -> None:
    """Index the notes waiting on this connection, if any."""
    connection = transaction.get_connection()
    pending = getattr(connection, _PENDING_ATTR, None)
    if pending:
        setattr(connection, _PENDING_ATTR, None)
        index_notes(pending)
        # The index is written after the change's own commit, which already retired the
        # cached pages: a search in between may have kept results from before. Retire
        # them again now that the index is up to date.
        bump_content_version()


def index_notes(note_ids: Iterable[int] | Mapping[int, Rendered | None]) -> None:
    """Store what search looks at for these notes, replacing what was there; notes that
    no longer exist leave the index. A mapping gives the plain text of some of them."""
    rendered = note_ids if isinstance(note_ids, Mapping) else {}
    ids = sorted(note_ids)
    matcher = Topic.objects.matcher() if ids else None
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        names: dict[int, list[str]] = {}
        tagged = TaggedNote.objects.filter(content_object_id__in=batch)
        for note_id, name in tagged.values_list("content_object_id", "tag__name"):
            names.setdefault(note_id, []).append(name)
        mentions: dict[int, dict[int, int]] = {}
        found = Mention.objects.filter(note_id__in=batch)
        for note_id, topic_id, count in found.values_list("note_id", "topic_id", "count"):
            mentions.setdefault(note_id, {})[topic_id] = count
        notes = Note.objects.filter(pk__in=batch).select_related("category")
        entries = [
            SearchEntry(
                note_id=note.pk,
                **index_fields(
                    note.title,
                    note.body_html,
                    names.get(note.pk, ()),
                    _plain_text_of(note, rendered.get(note.pk)),
                    topic_markers(mentions.get(note.pk, {}), _category_topic(note, matcher)),
                ),
            )
            for note in notes.only("pk", "title", "body_html", "category__name")
        ]
        with transaction.atomic():
            SearchEntry.objects.filter(pk__in=batch).delete()
            SearchEntry.objects.bulk_create(entries)


def _category_topic(note: Note, matcher: TopicMatcher | None) -> list[int]:
    """The topic a note's category is named after, if any: its main subject."""
    target = matcher.target_for(note.category.name) if note.category and matcher else None
    return [target.key] if target is not None and target.kind == "topic" else []


def _plain_text_of(note: Note, rendered: Rendered | None) -> str | None:
    if rendered is not None and rendered[0] == note.body_html:
        return rendered[1]
    return None


@transaction.atomic
def rebuild_index() -> int:
    """Index every note afresh, after writes that send no signals (``bulk_create``,
    ``update()``, SQL); returns how many notes were indexed."""
    SearchEntry.objects.all().delete()
    ids = list(Note.objects.values_list("pk", flat=True))
    index_notes(ids)
    return len(ids)
