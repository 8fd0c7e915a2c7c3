"""Unique, Unicode-keeping slugs."""

from __future__ import annotations

import re
import unicodedata

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
