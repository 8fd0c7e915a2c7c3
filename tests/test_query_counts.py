"""Every page runs a fixed number of SQL queries, however many notes there are.

The counts are for a page rendered afresh (one of the queries reads the content
version for the page cache); a page served from the cache costs that one query.
A topic page with subtopics lists the notes found through them (one query, two with
the subtopic each came through). A tag page on SQLite reads how many notes there are.
"""

import pytest
from django.db import connection

from notes.models import Note
from tests.factories import make_category, make_note, make_topic

pytestmark = pytest.mark.django_db

# On SQLite a tag's notes are found one of two ways, chosen with the number of notes its
# statistics measured (NoteQuerySet.tagged): one small query reads it.
ESTIMATE = 1 if connection.vendor == "sqlite" else 0

PAGES = {
    "home": ("/", 5),
    "note list": ("/notes/", 4),
    "note": ("/notes/note-0/", 8),  # with how many review cards it holds
    "note map": ("/notes/note-0/map/", 2),
    "category": ("/categories/parent/", 5),
    "tag": ("/tags/python/", 4 + ESTIMATE),
    "all tags": ("/tags/", 2),
    "all categories": ("/categories/", 2),
    # Whether it has review cards: its own card, then (no summary here) its notes' cards.
    "topic": ("/topics/gil/", 11),
    "topic with subtopics": ("/topics/concurrency/", 12),
    "map": ("/map/", 3),
    "map opml": ("/map.opml", 3),  # the topics with their relations, and their aliases
    "feed": ("/feeds/rss/", 2),
    "sitemap": ("/sitemap.xml", 8),
}


def build(notes: int) -> None:
    parent = make_category("Parent")
    child = make_category("Child", parent=parent)
    concurrency = make_topic("Concurrency")
    make_topic("GIL", parent=concurrency, aliases=["全局解释器锁"])
    make_topic("Thread", parent=concurrency, aliases=["线程"])
    for index in range(notes):
        make_note(
            f"Note {index}",
            slug=f"note-{index}",
            body=f"GIL {index}，线程和全局解释器锁。See [[Note {index + 1}]].",
            category=child if index % 2 else parent,
            tags=["Python", f"tag{index % 5}", "并发"],
        )


def get_ok(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


@pytest.mark.parametrize("page", PAGES)
def test_page_query_count_does_not_grow_with_the_data(client, page, django_assert_num_queries):
    url, expected = PAGES[page]
    build(3)
    with django_assert_num_queries(expected):
        get_ok(client, url)
    build_more = [make_note(f"Extra {i}", body="GIL 线程", tags=["Python"]) for i in range(25)]
    assert Note.objects.count() == 3 + len(build_more)
    with django_assert_num_queries(expected):
        get_ok(client, url)


@pytest.mark.parametrize("page", PAGES)
def test_cached_page_costs_one_query(client, page, django_assert_num_queries):
    url, _ = PAGES[page]
    build(3)
    first = get_ok(client, url)
    with django_assert_num_queries(1):
        again = get_ok(client, url)
    assert again.content == first.content


# Learning paths: the topics, the prerequisite pairs, and each step's best note (the
# aliases, the notes titled with a topic's name, the most mentioning note of each topic,
# and those notes' titles); a topic page reads the prerequisite pairs too.
LEARNING_PAGES = {
    "learn": ("/learn/", 7),
    "learn path": ("/learn/topic-{last}/", 7),
    "topic with prerequisites": ("/topics/topic-{last}/", 11),
}


def build_learning(start: int, count: int) -> None:
    """``count`` more topics, each needing the one before it, and notes about them."""
    from notes.models import Topic, TopicRelation

    for index in range(start, start + count):
        parent = Topic.objects.filter(slug="concurrency").first()
        topic = make_topic(f"Topic {index}", slug=f"topic-{index}", parent=parent)
        if index:
            TopicRelation.objects.create(
                topic=topic,
                kind=TopicRelation.Kind.PREREQUISITE,
                other=Topic.objects.get(slug=f"topic-{index - 1}"),
            )
        make_note(f"Topic {index}", body=f"Topic {index}, topic {index}. GIL.")
        make_note(body=f"Topic {index} once.", status=Note.Status.DRAFT)


@pytest.mark.parametrize("page", LEARNING_PAGES)
def test_learning_pages_query_count_does_not_grow_with_topics_or_notes(
    client, page, django_assert_num_queries
):
    url, expected = LEARNING_PAGES[page]
    build(3)
    build_learning(0, 3)
    with django_assert_num_queries(expected):
        get_ok(client, url.format(last=2))
    build_learning(3, 12)
    for index in range(25):
        make_note(f"Extra {index}", body="GIL 线程 topic 0 topic 1")
    with django_assert_num_queries(expected):
        response = get_ok(client, url.format(last=14))
    # The last topic's whole path is on the page: the first topic and the one before it.
    content = response.content.decode()
    assert "Topic 0</a>" in content
    assert "Topic 13</a>" in content
    with django_assert_num_queries(1):
        get_ok(client, url.format(last=14))


def related_topics(count: int, start: int = 0) -> None:
    """``count`` topics more, each needing the one before it and contrasting with the
    one before that, with an alias each."""
    from notes.models import Topic, TopicRelation

    for index in range(start, start + count):
        topic = make_topic(f"Step {index}", name_zh=f"第{index}步", aliases=[f"step{index}"])
        previous = Topic.objects.filter(name__in=[f"Step {index - 1}", f"Step {index - 2}"])
        for other in previous:
            kind = "prerequisite" if other.name == f"Step {index - 1}" else "contrasts"
            TopicRelation.objects.create(topic=topic, kind=kind, other=other)


@pytest.mark.parametrize(
    ("url", "expected"),
    [("/map/", 3), ("/map/?arrows=off", 3), ("/map.json", 3), ("/map.opml", 3)],
)
def test_the_map_and_its_downloads_cost_the_same_however_many_topics_are_related(
    client, url, expected, django_assert_num_queries
):
    related_topics(3)
    with django_assert_num_queries(expected):
        first = get_ok(client, url)
    related_topics(20, start=3)
    with django_assert_num_queries(expected):
        again = get_ok(client, url)
    assert again.content.count(b"Step 22") > first.content.count(b"Step 22") == 0
