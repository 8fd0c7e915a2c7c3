"""Reading notes from files: Jekyll posts with YAML front matter and plain text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import yaml
from django.db import transaction
from django.utils import timezone

from .models import Category, Note

FRONT_MATTER_FIELDS = {"title", "categories", "category", "tags", "date", "status", "slug"}


class NoteFileError(ValueError):
    """A file that cannot become a note; the message says why."""


@dataclass
class ParsedNote:
    title: str
    body: str
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    date: dt.datetime | None = None
    status: str | None = None
    slug: str = ""
    extra: dict = field(default_factory=dict)


def split_front_matter(text: str) -> tuple[dict | None, str]:
    """Split ``---`` YAML front matter from the body; ``None`` when there is none."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() in {"---", "..."}:
            raw = "\n".join(lines[1:index])
            try:
                data = yaml.safe_load(raw) if raw.strip() else {}
            except yaml.YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                where = f" (line {mark.line + 2})" if mark else ""
                raise NoteFileError(f"malformed YAML front matter{where}: {error}") from error
            if data is None:
                data = {}
            if not isinstance(data, dict):
                raise NoteFileError("front matter is not a set of key: value pairs")
            return data, "\n".join(lines[index + 1 :])
    raise NoteFileError("front matter starts with --- but never ends")


def as_name_list(value) -> list[str]:
    """Jekyll accepts a YAML list or a space-separated string: `tags: Python web` is two."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    names: list[str] = []
    for item in items:
        for name in str(item).split():
            if name and name not in names:
                names.append(name)
    return names


def as_datetime(value) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).strip())
        except ValueError as error:
            raise NoteFileError(f"date {value!r} is not a date") from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def parse_note_text(text: str, *, fallback_title: str = "") -> ParsedNote:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    data, body = split_front_matter(text)
    if data is None:
        return parse_plain_text(text, fallback_title=fallback_title)
    title = str(data.get("title") or "").strip()
    if not title:
        plain = parse_plain_text(body, fallback_title=fallback_title)
        title, body = plain.title, plain.body
    categories = as_name_list(data.get("categories", data.get("category")))
    status = data.get("status")
    if status is not None and status not in Note.Status.values:
        raise NoteFileError(f"status {status!r} is neither 'draft' nor 'published'")
    return ParsedNote(
        title=title,
        body=body.strip("\n") + "\n",
        categories=categories,
        tags=as_name_list(data.get("tags")),
        date=as_datetime(data.get("date")),
        status=status,
        slug=str(data.get("slug") or ""),
        extra={
            key: _jsonable(value) for key, value in data.items() if key not in FRONT_MATTER_FIELDS
        },
    )


def parse_plain_text(text: str, *, fallback_title: str = "") -> ParsedNote:
    """The first non-empty line (a heading's text if it is one) is the title."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.strip():
            title = line.strip().lstrip("#").strip() or fallback_title
            body = "\n".join(lines[index + 1 :]).strip("\n")
            return ParsedNote(title=title, body=body + "\n" if body else "")
    raise NoteFileError("the file is empty")


def _jsonable(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def category_for(names: list[str]) -> Category | None:
    """The last of a post's categories, each nested in the one before (Jekyll's order)."""
    parent = None
    for name in names:
        category, _ = Category.objects.get_or_create(name=name[:100], defaults={"parent": parent})
        parent = category
    return parent


@transaction.atomic
def save_parsed_note(parsed: ParsedNote, *, source: str = "", default_status: str) -> Note:
    note = Note(
        title=parsed.title,
        slug=parsed.slug,
        body=parsed.body,
        status=parsed.status or default_status,
        source=source,
        front_matter=parsed.extra,
        category=category_for(parsed.categories),
    )
    if parsed.date:
        note.created = parsed.date
    note.full_clean(exclude=["category", "slug"] if not parsed.slug else ["category"])
    note.save()
    note.tags.set(parsed.tags)
    return note
