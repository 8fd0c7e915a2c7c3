"""Slugs unique among a model's rows: the database is asked which are taken."""

from __future__ import annotations

from django.db.models import Model, QuerySet

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


def fill_slug(instance: Model, source: str, *, fallback: str) -> None:
    """Give a model instance with an empty ``slug`` one made from ``source``, unique
    among the rows of its model (the field's own max_length applies)."""
    if instance.slug:
        return
    model = type(instance)
    instance.slug = unique_slug(
        model._default_manager.all(),
        source,
        fallback=fallback,
        max_length=model._meta.get_field("slug").max_length,
        exclude_pk=instance.pk,
    )
