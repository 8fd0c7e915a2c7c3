"""Marking a query's words and topics in the titles and snippets of results."""

from __future__ import annotations

import heapq
import itertools
import re
from collections.abc import Collection, Iterable, Iterator, Sequence

from ..linking import TopicMatcher, term_pattern
from ..markdown import code_lines, plain_text
from ..models import Note

SNIPPET_LENGTH = 220
# Code blocks, left out of a result's passage.
_CODE_BLOCK = re.compile(r"<pre\b.*?</pre>|<script\b.*?</script>|<style\b.*?</style>", re.DOTALL)
# A line of code shown when the words are only in a note's code.
CODE_SNIPPET_LENGTH = 100
# How much of the snippet comes before the first match.
SNIPPET_LEAD = 60

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


def code_snippet(
    lines: Sequence[str],
    terms: Sequence[str],
    matcher: TopicMatcher | None = None,
    topic_keys: Collection[int] = (),
) -> Segments:
    """The first line of code holding a match, highlighted and cut short around it;
    empty when no line holds one."""
    for line in lines:
        segments = snippet(line, terms, CODE_SNIPPET_LENGTH, matcher, topic_keys)
        if any(is_match for _, is_match in segments):
            return segments
    return []


def result_snippet(
    body_html: str,
    terms: Sequence[str],
    matcher: TopicMatcher | None = None,
    topic_keys: Collection[int] = (),
) -> tuple[Segments, bool]:
    """A result's passage and whether it is code: from the note's prose, which code
    never runs into; a line of its code when the words are only there."""
    # Tags dropped with a regular expression, as for the index (plain_text): parsing the
    # HTML took ten times as long, paid for each result of a page.
    prose = " ".join(plain_text(_CODE_BLOCK.sub(" ", body_html)).replace("¶", " ").split())
    segments = snippet(prose, terms, matcher=matcher, topic_keys=topic_keys)
    if any(is_match for _, is_match in segments):
        return segments, False
    in_code = code_snippet(code_lines(body_html), terms, matcher, topic_keys)
    if in_code:
        return in_code, True
    return segments, False


def add_highlights(
    notes: Sequence[Note],
    terms: Sequence[str],
    matcher: TopicMatcher | None = None,
    topic_keys: Collection[int] = (),
) -> None:
    """Give each note of a results page ``search_title``, ``search_snippet`` (lists of
    (text, is_match) pairs, marking ``terms`` and the names of the topics
    ``topic_keys``, found with ``matcher``) and ``search_snippet_is_code``; one query
    for the page's bodies."""
    bodies: dict[int, str] = {}
    if terms and notes:
        bodies = dict(
            Note.objects.filter(pk__in=[note.pk for note in notes]).values_list("pk", "body_html")
        )
    # The ignores: these are set for the results page on these objects only; Note does
    # not declare them.
    for note in notes:
        note.search_title = highlight(note.title, terms, matcher, topic_keys)  # type: ignore[attr-defined]
        found, is_code = (
            result_snippet(bodies.get(note.pk, ""), terms, matcher, topic_keys)
            if terms
            else ([], False)
        )
        note.search_snippet = found  # type: ignore[attr-defined]
        note.search_snippet_is_code = is_code  # type: ignore[attr-defined]
