"""Finding notes by words, tags and category, on SQLite and on PostgreSQL.

Each note has one ``SearchEntry`` row: its title, its tag names and the plain text
of its rendered body, all case-folded. On SQLite that table is an FTS5 virtual table
with the trigram tokenizer, which finds any run of three or more characters, so
Chinese needs no word segmentation, and ranks by bm25. On PostgreSQL it is an
ordinary table whose pg_trgm GIN indexes answer the same substring matches
(``LIKE '%垃圾回收%'``), ranked by where the words were found.

A word of one or two characters (协程, GC) holds no trigram. SQLite looks it up as
the indexed trigrams that start with it; PostgreSQL scans for it, among the notes
that any longer word of the query found.

A query word or phrase that is a topic's name or alias (``parse_query``, with the
topic linking's matcher) matches any of the topic's names, and the notes whose entry
carries the topic's marker: the index records, after the tag names, which topics a
note mentions and which are its main subject (``topic_markers``).
"""

from __future__ import annotations

import heapq
import itertools
import json
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import overload

from django.core.paginator import Paginator
from django.db import connections, models, transaction
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import Combinable, RawSQL
from django.utils.translation import gettext as _

from .caching import bump_content_version
from .linking import LinkTarget, TopicMatcher, term_pattern
from .markdown import plain_text
from .models import (
    Category,
    Mention,
    Note,
    NoteQuerySet,
    Tag,
    TaggedNote,
    Topic,
    TopicAlias,
    ancestors_of,
)

MAX_QUERY_LENGTH = 200
COUNT_LIMIT = 1000
MAX_TERMS = 12
MAX_TAGS = 10
# The shortest word the trigram indexes can look up (FTS5's tokenizer and pg_trgm alike).
TRIGRAM = 3
SNIPPET_LENGTH = 220
# How much of the snippet comes before the first match.
SNIPPET_LEAD = 60
SUGGESTIONS = 10

# Sentence punctuation around a word is not part of it; ``*args``, ``__init__`` and
# ``c++`` keep their symbols, since notes about Python are full of them.
_EDGE_PUNCTUATION = "\"'`()[]{}<>,.;:!?，。；：！？、“”‘’（）《》【】「」"
# Chinese sentence punctuation separates words even without a space after it.
_SEPARATORS = str.maketrans(dict.fromkeys("，。；：！？、", " "))
_TERM = re.compile(r'"([^"]*)"|(\S+)')
# Weights of a match in the title and in the tags, where bm25 is not available.
# A title holding the query outweighs being a topic's main subject and a tag match.
_WEIGHTS = {"title": 4, "tags": 1}
_MAIN_WEIGHT = 2
_PAD = "  "
# A shorter word is looked up on SQLite as the trigrams starting with it; past this
# many (a common single character) scanning the text is about as quick.
MAX_EXPANSION = 300
# Up to this many matches, SQLite ranks text results with bm25 (weighing how often the
# words occur); more are ranked by title and tag matches, then newest first.
BM25_LIMIT = 200
# The longest run of words looked up as a topic's name ("global interpreter lock").
MAX_PHRASE_WORDS = 6
# Topic markers in the index (``topic_marker``): private-use characters.
_MARK, _MAIN_MARK, _MARK_END = "\ue000", "\ue002", "\ue001"


# --- Pure text handling -------------------------------------------------------------


def clean_input(value: str) -> str:
    """User input without control characters (PostgreSQL refuses NUL in text) or
    private-use ones (the index's topic markers are made of them)."""
    return "".join(
        " " if unicodedata.category(char) in {"Cc", "Cs", "Co"} else char for char in value
    )


def clean_name(value: str) -> str:
    """A tag name or category slug as typed, made safe to look up."""
    return " ".join(clean_input(value).split())[:100]


def _query_words(text: str) -> list[tuple[str, bool]]:
    """(term, was quoted) for each word and "quoted phrase", case-folded, in order."""
    words = []
    for match in _TERM.finditer(clean_input(text).translate(_SEPARATORS)):
        quoted = match.group(1) is not None
        raw = match.group(1) if quoted else match.group(2)
        term = " ".join(raw.split()).strip(_EDGE_PUNCTUATION).casefold()
        if any(char.isalnum() for char in term):
            words.append((term, quoted))
    return words


