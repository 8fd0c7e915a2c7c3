"""NoteQuerySet.tagged: a tag's notes, found by walking the notes by date or by id."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notes.models import Note, Tag
from notes.planner_statistics import refresh_planner_statistics
from tests.factories import make_draft, make_note

pytestmark = pytest.mark.django_db


@pytest.fixture
def collection():
    """40 notes: every one tagged "common", one in twenty "rare", a draft "rare" too."""
    for index in range(40):
        make_note(f"Note {index}", tags=["common", "rare"] if index % 20 == 0 else ["common"])
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
    # By id with statistics, note by note without them: the same notes, the same order.
    by_id = Note.objects.published().tagged([rare], reading=20)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_stat1")
    tested = Note.objects.published().tagged([rare], reading=20)
    assert _titles(by_id) == _titles(tested) == ["Note 20", "Note 0"]
    assert _titles(Note.objects.tagged([rare], reading=20)) == ["Draft", "Note 20", "Note 0"]


def test_without_statistics_every_note_is_tested(collection):
    if connection.vendor != "sqlite":
        pytest.skip("the choice is made from SQLite's statistics")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1")
    rare = Tag.objects.get(name="rare")
    assert "EXISTS" in _listing_sql(Note.objects.published().tagged([rare], reading=20))


def test_a_tag_page_and_a_tag_search_of_a_rare_tag_list_its_notes(client, collection):
    page = client.get("/tags/rare/")
    assert [note.title for note in page.context["object_list"]] == ["Note 20", "Note 0"]
    search = client.get("/search/", {"tag": "rare"})
    assert [note.title for note in search.context["results"]] == ["Note 20", "Note 0"]
    assert search.context["paginator"].count == 2
