"""The names the Python documentation indexes, for linking code and prose to it."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from ..python_names import PythonEntry, PythonIndex

BATCH_SIZE = 2000
# The index read from each database, with the version it was read at.
_INDEX_CACHE: dict[str, tuple[tuple[object, ...], PythonIndex]] = {}


def docs_url() -> str:
    """The address of the documentation's root for the site's Python version."""
    return str(settings.PYTHON_DOCS_URL).format(version=settings.PYTHON_DOCS_VERSION)


class PythonObjectQuerySet(models.QuerySet):
    def index(self) -> PythonIndex:
        """Every entry, as note rendering links against them: read again only when the
        table changed (one small query) or the documentation's address did."""
        # A reload writes new rows with larger keys, so the largest key and the count tell.
        stored = PythonObject.objects.using(self.db).aggregate(count=Count("pk"), latest=Max("pk"))
        version = (stored["count"], stored["latest"], docs_url())
        cached = _INDEX_CACHE.get(self.db)
        if cached is not None and cached[0] == version:
            return cached[1]
        rows = PythonObject.objects.using(self.db).values_list(
            "name", "role", "path", "signature", "summary"
        )
        index = PythonIndex((PythonEntry(*row) for row in rows.order_by()), docs_url())
        _INDEX_CACHE[self.db] = (version, index)
        return index

    def replace_all(self, entries: Iterable[PythonEntry], source: str) -> int:
        """Replace every stored entry by ``entries`` in one transaction; how many."""
        rows = [
            PythonObject(name=entry.name, role=entry.role, path=entry.path,
                         signature=entry.signature, summary=entry.summary, source=source)
            for entry in entries
        ]  # fmt: skip
        with transaction.atomic(using=self.db):
            PythonObject.objects.using(self.db).all().delete()
            PythonObject.objects.using(self.db).bulk_create(rows, batch_size=BATCH_SIZE)
        return len(rows)


class PythonObject(models.Model):
    """One entry of the Python documentation's index: a module, function, class,
    method, attribute, exception, keyword or glossary term, and where it is documented.

    Loaded from the docs' Sphinx inventory (``objects.inv``) or, without one, from
    what the running interpreter can say about its standard library."""

    class Source(models.TextChoices):
        INVENTORY = "inventory", _("the documentation's inventory")
        INTERPRETER = "interpreter", _("the running interpreter")

    # "functools.lru_cache", "object.__hash__", "len", "term:global interpreter lock".
    name = models.CharField(_("name"), max_length=300, unique=True)
    # The Sphinx role: "py:function", "py:class", "py:method", "std:term"...
    role = models.CharField(_("kind"), max_length=40)
    # Relative to the documentation's root for the site's Python version:
    # "library/functools.html#functools.lru_cache".
    path = models.CharField(_("page"), max_length=500)
    signature = models.CharField(_("signature"), max_length=300, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)

    objects = PythonObjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Python documentation entry")
        verbose_name_plural = _("Python documentation entries")

    def __str__(self) -> str:
        return self.name
