"""What a file says about its note, before anything touches the database."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any


class NoteFileError(ValueError):
    """A file that cannot become a note; the message says why."""


class DateSource(enum.StrEnum):
    """Where an imported note's written date came from, most trusted first."""

    GIVEN = "given"  # one date for the whole import (--date, the upload form)
    FRONT_MATTER = "front matter"
    FILE_NAME = "file name"  # Jekyll's YYYY-MM-DD-title.md
    FIRST_LINES = "first lines"  # 时间：2014年11月6日 at the top of the note
    COMMIT = "commit"  # the git commit that added the file
    MODIFIED = "file's modification time"
    IMPORT_TIME = "import time (the file gives no date)"

    @property
    def is_guess(self) -> bool:
        """A file's time says when it was last copied or saved, not when it was written."""
        return self in {DateSource.MODIFIED, DateSource.IMPORT_TIME}


@dataclass
class ParsedNote:
    """A note as read from a file. ``None`` means the file does not say."""

    title: str
    body: str
    categories: list[str] | None = None
    tags: list[str] | None = None
    date: dt.datetime | None = None
    updated: dt.datetime | None = None
    status: str | None = None
    slug: str = ""
    excerpt: str | None = None
    # The ``source`` key written by export_notes: which note an exported file stands for.
    source: str | None = None
    # Front-matter keys without a field of their own; ``None`` for plain text.
    extra: dict[str, Any] | None = None
    encoding: str = "utf-8"
    # "markdown" or "text": front matter or a .md name says Markdown, a bare .txt plain text.
    format: str = "markdown"
    language: str | None = None  # staff's choice, carried by export_notes
    link_every_section: bool | None = None  # link topics in each section, not once
    date_source: DateSource | None = None  # where ``date`` came from, for the report
    # A date written in the note's first lines, for a note the file gives no ``date``.
    first_lines_date: dt.date | None = None
    warnings: list[str] = field(default_factory=list)  # for the report, the file still imports
