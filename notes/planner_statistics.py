"""SQLite's query planner statistics (``sqlite_stat1``): taken after bulk changes.

Without statistics SQLite guesses that ``status = 'published'`` picks out ten notes,
so for "these twenty published notes, newest first" it walks the whole status index
instead of looking the twenty up: 14 ms instead of 0.03 ms at 100,000 notes (a search
results page does that). Any statistics, even from a small collection, tell it that a
status matches a large share of the notes. PostgreSQL's autovacuum analyses tables on
its own.
"""

from __future__ import annotations

import json
import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

# Rows SQLite reads per index: enough for the shape of the data, and a few ms even on
# 100,000 notes (a full ANALYZE reads every index entry).
ANALYSIS_LIMIT = 1000


def refresh_planner_statistics(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Let SQLite measure its tables and indexes again; True if it did."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        _analyze(cursor)
    return True


def _analyze(cursor) -> None:
    cursor.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
    tables = ordinary_tables(cursor)
    for table in tables:
        quoted = table.replace('"', '""')
        cursor.execute(f'ANALYZE "{quoted}"')
    # Statistics on the search index's own tables made SQLite's full-text engine six
    # times slower to write (a rebuild of 5,000 notes: 6 s, then 40 s): any left by
    # a plain ANALYZE go.
    if _has_table(cursor, "sqlite_stat1"):
        cursor.execute(
            "DELETE FROM sqlite_stat1 WHERE tbl NOT IN (SELECT value FROM json_each(%s))",
            [json.dumps(tables)],
        )


def ordinary_tables(cursor) -> list[str]:
    """The database's tables, without SQLite's own, virtual tables (the full-text
    index) and the tables a virtual table keeps its data in (named after it)."""
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
    rows = cursor.fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
    return sorted(
        name
        for name, sql in rows
        if not name.startswith("sqlite_")
        and not any(name == v or name.startswith(f"{v}_") for v in virtual)
    )


def take_missing_statistics(sender=None, connection=None, **kwargs) -> bool:
    """On a new SQLite connection: take statistics if the notes have none yet.

    Imports take them (``NoteImporter.run``), but a collection written note by note
    in the admin would otherwise never have any. A few small queries per worker; a
    database that cannot be written to (or is busy) is left as it is."""
    if connection is None or connection.vendor != "sqlite":
        return False
    try:
        return _take_missing(connection)
    except DatabaseError as error:
        logger.warning("No query planner statistics taken: %s", error)
        return False


def _has_table(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [name])
    return cursor.fetchone() is not None


def _take_missing(connection) -> bool:
    with connection.cursor() as cursor:
        if not _has_table(cursor, "notes_note"):
            return False  # Not migrated yet.
        if _has_table(cursor, "sqlite_stat1"):
            cursor.execute("SELECT 1 FROM sqlite_stat1 WHERE tbl = 'notes_note' LIMIT 1")
            if cursor.fetchone():
                return False
        cursor.execute("SELECT 1 FROM notes_note LIMIT 1")
        if not cursor.fetchone():
            return False  # Nothing to measure: an empty table leaves no statistics.
        _analyze(cursor)
    return True


def estimated_rows(table: str, using: str = DEFAULT_DB_ALIAS) -> int | None:
    """About how many rows ``table`` holds, as SQLite's statistics last measured them;
    None without statistics, and on PostgreSQL (whose planner needs no help here)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        try:
            # Each index's row begins with the number of rows it had (cast: "100000 1").
            cursor.execute(
                "SELECT max(CAST(stat AS INTEGER)) FROM sqlite_stat1 WHERE tbl = %s", [table]
            )
        except DatabaseError:  # no statistics were ever taken
            return None
        row: tuple[int | None] = cursor.fetchone()
    return row[0]
