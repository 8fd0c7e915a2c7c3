"""SQLite has query planner statistics wherever notes arrive in bulk or are already there,
and none on the full-text index's tables."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection

from notes import planner_statistics
from notes.importers import import_paths
from notes.models import Note
from notes.planner_statistics import refresh_planner_statistics, take_missing_statistics
from tests.factories import make_note

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("statistics are SQLite's; PostgreSQL's autovacuum analyses on its own")


def _forget_statistics() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("DELETE FROM sqlite_stat1")
            # The planner keeps what it read until told to read the table again.
            cursor.execute("ANALYZE sqlite_schema")


def _has_statistics() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone():
            return False
        cursor.execute("SELECT 1 FROM sqlite_stat1 WHERE tbl = 'notes_note'")
        return cursor.fetchone() is not None


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(str(row[-1]) for row in cursor.fetchall())


def test_with_statistics_a_page_of_published_notes_is_looked_up_by_id():
    # Enough notes that walking all the published ones costs more than sorting twenty.
    Note.objects.bulk_create(
        Note(title=f"Note {index}", slug=f"note-{index}", status=Note.Status.PUBLISHED)
        for index in range(2000)
    )
    ids = list(Note.objects.values_list("pk", flat=True)[:20])
    page = Note.objects.published().filter(pk__in=ids)
    _forget_statistics()
    # Without statistics SQLite guesses a status matches ten notes and walks its index.
    assert "note_status_created" in _plan(page)

    assert refresh_planner_statistics() is True

    assert "INTEGER PRIMARY KEY" in _plan(page)
    assert "note_status_created" not in _plan(page)


def test_an_import_takes_statistics(tmp_path):
    for index in range(3):
        (tmp_path / f"note-{index}.md").write_text(f"# Note {index}\n\nText.", encoding="utf-8")
    _forget_statistics()

    import_paths([tmp_path], default_status="published")

    assert _has_statistics()


def test_a_dry_run_import_changes_nothing_and_takes_none(tmp_path):
    (tmp_path / "note.md").write_text("# Note\n\nText.", encoding="utf-8")
    make_note()
    _forget_statistics()

    import_paths([tmp_path], dry_run=True)

    assert not _has_statistics()


def test_the_sample_content_comes_with_statistics():
    _forget_statistics()

    call_command("load_sample_content", verbosity=0)

    assert Note.objects.exists()
    assert _has_statistics()


def test_a_new_connection_takes_statistics_once_there_are_notes():
    _forget_statistics()
    assert take_missing_statistics(connection=connection) is False  # No notes yet.

    make_note()

    assert take_missing_statistics(connection=connection) is True
    assert _has_statistics()
    assert take_missing_statistics(connection=connection) is False  # Already there.


def test_statistics_that_cannot_be_written_leave_the_connection_working(monkeypatch, caplog):
    make_note()
    _forget_statistics()

    def locked(connection):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(planner_statistics, "_take_missing", locked)

    assert take_missing_statistics(connection=connection) is False
    assert "database is locked" in caplog.text
    assert Note.objects.count() == 1


def test_statistics_leave_the_full_text_index_tables_alone():
    make_note(title="GIL", body="全局解释器锁")
    with connection.cursor() as cursor:
        # What a plain ANALYZE leaves: statistics on the index's own tables too.
        cursor.execute("ANALYZE")
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        assert any(table.startswith("notes_searchentry") for (table,) in cursor.fetchall())

        refresh_planner_statistics()

        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        tables = {table for (table,) in cursor.fetchall()}
    assert "notes_note" in tables
    assert not [table for table in tables if table.startswith("notes_searchentry")]
    assert set(planner_statistics.ordinary_tables(connection.cursor())) >= {
        "notes_note", "notes_taggednote", "notes_mention",
    }  # fmt: skip


def test_recounting_after_writes_without_the_app_takes_statistics():
    Note.objects.bulk_create([Note(title="Bulk", slug="bulk", status=Note.Status.PUBLISHED)])
    _forget_statistics()

    call_command("recount_notes", verbosity=0)

    assert _has_statistics()


def test_the_number_of_notes_is_estimated_from_the_statistics():
    for index in range(30):
        make_note(f"Counted {index}")
    _forget_statistics()
    assert planner_statistics.estimated_rows("notes_note") is None
    refresh_planner_statistics()
    assert planner_statistics.estimated_rows("notes_note") == 30


def test_without_a_statistics_table_there_is_no_estimate():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("DROP TABLE sqlite_stat1")
    assert planner_statistics.estimated_rows("notes_note") is None
