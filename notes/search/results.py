"""Searching: words, tags and a category combined into the results of a search."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext as _

from ..linking import TopicMatcher
from ..models import Category, Note, NoteQuerySet, Tag, Topic, carries_one_of
from .fts5 import _fts5_ranking
from .index import update_index
from .paging import RankedNotes, SearchPaginator
from .query import QueryTerm, clean_input, clean_name, parse_query
from .tags import _visible_tags_named
from .trigram import _trigram_ranking

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
MAX_TAGS = 10


@dataclass
class SearchResults:
    notes: NoteQuerySet | RankedNotes
    # The text searched for, after shortening, and the terms found in it.
    text: str = ""
    query: list[QueryTerm] = field(default_factory=list)
    tag_names: list[str] = field(default_factory=list)
    category: Category | None = None
    messages: list[str] = field(default_factory=list)
    # False when nothing was asked for: the page shows the form and no results.
    asked: bool = False
    # The topic matcher the query was read with, for marking topic names.
    matcher: TopicMatcher | None = None
    # The tag asked for, when a search is that one tag and nothing else: the notes
    # found are the notes it is stored to have (see SearchPaginator.known_count).
    only_tag: Tag | None = None
    # The notes to count, when counting them is best done otherwise than listing them.
    counted: NoteQuerySet | None = None

    @property
    def terms(self) -> list[str]:
        return [term.text for term in self.query]

    @property
    def topic_keys(self) -> list[int]:
        """The topics the query names, in query order."""
        return [term.topic.key for term in self.query if term.topic]


def search_notes(
    notes: NoteQuerySet,
    *,
    text: str = "",
    tags: Iterable[str] = (),
    category: str | None = None,
) -> SearchResults:
    """Notes among ``notes`` with every word of ``text``, every tag and the category
    (or one below it), best first; newest first when there are no words. A word or
    phrase that names a topic also finds the topic's other names and the notes that
    mention it (``parse_query``).

    ``notes`` is what the reader may see (``Note.objects.visible_to(user)``). Bad
    input never raises: it is cut, dropped or reported in ``messages``.
    """
    update_index()
    messages: list[str] = []
    text = clean_input(text).strip()
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        messages.append(
            _("Your query was shortened to its first %(count)d characters.")
            % {"count": MAX_QUERY_LENGTH}
        )
    matcher = Topic.objects.matcher() if text else None
    terms = parse_query(text, matcher)
    if len(terms) > MAX_TERMS:
        terms = terms[:MAX_TERMS]
        messages.append(
            _("Only the first %(count)d words were searched for.") % {"count": MAX_TERMS}
        )
    if text and not terms:
        messages.append(
            _("“%(query)s” has no letters or digits to search for.") % {"query": text[:50]}
        )

    tag_names: list[str] = []
    for name in map(clean_name, tags):
        if name and name.casefold() not in {known.casefold() for known in tag_names}:
            tag_names.append(name)
    if len(tag_names) > MAX_TAGS:
        tag_names = tag_names[:MAX_TAGS]
        messages.append(_("Only the first %(count)d tags were used.") % {"count": MAX_TAGS})
    tag_groups = _visible_tags_named(notes, tag_names)
    for name in tag_names:
        if name.casefold() not in tag_groups:
            messages.append(_("No tag named “%(name)s”.") % {"name": name})

    category_slug = clean_name(category or "")
    found_category = None
    found_ids: set[int] = set()
    if category_slug:
        # The form sends the slug; a hand-written address may well hold the name.
        found_category = (
            Category.objects.filter(Q(slug=category_slug) | Q(name__iexact=category_slug))
            .order_by(Case(When(slug=category_slug, then=Value(0)), default=Value(1)))
            .first()
        )
        found_ids = found_category.descendant_ids() if found_category is not None else set()
        if found_category is not None and not notes.filter(category_id__in=found_ids).exists():
            # A category of drafts only does not exist for a reader, here as on its page.
            found_category = None
        if found_category is None:
            messages.append(_("No category “%(name)s”.") % {"name": category_slug})

    results = SearchResults(
        notes=notes.none(),
        text=text,
        query=terms,
        tag_names=tag_names,
        category=found_category,
        messages=messages,
        asked=bool(terms or tag_names or category_slug),
        matcher=matcher,
    )
    unknown = len(tag_groups) < len(tag_names) or bool(category_slug and found_category is None)
    if not results.asked or unknown:
        return results

    category_ids = found_ids if found_category is not None else None
    if not terms:
        groups = list(tag_groups.values())
        if category_ids is not None:
            notes = notes.filter(category_id__in=category_ids)
        # A page is read; and counted up to the paginator's limit, which may be done the
        # other way (NoteQuerySet.tagged), unless a tag's stored count says how many.
        results.notes = notes.tagged(*groups, reading=settings.NOTES_PER_PAGE).for_listing()
        if category_ids is None and len(groups) == 1 and len(groups[0]) == 1:
            results.only_tag = groups[0][0]
        elif groups:
            results.counted = notes.tagged(
                *groups, reading=SearchPaginator.limit + 1, counting=True
            )
        return results
    tagged = [carries_one_of(group) for group in tag_groups.values()]
    if connections[notes.db].vendor == "sqlite":
        # Each tag is checked on its own, before the note's own row: that row is read
        # only for the matches that carry the tags (see _fts5_ranking).
        filters = list(tagged)
        if category_ids is not None:
            filters.append(
                Exists(Note.objects.filter(pk=OuterRef("pk"), category_id__in=category_ids))
            )
        ranked = _fts5_ranking(notes, terms, filters)
    else:
        # One condition per tag, so a note needs them all.
        for condition in tagged:
            notes = notes.filter(condition)
        if category_ids is not None:
            notes = notes.filter(category_id__in=category_ids)
        ranked = _trigram_ranking(notes, terms)
    # The ranking kept only notes that pass every filter; a page's notes are then
    # fetched by id alone. With the filters repeated, SQLite (without statistics)
    # walks every published note by date instead of looking up twenty ids.
    results.notes = RankedNotes(ranked, Note.objects.for_listing())
    return results
