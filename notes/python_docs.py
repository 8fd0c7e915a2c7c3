"""The Python documentation's index in the database: loaded in one go, and read once
per version into the ``PythonIndex`` that note rendering links against.

The model is reached through the app registry rather than imported, so that
``Note.rendering()`` can ask for the index without the models importing a module
above them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max

from .python_names import PythonEntry, PythonIndex

BATCH_SIZE = 2000
_INDEX_CACHE: dict[str, tuple[tuple[object, ...], PythonIndex]] = {}


def docs_url() -> str:
    """The address of the documentation's root for the site's Python version."""
    return str(settings.PYTHON_DOCS_URL).format(version=settings.PYTHON_DOCS_VERSION)


def _model():  # the PythonObject model, from the registry
    return apps.get_model("notes", "PythonObject")


def python_docs_index(using: str = "default") -> PythonIndex:
    """Every entry, read again only when the table changed (one small query) or the
    documentation's address did."""
    model = _model()
    # A reload writes new rows with larger keys, so the largest key and the count tell.
    stored = model.objects.using(using).aggregate(count=Count("pk"), latest=Max("pk"))
    version = (stored["count"], stored["latest"], docs_url())
    cached = _INDEX_CACHE.get(using)
    if cached is not None and cached[0] == version:
        return cached[1]
    rows = model.objects.using(using).values_list("name", "role", "path", "signature", "summary")
    index = PythonIndex((PythonEntry(*row) for row in rows.order_by()), docs_url())
    _INDEX_CACHE[using] = (version, index)
    return index


def python_docs_count(using: str = "default") -> int:
    return int(_model().objects.using(using).count())


def replace_python_docs(entries: Iterable[PythonEntry], source: str) -> int:
    """Replace every stored entry by ``entries`` in one transaction; how many."""
    model = _model()
    rows = [
        model(name=entry.name, role=entry.role, path=entry.path, signature=entry.signature,
              summary=entry.summary, source=source)
        for entry in entries
    ]  # fmt: skip
    with transaction.atomic():
        model.objects.all().delete()
        model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)
