"""Note cards, rendered once and then joined from the cache.

A list page shows twenty cards, and rendering them was most of its time. Each card
is kept under a key made of everything it shows (title, date, teaser, category, tags,
status, language), values the page has loaded anyway: a card changes exactly when its
key does, so nothing needs retiring, and an edit to one note re-renders one card.
A search result's card also shows its highlighted title and passage, which join its key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from ..caching import content_key
from ..models import attach_tags

register = template.Library()

CARD_TEMPLATE = "notes/_note_card.html"
RESULT_TEMPLATE = "notes/_search_result.html"


def card_key(note, language: str, kind: str = "card", extra=()) -> str:
    category = note.category
    shown = [
        note.pk, note.title, note.slug, note.status, note.created.isoformat(), note.teaser,
        note.lang, language,
        (category.name, category.slug) if category else None,
        [(tag.name, tag.slug) for tag in note.tag_list],
        extra,
    ]  # fmt: skip
    return content_key(kind, shown)


def _cards(notes: Iterable, template_name: str, kind: str, extra: Callable) -> SafeString:
    notes = list(notes)
    # Every card's key shows its note's tags: one query for the page's notes.
    attach_tags(notes)
    language = get_language()
    keys = [card_key(note, language, kind, extra(note)) for note in notes]
    found = cache.get_many(keys)
    card = get_template(template_name)
    made = {}
    parts = []
    for note, key in zip(notes, keys, strict=True):
        html = found.get(key)
        if html is None:
            html = made[key] = card.render({"note": note})
        parts.append(html)
    if made:
        cache.set_many(made, settings.PAGE_CACHE_SECONDS)
    # Each card was rendered by the template engine, which escaped it.
    return mark_safe("".join(parts))  # noqa: S308


@register.simple_tag
def note_cards(notes) -> SafeString:
    return _cards(notes, CARD_TEMPLATE, "card", lambda note: ())


@register.simple_tag
def result_cards(notes) -> SafeString:
    """Search results: cards with the title and a passage, matches marked."""
    return _cards(
        notes,
        RESULT_TEMPLATE,
        "result",
        lambda note: (note.search_title, note.search_snippet, note.search_snippet_is_code),
    )


@register.filter
def highlighted(segments) -> SafeString:
    """(text, is_match) pairs (notes.search.highlight) as HTML: every piece escaped,
    the matches in <mark>. Joined here, not in a template loop, which cost a search
    page more than its queries."""
    return mark_safe(  # noqa: S308 (every piece is escaped)
        "".join(f"<mark>{escape(text)}</mark>" if hit else escape(text) for text, hit in segments)
    )
