"""Ranking the topics mentioned together with a topic, without the database."""

import math

import pytest

from notes.related_score import (
    BROAD_CAP,
    BROAD_FLOOR,
    TopicFacts,
    broad_limit,
    co_mention_scores,
)

TOPIC = 1


def site(count: int = 40, notes: int = 5, **special: TopicFacts) -> dict[int, TopicFacts]:
    """A map of ``count`` topics (1, 2, ...), each mentioned by ``notes`` notes, with
    ``t<id>=`` facts of its own for some."""
    topics = {pk: TopicFacts(notes=notes) for pk in range(1, count + 1)}
    topics.update({int(key[1:]): facts for key, facts in special.items()})
    return topics


def ranked_ids(mentions, topics, **options) -> list[int]:
    return [pk for pk, _score in co_mention_scores(TOPIC, mentions, topics, **options)]


def test_a_note_is_broad_beyond_a_quarter_of_the_map_within_a_floor_and_a_cap():
    assert broad_limit(40) == 10
    assert broad_limit(8) == BROAD_FLOOR
    assert broad_limit(1000) == BROAD_CAP


def test_a_topic_found_in_two_focused_notes_with_the_topic_is_ranked_with_its_score():
    mentions = {10: {TOPIC, 2, 3}, 11: {TOPIC, 2, 4}}
    scores = co_mention_scores(TOPIC, mentions, site())
    assert [pk for pk, _ in scores][0] == 2
    # Observed: half of each note's unit; expected: 2 notes x 5 / (200 - 5) mentions.
    observed, expected = 1.0, 2 * 5 / 195
    assert scores[0][1] == pytest.approx(observed * math.log(observed / expected))


def test_one_note_is_not_enough_to_relate_two_topics():
    mentions = {10: {TOPIC, 2, 3}, 11: {TOPIC, 2, 4}}
    assert ranked_ids(mentions, site()) == [2]
    assert ranked_ids(mentions, site(), min_support=3) == []


def test_notes_that_mention_many_topics_weigh_less_than_focused_ones():
    crowd = set(range(10, 18))  # ten topics in all with the two below: not yet broad
    mentions = {
        10: {TOPIC, 2},
        11: {TOPIC, 2},
        12: {TOPIC, 3} | crowd,
        13: {TOPIC, 3} | crowd,
    }
    assert ranked_ids(mentions, site())[:2] == [2, 3]


def test_broad_notes_never_count_as_support_however_many_there_are():
    overview = set(range(2, 30))  # most of the map: an outline or a conference report
    mentions = {note: {TOPIC} | overview for note in range(10, 20)}
    mentions[30] = {TOPIC, 5, 6}
    assert ranked_ids(mentions, site()) == []
    mentions[31] = {TOPIC, 5}
    assert ranked_ids(mentions, site()) == [5]


def test_a_topic_in_most_notes_of_the_site_is_not_above_chance_beside_this_one():
    topics = site(t9=TopicFacts(notes=300))
    mentions = {10: {TOPIC, 9}, 11: {TOPIC, 9}, 12: {TOPIC, 2}, 13: {TOPIC, 2}}
    assert ranked_ids(mentions, topics) == [2]


def test_topics_never_linked_automatically_are_never_suggested():
    topics = site(t2=TopicFacts(notes=5, suggestible=False))
    mentions = {10: {TOPIC, 2, 3}, 11: {TOPIC, 2, 3}}
    assert ranked_ids(mentions, topics) == [3]


def test_excluded_and_unknown_topics_are_left_out():
    mentions = {10: {TOPIC, 2, 3, 99}, 11: {TOPIC, 2, 3, 99}}
    assert ranked_ids(mentions, site(), exclude={2}) == [3]


def test_notes_mentioning_only_the_topic_change_nothing():
    mentions = {10: {TOPIC, 2}, 11: {TOPIC, 2}}
    alone = {**mentions, 12: {TOPIC}, 13: {TOPIC: 4}}
    assert co_mention_scores(TOPIC, alone, site()) == co_mention_scores(TOPIC, mentions, site())


def test_counts_of_mentions_do_not_change_the_ranking():
    sets = {10: {TOPIC, 2, 3}, 11: {TOPIC, 2, 3}}
    counts = {10: {TOPIC: 9, 2: 1, 3: 7}, 11: {TOPIC: 1, 2: 4, 3: 1}}
    assert co_mention_scores(TOPIC, counts, site()) == co_mention_scores(TOPIC, sets, site())


def test_equal_scores_rank_by_topic_id():
    mentions = {10: {TOPIC, 4, 3}, 11: {TOPIC, 3, 4}}
    assert ranked_ids(mentions, site()) == [3, 4]


def test_counts_behind_the_notes_seen_still_give_a_finite_score():
    # Stored counts lag a moment behind an edit; the topic itself may be missing too.
    topics = {pk: facts for pk, facts in site(t2=TopicFacts(notes=0)).items() if pk != TOPIC}
    scores = co_mention_scores(TOPIC, {10: {TOPIC, 2}, 11: {TOPIC, 2}}, topics)
    assert [pk for pk, _ in scores] == [2]
    assert math.isfinite(scores[0][1])
