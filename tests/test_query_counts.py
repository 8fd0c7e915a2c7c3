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
    "note": ("/notes/note-0/", 7),
    "note map": ("/notes/note-0/map/", 2),
    "category": ("/categories/parent/", 5),
    "tag": ("/tags/python/", 4 + ESTIMATE),
    "all tags": ("/tags/", 2),
    "all categories": ("/categories/", 2),
    "topic": ("/topics/gil/", 7),
    "topic with subtopics": ("/topics/concurrency/", 8),
    "map": ("/map/", 3),
    "map opml": ("/map.opml", 2),
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
