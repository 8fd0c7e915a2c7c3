"""PostgreSQL: matching and ranking notes with the pg_trgm indexes."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q, QuerySet

from ..models import Note, NoteQuerySet
from .indexed_text import topic_marker
from .paging import SearchPaginator
from .query import QueryTerm
from .ranking import _contains, _score, _topic_notes_first


def _trigram_ranking(
    notes: NoteQuerySet, terms: Sequence[QueryTerm]
) -> QuerySet[Note, int] | list[int]:
    """PostgreSQL: the ids of the notes holding every term (any of a topic's names, or
    its marker), best first. The pg_trgm GIN indexes find the candidates for terms of
    three or more characters."""
    prefix = "search_entry__"
    for term in terms:
        found = Q()
        for alternative in term.alternatives:
            found |= _contains(alternative, prefix)
        if term.topic:
            found |= Q(**{f"{prefix}tags__contains": topic_marker(term.topic.key)})
        notes = notes.filter(found)
    # Ordering every match by id to keep the newest, PostgreSQL walks the primary key
    # and reads note after note (190 ms for a word in 5% of 100,000 notes): it ranks
    # all the matches from the trigram index instead, and keeps the best.
    ranked: QuerySet[Note, int] = (
        notes.alias(search_score=_score(terms, prefix))
        .order_by("-search_score", "-created", "-pk")
        .values_list("pk", flat=True)[: SearchPaginator.limit + 1]
    )
    if any(term.topic for term in terms):
        # The score counts a topic's names found in the title as text; a short one
        # (死锁) is looked for there too, on word boundaries if Latin, as on SQLite.
        return _topic_notes_first(list(ranked), terms)
    return ranked
