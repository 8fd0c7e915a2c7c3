"""Addresses notes had before their slugs changed, kept so that they redirect."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoteSlugAlias(models.Model):
    """An address a note had before its slug changed: it redirects to the note.

    The newest holder of a slug wins: a note that takes a slug another note left
    behind is served there, and the alias only answers when no note has the slug.
    """

    slug = models.SlugField(_("old slug"), max_length=200, unique=True, allow_unicode=True)
    note = models.ForeignKey(
        "notes.Note", verbose_name=_("note"), on_delete=models.CASCADE, related_name="old_slugs"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("old slug")
        verbose_name_plural = _("old slugs")

    def __str__(self) -> str:
        return self.slug
