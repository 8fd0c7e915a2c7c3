"""Which topics are mentioned together with a topic more often than chance.

A pure function of the mentions, so the ranking is tested without a database;
``notes.related_topics`` reads the mentions and hands them in.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass

# A note is "broad" when it mentions more than this share of the map's topics: an
# outline, a table of contents or a conference report touches most of the map, and what
# it puts side by side is the map itself, not a relation between two of its topics.
BROAD_SHARE = 0.25
# ...or more than this many topics, however large the map: on a map of four hundred
# topics, a note naming thirty of them is an overview all the same.
BROAD_CAP = 20
# A note naming a handful of topics is focused, however small the map (a new site's
# map of ten topics would otherwise call every note of three topics broad).
BROAD_FLOOR = 5
# Notes that are not broad needed to suggest a pair: one note is an anecdote.
MIN_SUPPORT = 2


@dataclass(frozen=True)
class TopicFacts:
    """What the score needs to know of a topic besides the notes it is handed."""

    # Notes the reader may see that mention the topic (its stored count).
    notes: int
    # False for topics never linked automatically (Python, Functions): nearly every note
    # mentions them, so their company says nothing, and they are never suggested.
    suggestible: bool = True


def broad_limit(topic_count: int) -> float:
    """How many topics a note may mention and still say something about a pair."""
    return max(BROAD_FLOOR, min(BROAD_CAP, BROAD_SHARE * topic_count))


def co_mention_scores(
    topic_id: int,
    mentions: Mapping[int, Collection[int]],
    topics: Mapping[int, TopicFacts],
    *,
    exclude: Collection[int] = (),
    min_support: int = MIN_SUPPORT,
) -> list[tuple[int, float]]:
    """The topics mentioned with ``topic_id`` more often than chance, best first.

    ``mentions`` gives, for notes that mention ``topic_id`` (all of them, or a sample),
    the topics each note mentions (a ``{topic_id: count}`` mapping will do: which topics
    a note mentions matters, not how often). ``topics`` describes every topic of the
    map; ``exclude`` names topics never to return (the topic's parent and subtopics).

    The evidence: each note shares one unit among the pairs it makes with the topic,
    ``1/(k-1)`` to each of the ``k-1`` other topics it mentions (Newman's weighting of
    co-authorship: a note naming thirty topics says little about any one pair). Summed
    over the notes, that is the observed weight ``W`` of a pair.

    Chance: if each of those ``k-1`` places were filled by a topic drawn in proportion
    to how many notes mention it across the site, a topic mentioned by ``n_t`` of the
    site's ``M`` mentions (``M - n_a`` once this topic's own are set aside) would
    receive ``E = P * n_t / (M - n_a)`` from the ``P`` notes that make any pair.

    The score is ``W * log(W / E)``: the pair's term of the mutual information between
    the two topics, which grows with the evidence and with how far it exceeds chance
    (pointwise mutual information alone favours topics seen once). A topic is returned
    only when ``W > E`` and at least ``min_support`` notes that are not broad (see
    ``broad_limit``) mention both; broad notes still add their small weight.
    Ties are broken by topic id, so the ranking is the same on every run.
    """
    limit = broad_limit(len(topics))
    own = topics.get(topic_id)
    mentions_elsewhere = sum(facts.notes for facts in topics.values()) - (own.notes if own else 0)
    weight: defaultdict[int, float] = defaultdict(float)
    seen: Counter[int] = Counter()
    support: Counter[int] = Counter()
    pairing = 0
    for mentioned in mentions.values():
        others = set(mentioned) - {topic_id}
        if not others:
            continue
        pairing += 1
        focused = len(others) + 1 <= limit
        for other in others:
            weight[other] += 1 / len(others)
            seen[other] += 1
            if focused:
                support[other] += 1
    ranked = []
    for other, observed in weight.items():
        facts = topics.get(other)
        if facts is None or not facts.suggestible or other in exclude:
            continue
        if support[other] < min_support:
            continue
        # Stored counts lag a moment behind an edit: never fewer notes than were seen.
        notes = max(facts.notes, seen[other])
        expected = pairing * notes / max(mentions_elsewhere, notes, 1)
        if observed <= expected:
            continue
        ranked.append((other, observed * math.log(observed / expected)))
    ranked.sort(key=lambda row: (-row[1], row[0]))
    return ranked
