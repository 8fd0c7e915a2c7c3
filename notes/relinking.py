"""Keeping stored topic links true when topics, aliases or note titles change."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from .caching import bump_content_version
from .card_sync import sync_note_cards
from .models import Note, Topic, TopicAlias
from .search import schedule_index

_PENDING_ATTR = "_notes_pending_relink"


def relink_notes(notes: Iterable[Note]) -> int:
    """Re-render and re-link ``notes`` with the current topics; returns how many."""
    matcher = Topic.objects.matcher()
    count = 0
    rendered = {}
    for note in notes:
        with transaction.atomic():
            links = note.refresh_rendering(matcher)
            # update() rather than save(): a topic edit is not an edit of the note.
            # The headings and the excerpt come from the same rendering: stored with it, a
            # change of the renderer reaches them too (``recount_notes --rerender``).
            Note.objects.filter(pk=note.pk).update(
                body_html=note.body_html, headings=note.headings, auto_excerpt=note.auto_excerpt
            )
            note.store_links(links)
            # Its cards carry its topic links too (a renamed topic's new address).
            sync_note_cards(note)
        rendered[note.pk] = (note.body_html, note.plain_text)
        count += 1
    if rendered:
        # The index records which topics a note mentions (notes.search.topic_markers):
        # reindexed together, in batches, rather than one note at a time.
        schedule_index(rendered, rendered)
    if count:
        # Saved with update(), which sends no signal: retire the cached pages here.
        bump_content_version()
    return count


def notes_affected_by(topic_ids: Iterable[int], terms: Iterable[str]) -> set[int]:
    """Notes that mention or link these topics now, or whose text holds any of ``terms``."""
    topic_ids, terms = set(topic_ids), {term for term in terms if term and term.strip()}
    ids = set(
        Note.objects.filter(
            Q(mentions__topic__in=topic_ids) | Q(outgoing_links__target_topic__in=topic_ids)
        ).values_list("pk", flat=True)
    )
    if terms:
        text_filter = Q()
        for term in terms:
            text_filter |= Q(body__icontains=term.strip())
        ids |= set(Note.objects.filter(text_filter).values_list("pk", flat=True))
    return ids


def topic_terms(topic: Topic) -> set[str]:
    names = {topic.name, *TopicAlias.objects.filter(topic=topic).values_list("name", flat=True)}
    return names | ({topic.name_zh} if topic.name_zh else set())


def schedule_relink(*, note_ids: Iterable[int] = (), topic_ids: Iterable[int] = (),
                    terms: Iterable[str] = ()) -> None:  # fmt: skip
    """Relink the affected notes once, when the surrounding transaction commits.

    An admin save of a topic with its aliases inline fires many signals; gathering
    them per transaction relinks each note once instead of once per alias.
    """
    connection = transaction.get_connection()
    pending = getattr(connection, _PENDING_ATTR, None)
    if pending is None:
        pending = {"note_ids": set(), "topic_ids": set(), "terms": set()}
        setattr(connection, _PENDING_ATTR, pending)
    pending["note_ids"].update(note_ids)
    pending["topic_ids"].update(topic_ids)
    pending["terms"].update(terms)
    transaction.on_commit(_run_pending)


def _run_pending() -> None:
    connection = transaction.get_connection()
    pending = getattr(connection, _PENDING_ATTR, None)
    if not pending:
        return
    setattr(connection, _PENDING_ATTR, None)
    ids = set(pending["note_ids"]) | notes_affected_by(pending["topic_ids"], pending["terms"])
    if ids:
        relink_notes(Note.objects.filter(pk__in=ids).order_by("pk"))
