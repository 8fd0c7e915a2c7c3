"""What a file says about its note, before anything touches the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


class NoteFileError(ValueError):
    """A file that cannot become a note; the message says why."""


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
    date_source: str = ""  # where ``date`` came from, for the report
    warnings: list[str] = field(default_factory=list)  # for the report, the file still imports
