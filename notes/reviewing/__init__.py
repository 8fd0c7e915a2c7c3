"""Review with spaced repetition: the cards a reader chose, what is due, and each rating.

Scheduling is the ``fsrs`` package's (the scheduler Anki ships). A signed-in reader's
progress is stored in ``CardProgress`` and ``ReviewLog``; anyone else reviews in their
session, whose progress moves into their account when they sign in. Every page asks a
fixed number of queries, however many cards the reader has: due cards are counted and
the next one fetched by the database, never listed in Python.
"""

from .faces import Deck, Faces, card_faces, deck_for, export_cards, interval_label, next_intervals
from .progress import (
    CHART_DAYS,
    DatabaseProgress,
    SessionProgress,
    Standing,
    carry_session_progress,
    progress_for,
    today_start,
)
from .scope import Scope, cards_about, cards_in_scope, topic_has_cards

__all__ = [
    "CHART_DAYS",
    "DatabaseProgress",
    "Deck",
    "Faces",
    "Scope",
    "SessionProgress",
    "Standing",
    "card_faces",
    "cards_about",
    "cards_in_scope",
    "deck_for",
    "carry_session_progress",
    "export_cards",
    "interval_label",
    "next_intervals",
    "progress_for",
    "today_start",
    "topic_has_cards",
]
