"""What the review page and the Anki deck show of a card."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import fsrs
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from ..anki_export import CARD_CSS, ExportCard, absolute_links
from ..models import Card
from .progress import SCHEDULER, state_from, stored_state
from .scope import Scope

RATINGS = (fsrs.Rating.Again, fsrs.Rating.Hard, fsrs.Rating.Good, fsrs.Rating.Easy)


def interval_label(delta: datetime.timedelta) -> str:
    """How long until the card comes back, as short as a button needs: 10 min, 3 days."""
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes < 60:
        return ngettext("%(n)d min", "%(n)d min", minutes) % {"n": minutes}
    hours = round(minutes / 60)
    if hours < 24:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    days = round(hours / 24)
    if days < 31:
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    months = round(days / 30.4)
    if months < 12:
        return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}
    years = round(days / 365, 1)
    return gettext("%(n)s years") % {"n": f"{years:g}"}


def next_intervals(state: fsrs.Card, now: datetime.datetime) -> list[tuple[int, str]]:
    """Each rating with the interval it would give, as the buttons show them."""
    labels = []
    for rating in RATINGS:
        after, _log = SCHEDULER.review_card(state_from(stored_state(state)), rating, now)
        labels.append((int(rating), interval_label(after.due - now)))
    return labels


@dataclass(frozen=True)
class Faces:
    front_html: str
    back_html: str
    source_title: str
    source_url: str


def card_faces(card: Card) -> Faces:
    """The card's question and answer as safe HTML, and where it comes from; a topic's
    card asks "What is …?" in the reader's language."""
    if card.topic is not None:
        topic = card.topic
        front = gettext("What is %(topic)s?") % {"topic": topic.display_name}
        return Faces(
            escape(front), topic.display_summary_html, topic.display_name,
            topic.get_absolute_url(),
        )  # fmt: skip
    note = card.note
    assert note is not None  # a card has a topic or a note (a check constraint)
    url = reverse("notes:note-detail", kwargs={"slug": note.slug})
    if card.anchor:
        url = f"{url}#{card.anchor}"
    return Faces(card.front_html, card.back_html, note.title, url)


def export_cards(cards: Iterable[Card], base_url: str) -> list[ExportCard]:
    """Cards as the Anki deck takes them: faces in the active language, links absolute."""
    exported = []
    for card in cards:
        faces = card_faces(card)
        exported.append(
            ExportCard(
                card_id=card.pk,
                front_html=absolute_links(faces.front_html, base_url),
                back_html=absolute_links(faces.back_html, base_url),
                source_title=faces.source_title,
                source_url=base_url.rstrip("/") + faces.source_url,
            )
        )
    return exported


@dataclass(frozen=True)
class Deck:
    """An Anki deck's name, key and style: the review page's download and
    ``export_cards`` fill the same deck in Anki."""

    name: str
    key: str
    css: str


def deck_for(scope: Scope) -> Deck:
    """The deck of ``scope``'s cards, named in the active language; its cards keep the
    site's code colours."""
    name = gettext("Python notes") + (f" · {scope.name}" if scope.kind else "")
    stylesheet = finders.find("css/pygments.css")
    css = Path(str(stylesheet)).read_text(encoding="utf-8") if stylesheet else ""
    return Deck(name, f"pynotes:{scope.value}", css + CARD_CSS)
