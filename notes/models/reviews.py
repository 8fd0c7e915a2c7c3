"""Review cards made from notes and topics, and each reader's progress with them.

A card's identity is its row: syncing a note's cards after an edit updates the rows it
can match (by key, or by a near-identical question), so a typo fix keeps a reader's
progress and an Anki deck's notes. Scheduling is the ``fsrs`` package's; a reader's
state of a card is that library's ``Card`` as a dict, and every rating is logged for
optimising its parameters later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Card(models.Model):
    """One question: from a note's text (its note set) or a topic's summary (its topic)."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("question and answer")
        TERM = "term", _("term and definition")
        CLOZE = "cloze", _("cloze")
        HEADING = "heading", _("question heading")
        TOPIC = "topic", _("topic")

    note = models.ForeignKey(
        "notes.Note", null=True, blank=True, on_delete=models.CASCADE, related_name="cards"
    )
    topic = models.ForeignKey(
        "notes.Topic", null=True, blank=True, on_delete=models.CASCADE, related_name="cards"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # What identifies the card within its note across edits (see notes.cards.card_key).
    key = models.CharField(max_length=64)
    # Sanitised HTML cut from the note's rendering; empty for topic cards, whose faces
    # are the topic's name and summary in the reader's language.
    front_html = models.TextField(blank=True)
    back_html = models.TextField(blank=True)
    # The id of the heading the card sits under in its note, for the link back.
    anchor = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["note_id", "position", "pk"]
        # The next new card is the first in this order that a reader may see.
        indexes = [models.Index(fields=["note", "position", "id"], name="card_study_order")]
        verbose_name = _("review card")
        verbose_name_plural = _("review cards")
        constraints = [
            models.CheckConstraint(
                condition=Q(note__isnull=False, topic__isnull=True)
                | Q(note__isnull=True, topic__isnull=False),
                name="card_has_one_source",
            ),
            models.UniqueConstraint(
                fields=["note", "key"], condition=Q(note__isnull=False), name="card_note_key"
            ),
            models.UniqueConstraint(
                fields=["topic"], condition=Q(topic__isnull=False), name="card_one_per_topic"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class CardProgress(models.Model):
    """Where one signed-in reader stands with one card: the scheduler's state."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="card_progress"
    )
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="progress")
    # fsrs.Card.to_dict(), without its card_id (the row says which card).
    state = models.JSONField(default=dict)
    due = models.DateTimeField()
    last_review = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "card"], name="progress_user_card")]
        indexes = [models.Index(fields=["user", "due"], name="progress_user_due")]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.card_id}"


class ReviewLog(models.Model):
    """One rating of one card by one reader, kept for the summary and for optimising."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs"
    )
    # A card removed from its note leaves its log: the reviews still happened.
    card = models.ForeignKey(
        Card, null=True, blank=True, on_delete=models.SET_NULL, related_name="logs"
    )
    rating = models.PositiveSmallIntegerField()
    reviewed = models.DateTimeField()
    # Whether this was the card's first review (the daily limit of new cards counts them).
    first = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["user", "reviewed"], name="reviewlog_user_reviewed")]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.card_id}: {self.rating}"
