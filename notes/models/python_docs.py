"""The names the Python documentation indexes, for linking code and prose to it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PythonObject(models.Model):
    """One entry of the Python documentation's index: a module, function, class,
    method, attribute, exception, keyword or glossary term, and where it is documented.

    Loaded from the docs' Sphinx inventory (``objects.inv``) or, without one, from
    what the running interpreter can say about its standard library."""

    class Source(models.TextChoices):
        INVENTORY = "inventory", _("the documentation's inventory")
        INTERPRETER = "interpreter", _("the running interpreter")

    # "functools.lru_cache", "object.__hash__", "len", "global interpreter lock".
    name = models.CharField(_("name"), max_length=300, unique=True)
    # The Sphinx role: "py:function", "py:class", "py:method", "std:term"...
    role = models.CharField(_("kind"), max_length=40)
    # Relative to the documentation's root for the site's Python version:
    # "library/functools.html#functools.lru_cache".
    path = models.CharField(_("page"), max_length=500)
    signature = models.CharField(_("signature"), max_length=300, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Python documentation entry")
        verbose_name_plural = _("Python documentation entries")

    def __str__(self) -> str:
        return self.name
