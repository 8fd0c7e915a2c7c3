"""Writing one parsed note: finding the note it updates, its slug, category and tags."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed

from ..models import Category, Note, NoteQuerySet, Tag
from ..models.unique_slugs import unique_slug
from ..slugs import slugify_unicode
from .history import save_new_note
from .limits import max_length_of
from .parsed import ParsedNote

SLUG_MAX_LENGTH = max_length_of(Note, "slug")
CATEGORY_NAME_MAX_LENGTH = max_length_of(Category, "name")
_SLUG = re.compile(r"^[-\w]+\Z")


def category_for(names: list[str], cache: dict[str, Category] | None = None) -> Category | None:
    """The last of a post's categories, each nested in the one before (Jekyll's order).

    Names are unique, so a category that exists already is reused where it stands
    rather than moved under the post's other categories.
    """
    cache = {} if cache is None else cache
    parent = None
    for name in names:
        name = name[:CATEGORY_NAME_MAX_LENGTH]
        category = cache.get(name)
        if category is None:
            category, _ = Category.objects.get_or_create(name=name, defaults={"parent": parent})
            cache[name] = category
        parent = category
    return parent


def notes_from_source(source: str) -> NoteQuerySet:
    """The note imported from ``source`` (a unique key), found through its index.

    The unique index on ``source`` only covers non-empty values, and SQLite uses such
    a partial index only when the query repeats its condition; otherwise each lookup
    reads the whole table, bodies included, and a large import turns quadratic.
    """
    return Note.objects.filter(source=source).exclude(source="").order_by()


def exported_note_for(parsed: ParsedNote) -> Note | None:
    """The note a file written by export_notes stands for, if it is still here.

    A file normally updates the note imported from the same place. An exported file
    also carries its note's ``source``: it updates the note imported from there, or,
    for a note written in the admin (empty source), the note with its slug and no
    source. So re-importing an export into the same database updates the notes it
    came from instead of copying them.
    """
    if parsed.source:
        return notes_from_source(parsed.source).first()
    if parsed.source == "" and parsed.slug:
        return Note.objects.filter(slug=parsed.slug, source="").first()
    return None


def apply_parsed_note(
    note: Note,
    parsed: ParsedNote,
    *,
    default_status: str,
    categories: dict[str, Category] | None = None,
) -> bool:
    """Copy what the file says onto ``note``; True when anything differs.

    What the file does not say (a plain-text note has no tags or status) is left as
    it is on an existing note, so edits made in the admin survive a re-import.
    Tags are compared here and set by ``save_note``.
    """
    new = note.pk is None
    wanted: dict[str, Any] = {
        "title": parsed.title,
        "body": parsed.body,
        "format": parsed.format,
    }
    if parsed.language is not None:
        wanted["language"] = parsed.language
    if parsed.link_every_section is not None:
        wanted["link_every_section"] = parsed.link_every_section
    if parsed.status is not None or new:
        wanted["status"] = parsed.status or default_status
    if parsed.date is not None:
        wanted["created"] = parsed.date
        wanted["created_is_guess"] = False
    if parsed.excerpt is not None:
        wanted["excerpt"] = parsed.excerpt
    if parsed.extra is not None:
        wanted["front_matter"] = parsed.extra
    changed = new
    for name, value in wanted.items():
        if getattr(note, name) != value:
            setattr(note, name, value)
            changed = True
    if parsed.categories is not None:
        leaf = parsed.categories[-1][:CATEGORY_NAME_MAX_LENGTH] if parsed.categories else None
        category = note.category if note.category_id else None
        if (category.name if category else None) != leaf:
            note.category = category_for(parsed.categories, categories)
            changed = True
    if parsed.tags is not None and not new:
        current = {name.casefold() for name in note.tags.names()}
        changed |= current != {name.casefold() for name in parsed.tags}
    return changed


def choose_slug(
    wanted: str, title: str, *, exclude_pk: int | None = None, taken: set[str] | None = None
) -> tuple[str, str]:
    """The slug a file asks for when it is a valid free slug, else one made from it
    (or from the title); the second value is a warning when the wish was not met.

    ``taken``, every slug in use (for a new note), saves asking the database.
    """
    valid = bool(wanted) and len(wanted) <= SLUG_MAX_LENGTH and _SLUG.match(wanted) is not None
    base = (
        wanted
        if valid
        else slugify_unicode(wanted or title, fallback="note", max_length=SLUG_MAX_LENGTH)
    )
    others = Note.objects.exclude(pk=exclude_pk) if exclude_pk else Note.objects.all()
    slug = base
    in_use = base in taken if taken is not None and exclude_pk is None else None
    if in_use is None:
        in_use = others.filter(slug=base).exists()
    if in_use:
        slug = unique_slug(others, base, fallback="note", max_length=SLUG_MAX_LENGTH)
    if wanted and slug != wanted:
        reason = "is taken" if valid else "is not a valid slug"
        return slug, f'slug "{wanted}" {reason}; saved as "{slug}"'
    return slug, ""


def save_note(note: Note, tags: list[str] | list[Tag] | None) -> Note:
    """Validate and save ``note`` and, when given, its tags, in one transaction."""
    # Without a savepoint: inside an import the file's own savepoint already makes
    # this all-or-nothing, and a savepoint per note is two more statements.
    with transaction.atomic(savepoint=False):
        # Uniqueness of slug and source was settled by the caller; the database
        # constraints still guard against a concurrent writer.
        note.full_clean(exclude=["category"], validate_unique=False, validate_constraints=False)
        new = note._state.adding
        unique: list[Tag] = []
        if tags and new:
            unique = list({tag.pk: tag for tag in map(_tag_object, tags)}.values())
            # The first version in the history holds the tags about to be added.
            # The ignore: an attribute of this save only, read by notes.signals.
            note._tag_names_when_created = ", ".join(  # type: ignore[attr-defined]
                sorted((tag.name for tag in unique), key=str.casefold)
            )
        if new:
            save_new_note(note)
        else:
            note.save()
        if tags and new:
            add_tags_to_new_note(note, unique)
        elif tags is not None and not new:
            note.tags.set(tags)
    return note


def tag_named(name: str) -> Tag:
    """The tag of that name, compared case-insensitively as taggit is set to, or a new one."""
    return Tag.objects.filter(name__iexact=name).order_by("pk").first() or Tag.objects.create(
        name=name
    )


def _tag_object(tag: str | Tag) -> Tag:
    return tag if isinstance(tag, Tag) else tag_named(tag)


def add_tags_to_new_note(note: Note, unique: list[Tag]) -> None:
    """``note.tags.add()`` in one INSERT: a new note has no tags to compare with.

    ``unique`` holds each tag once. taggit's add() looks up and inserts each tag's row
    on its own; at ten thousand notes that is most of an import's queries. The same
    m2m_changed signals are sent so that anything kept in step with tags (the search
    index, the counts) still hears of it.
    """
    pk_set = {tag.pk for tag in unique}
    through = Note.tags.through
    signal_kwargs = {"sender": through, "instance": note, "reverse": False, "model": Tag,
                     "pk_set": pk_set, "using": note._state.db}  # fmt: skip
    m2m_changed.send(action="pre_add", **signal_kwargs)
    through.objects.bulk_create([through(content_object=note, tag=tag) for tag in unique])
    m2m_changed.send(action="post_add", **signal_kwargs)


def save_parsed_note(parsed: ParsedNote, *, source: str = "", default_status: str) -> Note:
    """Create a note from ``parsed`` in one transaction (load_sample_content's path)."""
    note = Note(source=source, front_matter={})
    with transaction.atomic():
        apply_parsed_note(note, parsed, default_status=default_status)
        note.slug, _ = choose_slug(parsed.slug, parsed.title)
        return save_note(note, parsed.tags)
