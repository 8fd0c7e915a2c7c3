"""SQLite: matching and ranking notes with the FTS5 table and its trigram vocabulary."""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connections
from django.db.models import BooleanField, Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL

from ..models import Note, NoteQuerySet
from .index import SearchEntry
from .indexed_text import topic_marker
from .paging import SearchPaginator
from .query import TRIGRAM, QueryTerm, _quoted, fts_expression
from .ranking import _contains, _score, _topic_notes_first

# A shorter word is looked up on SQLite as the trigrams starting with it; past this
# many (a common single character) scanning the text is about as quick.
MAX_EXPANSION = 300
# Up to this many matches, SQLite ranks text results with bm25 (weighing how often the
# words occur); more are ranked by title and tag matches, then newest first.
BM25_LIMIT = 200


def _expand(term: str, using: str) -> list[str]:
    """The indexed trigrams that start with a word of one or two characters.

    The trigram tokenizer keeps spaces and punctuation, and the indexed text ends with
    two spaces, so every place 协程 appears starts a trigram ("协程的", "协程，",
    "协程 "...): the notes with any of them are exactly the notes with 协程. The
    vocabulary table lists them in order, so this is one short range lookup.
    """
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT term FROM notes_searchentry_vocab WHERE term >= %s AND term < %s LIMIT %s",
            [term, term + "\U0010ffff", MAX_EXPANSION + 1],
        )
        return [row[0] for row in cursor.fetchall()]


def _newest_matches(matching: QuerySet) -> tuple[QuerySet, list[int]]:
    """SQLite: ``matching`` cut to its ``SearchPaginator.limit`` + 1 newest rows, and
    their ids, newest first.

    Ranking every match made a search cost in proportion to the notes it matched: a
    word found in nearly every note took 0.4 s at 100,000 notes. Beyond the limit the
    word says little on its own, so only the newest are ranked (the page says "more
    than 1,000 found"; another word or a tag narrows it down). FTS5 hands out matches
    newest first and stops there, whatever the collection's size.
    """
    limit = SearchPaginator.limit
    # A query of its own: FTS5's MATCH names its table, which a subquery would alias.
    newest = list(matching.order_by("-pk").values_list("pk", flat=True)[: limit + 1])
    if len(newest) > limit:
        matching = matching.filter(pk__gte=newest[-1])
    return matching, newest


def _fts_match(expression: str) -> RawSQL:
    return RawSQL("notes_searchentry MATCH %s", (expression,), output_field=BooleanField())


def _fts5_ranking(
    notes: NoteQuerySet, terms: Sequence[QueryTerm], filters: Sequence[Exists] = ()
) -> QuerySet | list[int]:
    """The ids of the matching notes among ``notes`` that pass every one of
    ``filters`` (conditions on a note's id), best first, from SQLite's FTS5 table.

    The filters come first: SQLite checks the conditions in order, and reading a
    note's own row (for ``notes``: whether it is published) costs more than looking
    up its tags, which an index answers alone (15 ms against 20 ms for a thousand
    candidates at 100,000 notes).
    """
    entries = SearchEntry.objects.filter(*filters, Exists(notes.filter(pk=OuterRef("pk"))))
    expansions = {}
    for term in terms:
        for alternative in term.alternatives:
            if len(alternative) >= TRIGRAM:
                continue
            trigrams = _expand(alternative, notes.db)
            if 0 < len(trigrams) <= MAX_EXPANSION:
                expansions[alternative] = trigrams
            elif term.topic is None:
                if not trigrams:
                    return entries.none().values_list("pk", flat=True)
                entries = entries.filter(_contains(alternative))
            # Otherwise a topic is still found by its other names and its marker.
    expression = fts_expression([term.searched for term in terms], expansions)
    if expression is not None:
        entries = entries.filter(_fts_match(expression))
    entries, newest = _newest_matches(entries)
    names_topics = expression is not None and any(term.topic for term in terms)
    if names_topics and len(newest) > BM25_LIMIT:
        # Title and main subject come first (below); the rest stay newest first.
        ranked: QuerySet | list[int] = newest
    elif expression is not None and len(newest) > BM25_LIMIT:
        # bm25 reads every position of every term in each note (40 ms for a thousand
        # long notes): notes with a word this common in their title or tags come
        # first, then the newest. The index answers that without reading the notes.
        in_title_or_tags = set(
            SearchEntry.objects.filter(
                _fts_match(f"{{title tags}}: ({expression})"), pk__gte=newest[-1]
            ).values_list("pk", flat=True)
        )
        ranked = [pk for pk in newest if pk in in_title_or_tags] + [
            pk for pk in newest if pk not in in_title_or_tags
        ]
    elif expression is None:
        ranked = entries.alias(score=_score(terms)).order_by("-score", "-pk")
        ranked = ranked.values_list("pk", flat=True)
    else:
        ranked = entries.order_by(
            # bm25 is lower for better matches; the weights are title, tags, body.
            RawSQL("bm25(notes_searchentry, 10.0, 5.0, 1.0)", ()).asc(),
            "-pk",
        ).values_list("pk", flat=True)
    if not names_topics or not newest:
        return ranked
    ranked = list(ranked)
    # The titles of up to a thousand notes: one JSON parameter, not a thousand (Django
    # prepares each parameter of an IN list, which cost more than the query), and from
    # the notes' table, which reads a row faster than FTS5's content table.
    in_ranked = RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ranked),))
    titles = dict(Note.objects.filter(pk__in=in_ranked).values_list("pk", "title"))
    return _topic_notes_first(ranked, terms, _main_subjects(terms, newest[-1]), titles)


def _main_subjects(terms: Sequence[QueryTerm], oldest: int) -> set[int]:
    """SQLite: notes from ``oldest`` on whose index marks one of the query's topics as
    their main subject (``topic_markers``)."""
    main = " OR ".join(
        _quoted(topic_marker(term.topic.key, main=True)) for term in terms if term.topic
    )
    found = SearchEntry.objects.filter(_fts_match(f"{{tags}}: ({main})"), pk__gte=oldest)
    return set(found.values_list("pk", flat=True))
