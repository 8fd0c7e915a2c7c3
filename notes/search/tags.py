"""The tags a search knows: those on notes the reader may see, and the tag box's suggestions."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Case, Exists, OuterRef, Q, Value, When

from ..models import NoteQuerySet, Tag
from .query import clean_name

SUGGESTIONS = 10


def _visible_tags_named(notes: NoteQuerySet, names: Sequence[str]) -> dict[str, list[Tag]]:
    """The tags called ``names`` (case-insensitively) that some note in ``notes`` has,
    by case-folded name. A tag only drafts carry stays unknown to readers."""
    if not names:
        return {}
    named = Q()
    for name in names:
        named |= Q(name__iexact=name)
    groups: dict[str, list[Tag]] = {}
    for tag in Tag.objects.filter(named).filter(_on_some(notes)):
        groups.setdefault(tag.name.casefold(), []).append(tag)
    return groups


def _on_some(notes: NoteQuerySet) -> Exists:
    """Tags carried by at least one of ``notes``.

    Correlated, so each tag's first visible note is looked up by the tag's index
    rather than every visible note listed first.
    """
    return Exists(notes.filter(tags=OuterRef("pk")))


def suggest_tags(notes: NoteQuerySet, text: str, limit: int = SUGGESTIONS) -> list[str]:
    """Names of tags on ``notes`` containing ``text``, those starting with it first."""
    text = clean_name(text)
    tags = Tag.objects.filter(_on_some(notes))
    if text:
        tags = tags.filter(name__icontains=text).alias(
            later=Case(When(name__istartswith=text, then=Value(0)), default=Value(1))
        )
        tags = tags.order_by("later", "name")
    else:
        tags = tags.order_by("name")
    return list(tags.values_list("name", flat=True)[:limit])
