"""The counter that cached pages carry in their keys."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """One counter, bumped by every change readers could see; cached pages carry it in
    their keys, so a change retires them all at once in every worker process."""

    counter = models.PositiveBigIntegerField(default=1)

    class Meta:
        verbose_name = _("content version")

    def __str__(self) -> str:
        return str(self.counter)