def split_terms(text: str) -> list[str]:
    """The words and "quoted phrases" of a query, case-folded, each once, in order.

    A term with no letter or digit (``*``, ``-``, ``()``) is dropped: on its own it
    would match almost every note.
    """
    terms: list[str] = []
    for term, _quoted in _query_words(text):
        if term not in terms:
            terms.append(term)
    return terms


def topic_marker(key: int, *, main: bool = False) -> str:
    """The token that records in the index that a note mentions topic ``key`` (or, with
    ``main``, is mainly about it). Private-use characters, which queries never hold."""
    return f"{_MAIN_MARK if main else _MARK}t{key}{_MARK_END}"


def topic_markers(mentions: Mapping[int, int], main_topics: Iterable[int] = ()) -> str:
    """The markers of a note that mentions topics (key -> count): one for each, and one
    more for its main subjects, the topics it mentions most and ``main_topics`` (the
    topic its category is named after)."""
    most = max(mentions.values(), default=0)
    main = {key for key, count in mentions.items() if count == most} | set(main_topics)
    markers = [topic_marker(key) for key in sorted(set(mentions) | main)]
    markers += [topic_marker(key, main=True) for key in sorted(main)]
    return " ".join(markers)


def searchable_alias(name: str) -> bool:
    """Whether another name of a query's topic is looked for in the text itself.

    Names shorter than a trigram (GC, 死锁) would need a lookup each, and a Latin word
    of four letters or fewer is found inside longer words (GIL in "agile", lock in
    "block"): the topic's markers find those notes, as the topic linking saw them.
    """
    if len(name) < TRIGRAM:
        return False
    return not (name.isascii() and " " not in name and len(name) <= 4)


@dataclass(frozen=True)
class QueryTerm:
    """One word or phrase of a query; when it names a topic, the topic and its names."""

    text: str
    quoted: bool = False
    topic: LinkTarget | None = None
    # Every name and alias of the topic, normalised, longest first.
    names: tuple[str, ...] = ()

    @property
    def alternatives(self) -> list[str]:
        """The texts any of which a note may hold to match: what was typed, and the
        topic's other names that can be looked for (``searchable_alias``)."""
        others = [name for name in self.names if name != self.text and searchable_alias(name)]
        return [self.text, *others]

    @property
    def searched(self) -> list[str]:
        """The alternatives and, for a topic, the marker of the notes that mention it."""
        marker = [topic_marker(self.topic.key)] if self.topic else []
        return [*self.alternatives, *marker]


def parse_query(text: str, matcher: TopicMatcher | None = None) -> list[QueryTerm]:
    """The terms of a query, each once, in order.

    A run of unquoted words that is a topic's name or alias (the longest such run
    first) becomes one term carrying the topic; quoted phrases stay exact words.
    """
    words = _query_words(text)
    terms: list[QueryTerm] = []
    seen: set = set()
    position = 0
    while position < len(words):
        term, size = QueryTerm(*words[position]), 1
        if matcher is not None and not term.quoted:
            term, size = _topic_at(words, position, matcher) or (term, size)
        position += size
        key = ("topic", term.topic.key) if term.topic else term.text
        if key not in seen:
            seen.add(key)
            terms.append(term)
    return terms


def _topic_at(
    words: Sequence[tuple[str, bool]], position: int, matcher: TopicMatcher
) -> tuple[QueryTerm, int] | None:
    last = min(len(words), position + MAX_PHRASE_WORDS)
    for end in range(last, position, -1):
        run = words[position:end]
        if any(quoted for _word, quoted in run):
            continue
        phrase = " ".join(word for word, _quoted in run)
        target = matcher.target_for(phrase)
        if target is not None and target.kind == "topic":
            names = tuple(matcher.terms_of(target))
            return QueryTerm(phrase, topic=target, names=names), end - position
    return None


