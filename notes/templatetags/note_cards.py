"""Note cards, rendered once and then joined from the cache.

A list page shows twenty cards, and rendering them was most of its time. Each card
is kept under a key made of everything it shows (title, date, teaser, category, tags,
status, language), values the page has loaded anyway: a card changes exactly when its
key does, so nothing needs retiring, and an edit to one note re-renders one card.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from ..caching import content_key

register = template.Library()

CARD_TEMPLATE = "notes/_note_card.html"


def card_key(note, language: str) -> str:
    category = note.category
    shown = [
        note.pk, note.title, note.slug, note.status, note.created.isoformat(), note.teaser,
        note.lang, language,
        (category.name, category.slug) if category else None,
        [(tag.name, tag.slug) for tag in note.tag_list],
    ]  # fmt: skip
    return content_key("card", shown)


@register.simple_tag
def note_cards(notes) -> SafeString:
    notes = list(notes)
    language = get_language()
    keys = [card_key(note, language) for note in notes]
    found = cache.get_many(keys)
    card = get_template(CARD_TEMPLATE)
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
