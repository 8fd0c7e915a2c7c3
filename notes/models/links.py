"""Explicit ``[[links]]`` written in notes, to notes, topics or nothing yet."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoteLink(models.Model):
    """An explicit ``[[target]]`` link written in a note; no target means it is missing."""

    source = models.ForeignKey(
        "notes.Note", on_delete=models.CASCADE, related_name="outgoing_links"
    )
    # A deleted target leaves the link missing, as the note's text still asks for it.
    target_note = models.ForeignKey(
        "notes.Note",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incoming_links",
    )
    target_topic = models.ForeignKey(
        "notes.Topic",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="explicit_links",
    )
    target_text = models.CharField(_("target"), max_length=200)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["target_text"]

    def __str__(self) -> str:
        return f"{self.source} → [[{self.target_text}]]"

    @property
    def is_missing(self) -> bool:
        return self.target_note_id is None and self.target_topic_id is None
