"""Writing notes out as Markdown files with YAML front matter.

Each note becomes ``<category slug>/<YYYY-MM-DD>-<slug>.md``: Jekyll's post names,
one folder per category, which Obsidian opens as a vault. ``import_notes`` reads
the files back into the same notes (see ``importers.exported_note_for``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from django.utils import timezone

from .importers import FRONT_MATTER_FIELDS
from .models import Category, Note

UNCATEGORISED = "uncategorised"


class _Quoted(str):
    """A name that must stay whole: importers split unquoted names at spaces."""


class _FrontMatterDumper(yaml.SafeDumper):
    pass


def _represent_quoted(dumper: yaml.SafeDumper, value: _Quoted) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')


def _represent_datetime(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.ScalarNode:
    # ISO 8601 with the "T" and the offset, which Jekyll, Obsidian and YAML all read.
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_FrontMatterDumper.add_representer(_Quoted, _represent_quoted)
_FrontMatterDumper.add_representer(dt.datetime, _represent_datetime)


def _name(value: str) -> str:
    return _Quoted(value) if value != value.strip() or len(value.split()) > 1 else value


def category_paths() -> dict[int, list[str]]:
    """Each category's names from the root down to itself (categories are few: one query)."""
    rows = {
        pk: (name, parent)
        for pk, name, parent in Category.objects.values_list("pk", "name", "parent")
    }
    paths: dict[int, list[str]] = {}
    for pk in rows:
        chain: list[str] = []
        node: int | None = pk
        seen: set[int] = set()
        while node is not None and node not in seen:
            seen.add(node)
            name, parent = rows[node]
            chain.append(name)
            node = parent
        paths[pk] = chain[::-1]
    return paths


def export_path(note: Note) -> PurePosixPath:
    """``<category slug or 'uncategorised'>/<YYYY-MM-DD>-<slug>.md``"""
    category = note.category if note.category_id else None
    folder = category.slug if category else UNCATEGORISED
    day = timezone.localtime(note.created).date().isoformat()
    return PurePosixPath(folder, f"{day}-{note.slug}.md")


def note_front_matter(note: Note, category_path: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": note.title,
        "slug": note.slug,
        "date": timezone.localtime(note.created),
        "updated": timezone.localtime(note.updated),
        "categories": [_name(name) for name in category_path],
        "tags": sorted((_name(tag.name) for tag in note.tags.all()), key=str.casefold),
        "status": note.status,
        "source": note.source,
    }
    if note.excerpt:
        data["excerpt"] = note.excerpt
    # Only when they differ from what a Markdown file with front matter means.
    if note.format != Note.Format.MARKDOWN:
        data["format"] = note.format
    if note.language:
        data["language"] = note.language
    if note.link_every_section:
        data["link_every_section"] = True
    for key, value in (note.front_matter or {}).items():
        if key not in FRONT_MATTER_FIELDS:
            data[key] = value
    return data


def render_note_file(note: Note, category_path: list[str]) -> str:
    """The note as a Markdown file; the body is written exactly as stored."""
    front_matter = yaml.dump(
        note_front_matter(note, category_path),
        Dumper=_FrontMatterDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=2**31,
    )
    # The importer drops one empty line after the front matter and the final line
    # break; a body ending in a bare CR needs a CRLF there to keep that CR.
    ending = "\r\n" if note.body.endswith("\r") else "\n"
    return f"---\n{front_matter}---\n\n{note.body}{ending}"


def export_notes(directory: str | Path, notes: Iterable[Note] | None = None) -> list[Path]:
    """Write every note (or ``notes``) under ``directory``; returns the files written.

    Files already there are overwritten when a note has the same name, and left
    alone otherwise.
    """
    root = Path(directory)
    if notes is None:
        notes = (
            Note.objects.select_related("category")
            .prefetch_related("tags")
            .order_by("created", "pk")
            .iterator(chunk_size=500)
        )
    paths = category_paths()
    written: list[Path] = []
    for note in notes:
        target = root.joinpath(*export_path(note).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        path = [] if note.category_id is None else paths.get(note.category_id, [])
        text = render_note_file(note, path)
        # Bytes, not text mode: no newline translation may touch the body.
        target.write_bytes(text.encode("utf-8"))
        written.append(target)
    return written