def title_holds(title: str, terms: Sequence[QueryTerm]) -> bool:
    """Whether a title holds every term of a query: a topic by any of its names (Latin
    ones on word boundaries, as the topic linking finds them), other terms anywhere."""
    folded = title.casefold()
    for term in terms:
        if term.topic is None:
            if term.text not in folded:
                return False
        elif not _names_pattern(term).search(folded):
            return False
    return True


@lru_cache(maxsize=64)
def _names_pattern(term: QueryTerm) -> re.Pattern[str]:
    names = sorted({term.text, *term.names}, key=len, reverse=True)
    return re.compile("|".join(term_pattern(name) for name in names))


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_expression(
    terms: Iterable[str | Sequence[str]], expansions: Mapping[str, Sequence[str]] | None = None
) -> str | None:
    """FTS5 MATCH syntax requiring every term; a term given as a list of alternatives
    needs any one of them.

    A term long enough for the trigram index is one double-quoted string with its
    quotes doubled, so ``NEAR``, ``*``, ``-``, ``OR`` and parentheses are text to
    find, never operators. A shorter term needs its ``expansions``, the trigrams that
    start with it; without them it is left out, for the caller to match otherwise.
    """
    expansions = expansions or {}
    parts = []
    for term in terms:
        alternatives = [term] if isinstance(term, str) else term
        pieces = []
        for alternative in alternatives:
            if len(alternative) >= TRIGRAM:
                pieces.append(_quoted(alternative))
            elif expansions.get(alternative):
                pieces.extend(map(_quoted, expansions[alternative]))
        if len(pieces) == 1 and len(alternatives[0]) >= TRIGRAM:
            parts.append(pieces[0])
        elif pieces:
            parts.append("(" + " OR ".join(pieces) + ")")
    return " AND ".join(parts) or None


def make_fts_query(text: str) -> str | None:
    """A safe FTS5 MATCH expression for what a reader typed; None if it has no word of
    three or more characters (shorter words are matched apart, see ``search_notes``)."""
    return fts_expression(split_terms(text))


def document_text(body_html: str, plain: str | None = None) -> str:
    """The readable text of a rendered body, without the headings' permalink signs.

    ``plain``, the body's ``plain_text`` when the caller has it, saves computing it again.
    """
    if plain is None:
        plain = plain_text(body_html)
    return " ".join(plain.replace("¶", " ").split())


Segments = list[tuple[str, bool]]
Span = tuple[int, int]


def _spans(
    text: str,
    terms: Sequence[str],
    matcher: TopicMatcher | None = None,
    topic_keys: Collection[int] = (),
) -> list[Span]:
    """Where ``terms`` and the names of the topics ``topic_keys`` are in ``text``
    (``_hits``); at each place the longest wins, and the spans do not overlap."""
    return _without_overlaps(_hits(text, terms, matcher, topic_keys))


def _hits(
    text: str,
    terms: Sequence[str],
    matcher: TopicMatcher | None = None,
    topic_keys: Collection[int] = (),
) -> Iterator[Span]:
    """Every match of ``terms`` and of the names of the topics ``topic_keys`` in
    ``text``, in the order they start (the longest first where two start together),
    found as they are asked for: a snippet reads a long note only up to its passage.

    Latin words count on word boundaries ("global" is not in "globals"), unless a word
    is only found inside longer words (a note found for "thread" that says only
    "threading" still shows why); a topic's names are found by the topic linking's own
    matcher, so they are marked where a note links them, and never inside longer
    words ("GC" is not marked in "GCC").
    """
    streams: list[Iterator[Span]] = []
    for term in terms:
        target = matcher.target_for(term) if matcher is not None else None
        names_topic = target is not None and target.key in topic_keys
        pattern = re.compile(term_pattern(term), re.IGNORECASE)
        if not names_topic and pattern.search(text) is None:
            pattern = re.compile(re.escape(term), re.IGNORECASE)
        streams.append(match.span() for match in pattern.finditer(text))
    if matcher is not None and topic_keys:
        streams.append(
            (start, end)
            for start, end, target in matcher.finditer(text)
            if target.kind == "topic" and target.key in topic_keys
        )
    # Each stream is in order already (a regex's matches do not overlap).
    return heapq.merge(*streams, key=lambda span: (span[0], -span[1]))


