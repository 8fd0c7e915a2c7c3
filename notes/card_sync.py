"""Keeping each note's and topic's review cards in step with its text.

A note's cards are found in its rendered HTML (``notes.cards``) and matched to the rows
it had: a matched row is updated in place, so an edited answer or a fixed typo keeps a
reader's progress; rows no longer found go, with their progress. A constant number of
queries per note, however many cards it holds.

The functions take the Card model as an argument so that the data migration can run
them with its historical models.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .cards import face_text, find_cards, match_cards
from .models import Card

TOPIC_KEY = "topic"
_UPDATED_FIELDS = ["kind", "key", "front_html", "back_html", "anchor", "position"]


@transaction.atomic
def sync_note_cards(note: Any, card_model: Any = None) -> None:
    """Make ``note``'s stored cards those its ``body_html`` holds now."""
    card_model = card_model or Card
    found = find_cards(note.body_html or "")
    old = list(card_model.objects.filter(note_id=note.pk))
    by_id = {card.pk: card for card in old}
    matched = match_cards(
        [(card.pk, card.kind, card.key, face_text(card.front_html)) for card in old], found
    )
    kept = set(matched.values())
    gone = [card.pk for card in old if card.pk not in kept]
    if gone:
        # Before the updates: a key a removed card held may be a kept card's new key.
        card_model.objects.filter(pk__in=gone).delete()
    changed, created = [], []
    for index, card in enumerate(found):
        values = {
            "kind": card.kind,
            "key": card.key,
            "front_html": card.front_html,
            "back_html": card.back_html,
            "anchor": card.anchor,
            "position": card.position,
        }
        if index in matched:
            row = by_id[matched[index]]
            if any(getattr(row, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(row, name, value)
                changed.append(row)
        else:
            created.append(card_model(note_id=note.pk, **values))
    if changed:
        card_model.objects.bulk_update(changed, _UPDATED_FIELDS, batch_size=500)
    if created:
        card_model.objects.bulk_create(created, batch_size=500)


def sync_topic_card(topic: Any, card_model: Any = None) -> None:
    """A topic with a summary (in either language) has one card; without, none."""
    card_model = card_model or Card
    if topic.summary.strip() or topic.summary_zh.strip():
        card_model.objects.get_or_create(
            topic_id=topic.pk, defaults={"kind": "topic", "key": TOPIC_KEY}
        )
    else:
        card_model.objects.filter(topic_id=topic.pk).delete()


def sync_all_cards(note_model: Any, topic_model: Any, card_model: Any) -> None:
    """Every note's and topic's cards, as their text says now."""
    for note in note_model.objects.only("pk", "body_html").order_by("pk").iterator(500):
        sync_note_cards(note, card_model)
    for topic in topic_model.objects.only("pk", "summary", "summary_zh").iterator(500):
        sync_topic_card(topic, card_model)
