"""Unique, Unicode-keeping slugs."""

from __future__ import annotations

import re
import unicodedata

from django.db.models import QuerySet
from django.utils.text import slugify

# A slug made from a title stays short enough to read and type: a whole sentence of a
# title ("技巧:学会看源码(很重要,...)") is cut at the last word that fits.
MADE_SLUG_MAX = 50

# Scripts written without spaces between words, where each character is a word.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
# Punctuation, Chinese included (：，（）), separates words instead of gluing them.
_PUNCTUATION = re.compile(r"[^\w\s-]")
# Where a Chinese run meets a Latin or digit run: "并发复习GIL与协程".
_SCRIPT_CHANGE = re.compile(rf"(?<=[{_CJK}])(?=[^\W{_CJK}])|(?<=[^\W{_CJK}])(?=[{_CJK}])")


def cut_slug(slug: str, max_length: int) -> str:
    """``slug`` cut to ``max_length`` at a hyphen, or, when its first word alone is too
    long (Chinese has no spaces), between two characters."""
    if len(slug) <= max_length:
        return slug
    head = slug[: max_length + 1]
    if "-" in head:
        return head.rsplit("-", 1)[0].strip("-_")
    return slug[:max_length].strip("-_")


def slugify_unicode(value: str, *, fallback: str, max_length: int) -> str:
    """Slugify keeping Chinese characters, a hyphen between words, between Chinese and
    Latin runs and in place of punctuation; cut at a word boundary to at most
    ``MADE_SLUG_MAX`` characters; never return an empty slug."""
    text = unicodedata.normalize("NFKC", str(value))
    text = _SCRIPT_CHANGE.sub(" ", _PUNCTUATION.sub(" ", text))
    slug = slugify(text, allow_unicode=True).strip("-_")
    slug = cut_slug(slug, min(max_length, MADE_SLUG_MAX))
    return slug or fallback


def old_style_slug(value: str, max_length: int) -> str:
    """The slug this module made before words were separated and slugs cut short:
    recognises slugs made automatically, which ``remake_slugs`` may then remake."""
    return slugify(value, allow_unicode=True)[:max_length].strip("-_")


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


def fill_slug(instance, source: str, *, fallback: str) -> None:
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
