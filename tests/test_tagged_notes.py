"""NoteQuerySet.tagged: a tag's notes, found by walking the notes by date or by id."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notes.models import Note, Tag
from notes.models.notes import looked_up_by_id
from notes.planner_statistics import refresh_planner_statistics
from tests.factories import make_draft, make_note


class TestLookedUpById:
    """The choice alone, with the figures of the 100,000-note benchmark."""

    def test_a_rare_tag_is_found_by_id_and_a_common_one_by_walking(self):
        assert looked_up_by_id([74], 100_000, reading=20, counting=False) == 0
        assert looked_up_by_id([41_000], 100_000, reading=20, counting=False) is None

    def test_a_tag_on_3_percent_is_walked_for_a_page_and_found_by_id_to_count(self):
        assert looked_up_by_id([3_000], 100_000, reading=20, counting=False) is None
        assert looked_up_by_id([3_000], 100_000, reading=1001, counting=True) == 0

    def test_tags_seldom_together_find_the_rarest_by_id_to_count(self):
        # contextlib (3%) and Python (41%): a thousand together means walking 80,000.
        counts = [41_294, 3_017]
        assert looked_up_by_id(counts, 100_000, reading=1001, counting=True) == 1
        assert looked_up_by_id(counts, 100_000, reading=20, counting=False) is None

    def test_a_small_collection_is_walked_whole(self):
        assert looked_up_by_id([3], 41, reading=20, counting=False) is None

    def test_a_tag_on_no_note_is_found_by_id(self):
        assert looked_up_by_id([0, 41_000], 100_000, reading=20, counting=False) == 0

    def test_without_statistics_every_note_is_tested(self):
        assert looked_up_by_id([74], None, reading=20, counting=False) is None


@pytest.fixture
def collection(db):
    """121 notes: every published one tagged "common", one in sixty "rare" too, and a
    draft tagged "rare"."""
    for index in range(120):
        make_note(f"Note {index}", tags=["common", "rare"] if index % 60 == 0 else ["common"])
    make_draft("Draft", tags=["rare"])
    refresh_planner_statistics()


def _listing_sql(queryset) -> str:
    with CaptureQueriesContext(connection) as queries:
        list(queryset)
    return queries.captured_queries[-1]["sql"]


def _titles(queryset) -> list[str]:
    return [note.title for note in queryset]


def test_a_rare_tag_is_looked_up_by_id_and_a_common_one_tested_note_by_note(collection):
    if connection.vendor != "sqlite":
        pytest.skip("the choice is made from SQLite's statistics")
    rare, common = Tag.objects.get(name="rare"), Tag.objects.get(name="common")
    by_id = _listing_sql(Note.objects.published().tagged([rare], reading=20)[:20])
    tested = _listing_sql(Note.objects.published().tagged([common], reading=20)[:20])
    assert 'IN (SELECT U0."content_object_id"' in by_id and "EXISTS" not in by_id
    assert "EXISTS" in tested and "IN (SELECT" not in tested


def test_either_way_finds_the_same_notes_newest_first(collection):
    rare = Tag.objects.get(name="rare")
    by_id = Note.objects.published().tagged([rare], reading=20)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM sqlite_stat1")
    tested = Note.objects.published().tagged([rare], reading=20)
    assert _titles(by_id) == _titles(tested) == ["Note 60", "Note 0"]
    assert _titles(Note.objects.tagged([rare], reading=20)) == ["Draft", "Note 60", "Note 0"]


def test_notes_need_a_tag_of_every_group(collection):
    rare, common = Tag.objects.get(name="rare"), Tag.objects.get(name="common")
    both = Note.objects.tagged([rare], [common], reading=20)
    either = Note.objects.tagged([rare, common], reading=20)
    assert _titles(both) == ["Note 60", "Note 0"]
    assert len(either) == 121


def test_without_statistics_every_note_is_tested(collection):
    if connection.vendor != "sqlite":
        pytest.skip("the choice is made from SQLite's statistics")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1")
    rare = Tag.objects.get(name="rare")
    assert "EXISTS" in _listing_sql(Note.objects.published().tagged([rare], reading=20))


def test_tag_pages_feeds_and_searches_of_a_rare_tag_list_its_notes(client, collection):
    page = client.get("/tags/rare/")
    assert _titles(page.context["object_list"]) == ["Note 60", "Note 0"]
    search = client.get("/search/", {"tag": "rare"})
    assert _titles(search.context["results"]) == ["Note 60", "Note 0"]
    assert search.context["paginator"].count == 2
    both = client.get("/search/", {"tag": ["rare", "common"]})
    assert _titles(both.context["results"]) == ["Note 60", "Note 0"]
    assert "2 notes found" in both.content.decode()
    feed = client.get("/feeds/tags/rare/rss/").content.decode()
    assert "Note 60" in feed and "Note 0" in feed and "Draft" not in feed


def test_a_search_for_tags_counts_its_notes_as_counting_is_cheapest(
    client, collection, monkeypatch
):
    if connection.vendor != "sqlite":
        pytest.skip("the choice is made from SQLite's statistics")
    # Counting by id costs nothing and listing by id too much: each query goes its way.
    monkeypatch.setattr("notes.models.notes._BY_ID_COUNTING_COST", 0)
    monkeypatch.setattr("notes.models.notes._BY_ID_LISTING_COST", 10**9)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"tag": ["rare", "common"]})
    assert "2 notes found" in response.content.decode()
    sql = [query["sql"] for query in queries.captured_queries]
    (counting,) = [text for text in sql if text.startswith("SELECT COUNT(*)")]
    listing_start = 'SELECT "notes_note"."id", "notes_note"."title", "notes_note"."slug"'
    (listing,) = [text for text in sql if text.startswith(listing_start)]
    assert 'IN (SELECT U0."content_object_id"' in counting
    assert 'IN (SELECT U0."content_object_id"' not in listing