def _without_overlaps(hits: Iterable[Span]) -> list[Span]:
    spans: list[Span] = []
    for start, end in hits:
        if end > start and (not spans or start >= spans[-1][1]):
            spans.append((start, end))
    return spans


def _segments(text: str, spans: Sequence[Span], offset: int = 0) -> Segments:
    """``text`` (which starts at ``offset`` of the text ``spans`` were found in) cut into
    (piece, is_match) pairs."""
    segments: Segments = []
    position = 0
    for start, end in spans:
        start, end = max(start - offset, position), min(end - offset, len(text))
        if end <= start:
            continue
        if start > position:
            segments.append((text[position:start], False))
        segments.append((text[start:end], True))
        position = end
    if position < len(text):
        segments.append((text[position:], False))
    return segments


def highlight(
    text: str,
    terms: Sequence[str],
    matcher: TopicMatcher | None = None,
    topic_keys: Collection[int] = (),
) -> Segments:
    """``text`` cut into (piece, is_match) pairs: the template marks the matches and
    escapes every piece, so no HTML is ever built here."""
    return _segments(text, _spans(text, terms, matcher, topic_keys))


def snippet(
    text: str,
    terms: Sequence[str],
    length: int = SNIPPET_LENGTH,
    matcher: TopicMatcher | None = None,
    topic_keys: Collection[int] = (),
) -> Segments:
    """The passage of ``text`` around the first match, highlighted; its start if none.
    The text is searched only as far as the passage's end."""
    hits = _hits(text, terms, matcher, topic_keys)
    match = next((hit for hit in hits if hit[1] > hit[0]), None)
    start = 0
    if match is not None and match[1] > length - SNIPPET_LEAD:
        start = match[0] - SNIPPET_LEAD
        # Begin at a word boundary when there is one close by (Chinese has none).
        space = text.find(" ", start, match[0])
        if 0 <= space - start < 20:
            start = space + 1
    end = start + length
    if match is not None:
        end = max(end, match[1])
    shown = itertools.takewhile(lambda hit: hit[0] < end, hits)
    spans = _without_overlaps(itertools.chain([match] if match else [], shown))
    segments = _segments(text[start:end], spans, offset=start)
    if start > 0:
        segments.insert(0, ("…", False))
    if end < len(text):
        segments.append(("…", False))
    return segments


def index_fields(
    title: str,
    body_html: str,
    tag_names: Iterable[str],
    plain: str | None = None,
    markers: str = "",
) -> dict[str, str]:
    """The columns of a note's ``SearchEntry``.

    Case-folded here, in Python, so that SQLite and PostgreSQL compare them with the
    query's case-folded terms in exactly the same way. Each ends with two spaces, so
    that every character, the last included, starts a trigram (see ``_expand``).
    ``markers`` (``topic_markers``) follow the tag names.
    """
    tags = " ".join(sorted(name.casefold() for name in tag_names))
    return {
        "title": title.casefold() + _PAD,
        "tags": " ".join(filter(None, [tags, markers])) + _PAD,
        "body": document_text(body_html, plain).casefold() + _PAD,
    }


# --- The index ----------------------------------------------------------------------


