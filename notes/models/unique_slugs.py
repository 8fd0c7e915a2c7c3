"""Slugs unique among a model's rows: the database is asked which are taken."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet, SlugField

from ..slugs import MADE_SLUG_MAX, cut_slug, slugify_unicode


def unique_slug(
    queryset: QuerySet, value: str, *, fallback: str, max_length: int, exclude_pk=None
) -> str:
    """The slug of ``value``, suffixed ``-2``, ``-3``... until no other row has it."""
    base = slugify_unicode(value, fallback=fallback, max_length=max_length)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    taken = set(queryset.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    counter = 2
    while True:
        suffix = f"-{counter}"
        candidate = cut_slug(base, min(max_length, MADE_SLUG_MAX) - len(suffix)) + suffix
        if candidate not in taken:
            return candidate
        counter += 1


def fill_slug(instance: Any, source: str, *, fallback: str) -> None:
    """Give a model instance with an empty ``slug`` one made from ``source``, unique
    among the rows of its model (the field's own max_length applies). ``instance`` is
    of any model with a ``slug`` field."""
    if instance.slug:
        return
    model: type[Model] = type(instance)
    field = model._meta.get_field("slug")
    assert isinstance(field, SlugField)
    instance.slug = unique_slug(
        model._default_manager.all(),
        source,
        fallback=fallback,
        max_length=field.max_length or MADE_SLUG_MAX,
        exclude_pk=instance.pk,
    )
