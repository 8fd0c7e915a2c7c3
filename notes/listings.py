"""The tags and categories a reader sees, with the stored counts the pages show."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import F, QuerySet

from .counts import count_field
from .models import Category, Tag, subtree_totals


def tags_with_counts(user) -> QuerySet[Tag]:
    """Tags the user can see notes under, with how many (stored, see notes.counts)."""
    field = count_field(user)
    return Tag.objects.filter(**{f"{field}__gt": 0}).annotate(num_notes=F(field)).order_by("name")


def categories_with_counts(user, *, empty_too: bool = False) -> Sequence[Category]:
    """Categories with how many notes the user may see in each, sub-categories included.

    Readers are not shown categories that hold nothing they can read (only drafts),
    unless ``empty_too``.
    """
    field = count_field(user)
    categories = list(Category.objects.annotate(own_notes=F(field)).order_by("name"))
    totals = subtree_totals((c.pk, c.parent_id, c.own_notes) for c in categories)
    for category in categories:
        category.num_notes = totals[category.pk]
    if empty_too or (user.is_active and user.is_staff):
        return categories
    return [category for category in categories if totals[category.pk]]


def tag_cloud(user, limit: int = 40) -> list:
    """The most used tags, alphabetical, each with a size step from 1 to 5."""
    tags = sorted(tags_with_counts(user).order_by("-num_notes", "name")[:limit], key=str)
    if not tags:
        return []
    most = max(tag.num_notes for tag in tags)
    for tag in tags:
        tag.weight = 1 + round(4 * (tag.num_notes - 1) / max(most - 1, 1))
    return tags
