"""The first versions of the notes an import creates, written once per batch."""

from __future__ import annotations

from contextlib import AbstractContextManager
from contextvars import ContextVar

from django.utils import timezone
from simple_history.signals import post_create_historical_record, pre_create_historical_record
from simple_history.utils import get_change_reason_from_object

from ..gathering import gathered_at_end
from ..models import HistoricalNote, Note

# Set while a batch of files is written: the first versions of its new notes, not yet saved.
_KEPT: ContextVar[list[tuple[Note, HistoricalNote]] | None] = ContextVar(
    "first_versions_kept", default=None
)


def first_versions_written_at_end() -> AbstractContextManager[list]:
    """Inside the block, ``save_new_note`` keeps each note's first version back; the block
    writes them all at its end, in one INSERT instead of one per note.

    Use inside the batch's transaction so that the versions commit with their notes.
    Nested (a file inside an import's batch), what it kept joins the outer block only if
    it ends without an error: a rolled-back file leaves no version behind.

    Only first versions wait: a change to a stored note is recorded as it is saved, since
    the signal that brings a version's tags up to date (notes.signals.tags_changed) looks
    for it. A note created and changed in one batch (a second file naming it) thus gets
    its change's version written first: dates still order them, as every history view
    sorts, but their ids run the other way.
    """
    return gathered_at_end(_KEPT, list, list.extend, _write)


def save_new_note(note: Note) -> None:
    """``note.save()`` for a note not stored yet, its first version kept back when a batch
    is gathering them; otherwise simple_history records it as the note is saved."""
    kept = _KEPT.get()
    if kept is None:
        note.save()
        return
    # simple_history's documented switch: no version from this save, one is made below.
    # The ignores: simple_history reads it from the instance; Note does not declare it.
    note.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        note.save()
    finally:
        del note.skip_history_when_saving  # type: ignore[attr-defined]
    kept.append((note, _first_version(note)))


def _first_version(note: Note) -> HistoricalNote:
    """The row simple_history's post_save would have saved for ``note``, just created
    (HistoricalRecords.create_historical_record), with the same signal before it:
    the version's tags come from a receiver of it (notes.signals)."""
    history_date = getattr(note, "_history_date", timezone.now())
    history_user = HistoricalNote.get_default_history_user(note)
    history_change_reason = get_change_reason_from_object(note)
    version = HistoricalNote(
        history_date=history_date,
        history_type="+",
        history_user=history_user,
        history_change_reason=history_change_reason,
        **{field.attname: getattr(note, field.attname) for field in HistoricalNote.tracked_fields},
    )
    pre_create_historical_record.send(
        sender=HistoricalNote,
        instance=note,
        history_date=history_date,
        history_user=history_user,
        history_change_reason=history_change_reason,
        history_instance=version,
        using=None,
    )
    return version


def _write(kept: list[tuple[Note, HistoricalNote]]) -> None:
    HistoricalNote.objects.bulk_create([version for _, version in kept])
    for note, version in kept:
        post_create_historical_record.send(
            sender=HistoricalNote,
            instance=note,
            history_instance=version,
            history_date=version.history_date,
            history_user=version.history_user,
            history_change_reason=version.history_change_reason,
            using=None,
        )