class SearchEntry(models.Model):
    """What text search looks at for one note.

    The table is made by migration 0005 for each database (an FTS5 virtual table on
    SQLite); this model gives both the same columns for writing and filtering. It is
    kept in step by ``schedule_index()`` from signals rather than by SQL triggers,
    because a note's tags are saved after the note itself. It lives here, beside the
    only code that reads and writes it; ``notes.signals``, imported when the app is
    ready, imports this module and so registers it.
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


# --- Searching ----------------------------------------------------------------------


class RankedNotes:
    """Text search results for the paginator: the ids of every match, best first, from
    one query, then the notes of the page asked for by id.

    Counting and then fetching a page would match the words twice. On SQLite the
    ranking query reads the FTS5 table alone, besides: joined to the notes table, the
    planner (with no statistics) may run the full-text query once per note instead of
    once, which takes seconds on a large collection.
    """

    def __init__(self, ranked_ids: QuerySet, notes: NoteQuerySet) -> None:
        self._ranked_ids = ranked_ids
        self._notes = notes
        self._ids: list[int] | None = None

    def ids(self) -> list[int]:
        if self._ids is None:
            self._ids = list(self._ranked_ids)
        return self._ids

    def count(self) -> int:
        return len(self.ids())

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Note]:
        return iter(self[:])

    @overload
    def __getitem__(self, index: int) -> Note: ...

    @overload
    def __getitem__(self, index: slice) -> list[Note]: ...

    def __getitem__(self, index: int | slice) -> Note | list[Note]:
        if isinstance(index, slice):
            wanted = self.ids()[index]
            found = self._notes.in_bulk(wanted)
            return [found[pk] for pk in wanted if pk in found]
        return self._notes.get(pk=self.ids()[index])


class SearchPaginator(Paginator):
    """Counts up to ``limit`` notes found.

    An exact count of tens of thousands of notes costs more than the rest of the page
    (PostgreSQL reads them all), and nobody pages that far: the page then says "more
    than 1,000". Text results hold at most ``limit`` + 1 notes: on SQLite the newest
    matches (``_newest_matches``), on PostgreSQL the best ranked.
    """

    limit = COUNT_LIMIT

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, RankedNotes):
            return self.object_list.count()
        # Unordered: which notes make up the first thousand does not matter here.
        return self.object_list.order_by()[: self.limit + 1].count()

    @property
    def count_is_capped(self) -> bool:
        return self.count > self.limit


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
    if category_slug:
        # The form sends the slug; a hand-written address may well hold the name.
        found_category = (
            Category.objects.filter(Q(slug=category_slug) | Q(name__iexact=category_slug))
            .order_by(Case(When(slug=category_slug, then=Value(0)), default=Value(1)))
            .first()
        )
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

    visible = notes
    tagged = [
        Exists(TaggedNote.objects.filter(content_object_id=OuterRef("pk"), tag__in=group))
        for group in tag_groups.values()
    ]
    for condition in tagged:
        # One condition per tag, so a note needs them all; a test per note rather than
        # a join, so that a list walks the notes by date and stops at a page.
        notes = notes.filter(condition)
    category_ids = found_category.descendant_ids() if found_category is not None else None
    if category_ids is not None:
        notes = notes.filter(category_id__in=category_ids)
    if not terms:
        results.notes = notes.for_listing()
        return results
    if connections[notes.db].vendor == "sqlite":
        # Each tag is checked on its own, before the note's own row: that row is read
        # only for the matches that carry the tags (see _fts5_ranking).
        filters = list(tagged)
        if category_ids is not None:
            filters.append(
                Exists(Note.objects.filter(pk=OuterRef("pk"), category_id__in=category_ids))
            )
        ranked = _fts5_ranking(visible, terms, filters)
    else:
        ranked = _trigram_ranking(notes, terms)
    # The ranking kept only notes that pass every filter; a page's notes are then
    # fetched by id alone. With the filters repeated, SQLite (without statistics)
    # walks every published note by date instead of looking up twenty ids.
    results.notes = RankedNotes(ranked, Note.objects.for_listing())
    return results


def _visible_tags_named(notes: NoteQuerySet, names: Sequence[str]) -> dict[str, list[Tag]]:
    """The tags called ``names`` (case-insensitively) that some note in ``notes`` has,
    by case-folded name. A tag only drafts carry stays unknown to readers."""
    if not names:
        return {}
    named = Q()
    for name in names:
        named |= Q(name__iexact=name)
    groups: dict[str, list[Tag]] = {}
    for tag in Tag.objects.filter(named).filter(_on_some(notes)):
        groups.setdefault(tag.name.casefold(), []).append(tag)
    return groups


def _on_some(notes: NoteQuerySet) -> Exists:
    """Tags carried by at least one of ``notes``.

    Correlated, so each tag's first visible note is looked up by the tag's index
    rather than every visible note listed first.
    """
    return Exists(notes.filter(tags=OuterRef("pk")))


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
    in_title = {pk for pk, title in titles.items() if title_holds(title, terms)}
    main_first = main_first or set()
    return sorted(ranked, key=lambda pk: (pk not in in_title, pk not in main_first))


def _main_subjects(terms: Sequence[QueryTerm], oldest: int) -> set[int]:
    """SQLite: notes from ``oldest`` on whose index marks one of the query's topics as
    their main subject (``topic_markers``)."""
    main = " OR ".join(
        _quoted(topic_marker(term.topic.key, main=True)) for term in terms if term.topic
    )
    found = SearchEntry.objects.filter(_fts_match(f"{{tags}}: ({main})"), pk__gte=oldest)
    return set(found.values_list("pk", flat=True))


def _trigram_ranking(notes: NoteQuerySet, terms: Sequence[QueryTerm]) -> QuerySet | list[int]:
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
    ranked = (
        notes.alias(search_score=_score(terms, prefix))
        .order_by("-search_score", "-created", "-pk")
        .values_list("pk", flat=True)[: SearchPaginator.limit + 1]
    )
    if any(term.topic for term in terms):
        # The score counts a topic's names found in the title as text; a short one
        # (死锁) is looked for there too, on word boundaries if Latin, as on SQLite.
        return _topic_notes_first(list(ranked), terms)
    return ranked


def add_highlights(
    notes: Sequence[Note],
    terms: Sequence[str],
    matcher: TopicMatcher | None = None,
    topic_keys: Collection[int] = (),
) -> None:
    """Give each note of a results page ``search_title`` and ``search_snippet``, lists
    of (text, is_match) pairs, marking ``terms`` and the names of the topics
    ``topic_keys`` (found with ``matcher``); one query for the page's bodies."""
    bodies: dict[int, str] = {}
    if terms and notes:
        bodies = dict(
            Note.objects.filter(pk__in=[note.pk for note in notes]).values_list("pk", "body_html")
        )
    for note in notes:
        note.search_title = highlight(note.title, terms, matcher, topic_keys)
        body = document_text(bodies.get(note.pk, ""))
        note.search_snippet = (
            snippet(body, terms, matcher=matcher, topic_keys=topic_keys) if terms else []
        )


