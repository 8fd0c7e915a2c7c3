"""A note file's bytes to a ``ParsedNote``: decoding, front matter, plain text. Pure."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from pathlib import PurePosixPath

from django.utils import timezone

from ..control_characters import is_invisible, name_without_controls
from ..models import Note
from ..note_rendering import MARKDOWN, PLAIN_TEXT, RENDERERS
from .clippings import page_chrome_start
from .dates import date_in_first_lines
from .decoding import decode_note_bytes
from .front_matter import (
    FRONT_MATTER_FIELDS,
    as_datetime,
    as_name_list,
    jsonable,
    split_front_matter,
)
from .parsed import DateSource, NoteFileError, ParsedNote
from .plain_notes import TITLE_MAX_LENGTH, parse_plain_text
from .text_lines import is_blank, lines_of

_JEKYLL_DATE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")


def parse_note_bytes(raw: bytes, *, name: str = "", trim_clipping: bool = False) -> ParsedNote:
    """Decode and parse one note file; ``name`` (its file name) supplies the
    fallback title and, for Jekyll's ``YYYY-MM-DD-title.md`` names, the date. A
    ``.txt`` file without front matter is plain text, anything else Markdown.

    A file that gives no date in either may write one in its first lines
    (``时间：2014年11月6日``): that is ``first_lines_date``."""
    text, encoding = decode_note_bytes(raw)
    path = PurePosixPath(name)
    jekyll_name = _JEKYLL_DATE_NAME.match(path.stem)
    parsed = parse_note_text(
        text,
        fallback_title=jekyll_name.group(2) if jekyll_name else path.stem,
        default_format=PLAIN_TEXT if path.suffix.lower() == ".txt" else MARKDOWN,
        trim_clipping=trim_clipping,
    )
    if parsed.date is not None:
        parsed.date_source = DateSource.FRONT_MATTER
    elif jekyll_name:
        with contextlib.suppress(ValueError, NoteFileError):
            parsed.date = as_datetime(dt.date.fromisoformat(jekyll_name.group(1)))
            parsed.date_source = DateSource.FILE_NAME
    if parsed.date is None:
        # Less sure than front matter or a file name: a new note takes it (batching).
        parsed.first_lines_date = date_in_first_lines(
            parsed.title, parsed.body, not_after=timezone.localdate()
        )
    parsed.encoding = encoding
    return parsed


def parse_note_text(
    text: str,
    *,
    fallback_title: str = "",
    default_format: str = MARKDOWN,
    trim_clipping: bool = False,
) -> ParsedNote:
    """A note from the text of a Jekyll post or a plain-text/Markdown note;
    ``default_format`` is the note's format when it has no front matter.

    A tail of page chrome copied from a web page is reported in ``warnings``, and
    cut off only when ``trim_clipping`` asks for it.
    """
    text = text.removeprefix("\ufeff")
    parsed = _parse_note_text(text, fallback_title=fallback_title, default_format=default_format)
    _keep_names_visible(parsed)
    start = page_chrome_start(parsed.body)
    if start is not None:
        body_lines = lines_of(parsed.body)
        # The line as an editor numbers it in the file, front matter and title included.
        line = text[: text.rindex(parsed.body)].count("\n") + start + 1 if parsed.body else start
        first = body_lines[start].strip()
        if trim_clipping:
            parsed.body = "".join(body_lines[:start]).rstrip()
            parsed.warnings.append(
                f'cut off what looks like web page chrome from line {line} ("{first}")'
            )
        else:
            parsed.warnings.append(
                f"the end looks like web page chrome (likes, payment...) from line {line} "
                f'("{first}"); import with "trim clipping" to cut it off'
            )
    return parsed


def _keep_names_visible(parsed: ParsedNote) -> None:
    """Take control characters and direction overrides out of the title, tags and
    categories, each time with a warning: the note imports, and loses nothing a reader
    could see (the body keeps them as written). A title of nothing visible is refused."""
    parsed.title, warning = name_without_controls(parsed.title)
    if warning:
        parsed.warnings.append(f"title: {warning}")
    if is_invisible(parsed.title):
        raise NoteFileError(
            "the title holds only invisible characters (zero-width spaces and the like); "
            "give the note a title readers can see"
        )
    for key in ("tags", "categories"):
        names = getattr(parsed, key)
        if names:
            setattr(parsed, key, _visible_names(names, key, parsed.warnings))


def _visible_names(names: list[str], key: str, warnings: list[str]) -> list[str]:
    kept: list[str] = []
    for name in names:
        cleaned, warning = name_without_controls(name)
        if warning:
            warnings.append(f"{key}: {warning}")
        if is_invisible(cleaned):
            warnings.append(f"{key}: left out {name!r}, which holds only invisible characters")
        elif cleaned not in kept:
            kept.append(cleaned)
    return kept


def _parse_note_text(text: str, *, fallback_title: str, default_format: str) -> ParsedNote:
    data, body = split_front_matter(text)
    if data is None:
        parsed = parse_plain_text(text, fallback_title=fallback_title)
        parsed.format = default_format
        return parsed
    note_format = str(data.get("format") or MARKDOWN)
    if note_format not in RENDERERS:
        raise NoteFileError(f"format: {note_format!r} is neither 'markdown' nor 'text'")
    language = None if data.get("language") is None else str(data["language"])
    if language is not None and language not in Note.Language.values:
        choices = " nor ".join(repr(value) for value in Note.Language.values)
        raise NoteFileError(f"language: {language!r} is neither {choices}")
    title = data.get("title")
    if isinstance(title, list | dict):
        raise NoteFileError(
            f"title: {jsonable(title)!r} is a list or a map, not one title; "
            "write it on one line, in quotes if it holds a comma or brackets"
        )
    title = str(title or "").strip()
    if not title:
        if is_blank(body):
            raise NoteFileError("the front matter has no title and there is no text below it")
        plain = parse_plain_text(body, fallback_title=fallback_title)
        title, body = plain.title, plain.body
    if len(title) > TITLE_MAX_LENGTH:
        raise NoteFileError(f"the title is longer than {TITLE_MAX_LENGTH} characters")
    status = None if data.get("status") is None else str(data["status"])
    if status is not None and status not in Note.Status.values:
        raise NoteFileError(f"status {status!r} is neither 'draft' nor 'published'")
    published = data.get("published")
    if published is not None and not isinstance(published, bool):
        raise NoteFileError(f"published {published!r} is neither true nor false")
    if status is None and published is not None:
        status = Note.Status.PUBLISHED if published else Note.Status.DRAFT
    every_section = data.get("link_every_section")
    if every_section is not None and not isinstance(every_section, bool):
        raise NoteFileError(f"link_every_section {every_section!r} is neither true nor false")
    categories = data["categories"] if "categories" in data else data.get("category")
    source = data.get("source")
    excerpt = data.get("excerpt")
    return ParsedNote(
        title=title,
        body=body,
        categories=(
            as_name_list(categories, split_items=False)
            if "categories" in data or "category" in data
            else None
        ),
        tags=as_name_list(data["tags"]) if "tags" in data else None,
        date=as_datetime(data.get("date"), "date"),
        updated=as_datetime(data.get("updated"), "updated"),
        status=status,
        slug=str(data.get("slug") or "").strip(),
        excerpt=None if excerpt is None else str(excerpt),
        format=note_format,
        language=language,
        link_every_section=every_section,
        source=None if "source" not in data else str(source or ""),
        extra={
            str(key): jsonable(value, str(key))
            for key, value in data.items()
            if key not in FRONT_MATTER_FIELDS
        },
    )
