"""Reading a query: cleaning what a reader typed, its terms, the topics they name, FTS5 syntax."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..linking import LinkTarget, TopicMatcher, term_pattern
from .indexed_text import topic_marker

# The shortest word the trigram indexes can look up (FTS5's tokenizer and pg_trgm alike).
TRIGRAM = 3
# Sentence punctuation around a word is not part of it; ``*args``, ``__init__`` and
# ``c++`` keep their symbols, since notes about Python are full of them.
_EDGE_PUNCTUATION = "\"'`()[]{}<>,.;:!?，。；：！？、“”‘’（）《》【】「」"
# Chinese sentence punctuation separates words even without a space after it.
_SEPARATORS = str.maketrans(dict.fromkeys("，。；：！？、", " "))
_TERM = re.compile(r'"([^"]*)"|(\S+)')
# The longest run of words looked up as a topic's name ("global interpreter lock").
MAX_PHRASE_WORDS = 6


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
    seen: set[tuple[str, int] | str] = set()
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
    return title_test(terms)(title)


def title_test(terms: Sequence[QueryTerm]) -> Callable[[str], bool]:
    """``title_holds`` for these terms, made once for many titles: ranking tests up to
    a thousand, and looking each term's pattern up again cost more than the tests."""
    words = [term.text for term in terms if term.topic is None]
    searches = [_names_pattern(term).search for term in terms if term.topic is not None]

    def holds(title: str) -> bool:
        # Plain loops: all() over generators took half again as long.
        folded = title.casefold()
        for word in words:
            if word not in folded:
                return False
        for search in searches:  # noqa: SIM110 (see above)
            if search(folded) is None:
                return False
        return True

    return holds


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