def topic_cards(keys: Sequence[int], count_field: str) -> list[Topic]:
    """The topics ``keys`` in that order, for the cards above the results: each with
    ``alias_names``, ``path`` (from the root down to its parent) and ``num_notes``, the
    stored count ``count_field`` (published notes only, for readers).

    Two queries whatever the number of topics: the tree is read once (topics are a
    few hundred at most), then the aliases of these topics.
    """
    if not keys:
        return []
    fields = ("pk", "parent_id", "name", "slug", "summary_html", count_field)
    tree = {topic.pk: topic for topic in Topic.objects.only(*fields)}
    aliases: dict[int, list[str]] = {}
    named = TopicAlias.objects.filter(topic_id__in=keys).order_by("name")
    for topic_id, name in named.values_list("topic_id", "name"):
        aliases.setdefault(topic_id, []).append(name)
    cards = []
    for key in keys:
        topic = tree.get(key)
        if topic is None:
            continue
        topic.path = ancestors_of(topic, tree)
        topic.alias_names = aliases.get(key, [])
        topic.num_notes = getattr(topic, count_field)
        cards.append(topic)
    return cards


def suggest_tags(notes: NoteQuerySet, text: str, limit: int = SUGGESTIONS) -> list[str]:
    """Names of tags on ``notes`` containing ``text``, those starting with it first."""
    text = clean_name(text)
    tags = Tag.objects.filter(_on_some(notes))
    if text:
        tags = tags.filter(name__icontains=text).alias(
            later=Case(When(name__istartswith=text, then=Value(0)), default=Value(1))
        )
        tags = tags.order_by("later", "name")
    else:
        tags = tags.order_by("name")
    return list(tags.values_list("name", flat=True)[:limit])
