"""How much an import reads. Read as ``limits.NAME`` at the time of use, so that one
setting (or one test's monkeypatch) holds for every module of the importer."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import Model

MiB = 1024 * 1024
# A note is text: the largest real note in the seeds is 10 KB. Anything bigger than
# this is almost certainly a log, a dump or a mistake, and is refused unread.
MAX_FILE_BYTES = 5 * MiB
# Zip uploads are decompressed in memory, so both the number of members and their
# total uncompressed size are bounded before anything is read.
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_BYTES = 100 * MiB


def max_import_bytes() -> int:
    """The text one import may hold in all, unpacked (``DJANGO_IMPORT_MAX_MB``): a note,
    its history and its search entry each store it again, so a small zip of very
    compressible files would otherwise grow the database a hundredfold."""
    from django.conf import settings

    return settings.IMPORT_MAX_BYTES


def import_too_large(total: int) -> str:
    return (
        f"this import holds {total / MiB:,.1f} MiB of text once unpacked, more than the "
        f"{max_import_bytes() / MiB:,.0f} MiB one import may bring in; nothing was imported. "
        "Import it in several parts."
    )


def max_length_of(model: type[Model], field_name: str) -> int:
    """The most characters ``model``'s text field ``field_name`` holds."""
    length = getattr(model._meta.get_field(field_name), "max_length", None)
    if not isinstance(length, int):
        raise TypeError(f"{model.__name__}.{field_name} has no max_length")
    return length


def too_large(size: int) -> str:
    return f"larger than the {MAX_FILE_BYTES // MiB} MiB limit for a note ({size:,} bytes)"
