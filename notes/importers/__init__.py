"""Reading notes from files: Jekyll posts with YAML front matter and plain text.

Parsing (``parse_note_bytes``, ``parse_note_text``) is pure: bytes or text in, a
``ParsedNote`` out, no database. Writing goes through ``NoteImporter``, each file
all or nothing, shared by the ``import_notes`` command, the admin upload page and
``load_sample_content``.

The package holds one concern per module:

- ``decoding``: bytes to text, refusing what is not text;
- ``front_matter``: Jekyll's YAML front matter;
- ``plain_notes``: a note without front matter, its title and body;
- ``parsing``: the three joined, ``parse_note_bytes`` and ``parse_note_text``;
- ``dates``: a date written in a note's first lines, or typed by a person;
- ``git_dates``: the date of the git commit that added a file;
- ``collection``: files and folders on disk, uploads and zip archives;
- ``report``: what happened to each file;
- ``saving``: one parsed note written to the database;
- ``history``: the first versions of new notes, written once per batch;
- ``workers``: parsing and rendering in worker processes;
- ``batching``: an import run, files in batches of savepoints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..models import Note
from . import limits
from .batching import NoteImporter
from .collection import (
    NOTE_SUFFIXES,
    NoteInput,
    collect_paths,
    collect_uploads,
    unpacked_bytes,
)
from .decoding import decode_note_bytes
from .front_matter import FRONT_MATTER_FIELDS, as_datetime, as_name_list, split_front_matter
from .limits import MAX_FILE_BYTES, MAX_ZIP_BYTES, MAX_ZIP_MEMBERS, MiB
from .parsed import NoteFileError, ParsedNote
from .parsing import parse_note_bytes, parse_note_text
from .plain_notes import parse_plain_text
from .report import ImportReport, ImportResult, Outcome, outcome_verb
from .saving import (
    apply_parsed_note,
    category_for,
    choose_slug,
    exported_note_for,
    notes_from_source,
    save_note,
    save_parsed_note,
    tag_named,
)

__all__ = [
    "FRONT_MATTER_FIELDS", "MAX_FILE_BYTES", "MAX_ZIP_BYTES", "MAX_ZIP_MEMBERS",
    "NOTE_SUFFIXES", "MiB", "ImportReport", "ImportResult", "NoteFileError", "NoteImporter",
    "NoteInput", "Outcome", "ParsedNote", "apply_parsed_note", "as_datetime",
    "as_name_list", "category_for", "choose_slug", "collect_paths", "collect_uploads",
    "decode_note_bytes", "exported_note_for", "import_note_file", "import_paths",
    "import_uploads", "notes_from_source", "outcome_verb", "parse_note_bytes",
    "parse_note_text", "parse_plain_text", "save_note", "save_parsed_note",
    "split_front_matter", "tag_named",
]  # fmt: skip


def import_paths(
    paths: Iterable[str | Path],
    *,
    dry_run: bool = False,
    default_status: str = Note.Status.DRAFT,
    on_result: Callable[[ImportResult, int], None] | None = None,
    trim_clipping: bool = False,
    written_date: dt.date | None = None,
) -> ImportReport:
    """Import files and folders (recursively), one transaction per file;
    ``written_date`` dates every note of the run."""
    items = collect_paths(paths)
    total = sum(item.size for item in items if isinstance(item, NoteInput))
    if total > limits.max_import_bytes():
        return _refused_whole(limits.import_too_large(total), dry_run=dry_run)
    importer = NoteImporter(
        default_status=default_status,
        dry_run=dry_run,
        trim_clipping=trim_clipping,
        written_date=written_date,
    )
    return importer.run(items, on_result=on_result)


def _refused_whole(reason: str, *, dry_run: bool) -> ImportReport:
    return ImportReport(
        dry_run=dry_run, results=[ImportResult.failed("(the whole import)", reason)]
    )


def import_uploads(
    files: Iterable[Any],
    *,
    dry_run: bool = False,
    default_status: str = Note.Status.DRAFT,
    uploader: str = "",
    trim_clipping: bool = False,
    written_date: dt.date | None = None,
) -> ImportReport:
    """Import uploaded ``.md``/``.markdown``/``.txt`` files and ``.zip`` archives of them.

    ``uploader`` (a user name) is part of each note's source, so that one person's
    upload never replaces the notes another person uploaded under the same name.
    """
    files = list(files)
    total = unpacked_bytes(files)
    if total > limits.max_import_bytes():
        return _refused_whole(limits.import_too_large(total), dry_run=dry_run)
    importer = NoteImporter(
        default_status=default_status,
        dry_run=dry_run,
        trim_clipping=trim_clipping,
        written_date=written_date,
    )
    return importer.run(collect_uploads(files, uploader=uploader))


def import_note_file(
    path: str | Path, *, dry_run: bool = False, default_status: str = Note.Status.DRAFT
) -> ImportResult:
    """Import one file; its outcome says what happened (or would have)."""
    return import_paths([path], dry_run=dry_run, default_status=default_status).results[0]
