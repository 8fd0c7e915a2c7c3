"""What both databases rank text results by: where the terms were found, a topic's notes first."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.expressions import Combinable

from .index import SearchEntry
from .indexed_text import topic_marker
from .query import QueryTerm, title_test

# Weights of a match in the title and in the tags, where bm25 is not available.
# A title holding the query outweighs being a topic's main subject and a tag match.
_WEIGHTS = {"title": 4, "tags": 1}
_MAIN_WEIGHT = 2


def _contains(term: str, prefix: str = "") -> Q:
    return (
        Q(**{f"{prefix}title__contains": term})
        | Q(**{f"{prefix}tags__contains": term})
        | Q(**{f"{prefix}body__contains": term})
    )


def _any_in(column: str, alternatives: Iterable[str], prefix: str = "") -> Q:
    found = Q()
    for alternative in alternatives:
        found |= Q(**{f"{prefix}{column}__contains": alternative})
    return found


def _score(terms: Sequence[QueryTerm], prefix: str = "") -> Combinable:
    """Where the terms were found: each in the title, each in the tags; and for a
    topic, whether it is a note's main subject (see ``topic_markers``).

    Every result has every term somewhere, so the body would add the same to all but
    a few, and it is by far the longest text to look through again.
    """
    score: Combinable = Value(0)
    for term in terms:
        found = {column: _any_in(column, term.alternatives, prefix) for column in _WEIGHTS}
        if term.topic:
            main = topic_marker(term.topic.key, main=True)
            found["main"] = Q(**{f"{prefix}tags__contains": main})
        for column, condition in found.items():
            score += Case(
                When(condition, then=Value(_WEIGHTS.get(column, _MAIN_WEIGHT))),
                default=Value(0),
                output_field=IntegerField(),
            )
    return score


def _topic_notes_first(
    ranked: list[int],
    terms: Sequence[QueryTerm],
    main_first: set[int] | None = None,
    titles: dict[int, str] | None = None,
) -> list[int]:
    """For a query naming topics: ``ranked`` with the notes whose title holds the query
    (or other names of its topics, ``title_holds``) first, then those in
    ``main_first``, each group in the order it had. One query for the titles, unless
    ``titles`` has them already."""
    if titles is None:
        titles = dict(SearchEntry.objects.filter(pk__in=ranked).values_list("pk", "title"))
    holds = title_test(terms)
    in_title = {pk for pk, title in titles.items() if holds(title)}
    main_first = main_first or set()
    return sorted(ranked, key=lambda pk: (pk not in in_title, pk not in main_first))
