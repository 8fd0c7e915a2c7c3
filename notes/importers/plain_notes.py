"""A note without front matter: its first line is the title, the rest the body."""

from __future__ import annotations

import re

from ..control_characters import is_invisible
from ..models import Note
from .limits import max_length_of
from .parsed import NoteFileError, ParsedNote
from .text_lines import drop_one_line_break, is_blank, lines_of

TITLE_MAX_LENGTH = max_length_of(Note, "title")
# A "first line" longer than a title can be is a paragraph: its start names the
# note and the line stays in the body, so no text is lost.
SHORT_TITLE_LENGTH = 80

_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
# `##Title` counts as a heading, as it does when notes are rendered (markdown.py).
_ATX_HEADING = re.compile(r"^#{1,6}(?!#)")
_ATX_CLOSING = re.compile(r"(?:^|\s+)#+$")


def parse_plain_text(text: str, *, fallback_title: str = "") -> ParsedNote:
    """The first non-empty line (a heading's text if it is one) is the title; the
    rest is the body, without the blank lines that led into it."""
    lines = lines_of(text)
    for index, line in enumerate(lines):
        # A line of zero-width spaces or form feeds is as blank as an empty one.
        if is_invisible(line):
            continue
        rest = lines[index + 1 :]
        line = line.strip()
        if _ATX_HEADING.match(line):
            line = _ATX_CLOSING.sub("", line.lstrip("#").strip()).strip()
        elif rest and _SETEXT_UNDERLINE.match(rest[0].rstrip("\r\n")):
            rest = rest[1:]
        if len(line) > TITLE_MAX_LENGTH:
            title = line[:SHORT_TITLE_LENGTH].rstrip() + "…"
            rest = lines[index:]
        else:
            title = line or fallback_title
        while rest and is_blank(rest[0]):
            rest = rest[1:]
        body = drop_one_line_break("".join(rest), at_start=False)
        if not title:
            raise NoteFileError("no title: the first line is an empty heading")
        return ParsedNote(title=title, body=body)
    raise NoteFileError("the file is empty")
