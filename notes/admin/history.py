"""Note history in the admin: comparing two versions, and finding deleted notes."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from django.contrib.admin import AdminSite
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Field
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from ..models import Note

if TYPE_CHECKING:  # for mypy alone: a Protocol class carries typing's private attributes

    class NoteHistoryAdmin(Protocol):
        """What these pages ask of the note admin (NoteAdmin)."""

        admin_site: AdminSite

        def may_see_note_or_its_remains(self, request: HttpRequest, object_id: str) -> bool: ...

        def has_restore_permission(self, request: HttpRequest) -> bool: ...

        def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool: ...


COMPARED_FIELDS = ["title", "slug", "status", "category", "tag_names", "excerpt", "created"]
# The site writes dates as 2026-12-01; the admin's default ("Dec. 1, 2026, 10:36 p.m.")
# ends in a full stop that runs into the sentence around it.
SHOWN_DATETIME = "Y-m-d H:i"


@dataclass(frozen=True)
class DiffRow:
    """One line of the body's diff: ``kind`` is same, added, removed or gap (lines
    left out between two changed places); line numbers are of the old and new body."""

    kind: str
    old_number: int | None
    new_number: int | None
    text: str


def body_diff(old: str, new: str, context: int = 2) -> list[DiffRow]:
    """The body's changed lines with ``context`` lines around each change."""
    before, after = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    rows: list[DiffRow] = []
    for group in matcher.get_grouped_opcodes(context):
        if rows or group[0][1] > 0:
            rows.append(DiffRow("gap", None, None, ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [DiffRow("same", i + 1, j + 1, before[i]) for i, j in
                         zip(range(i1, i2), range(j1, j2), strict=True)]  # fmt: skip
                continue
            rows += [DiffRow("removed", i + 1, None, before[i]) for i in range(i1, i2)]
            rows += [DiffRow("added", None, j + 1, after[j]) for j in range(j1, j2)]
    return rows


def line_counts(old: str, new: str) -> tuple[int, int]:
    """How many lines of the body were added and removed, as ``git diff --stat`` counts."""
    before, after = old.splitlines(), new.splitlines()
    added = removed = 0
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


def field_label(name: str) -> str:
    if name == "tag_names":
        return _("tags")
    field = Note._meta.get_field(name)
    assert isinstance(field, Field)  # a column of the note, not a relation's other end
    return str(field.verbose_name)


@dataclass(frozen=True)
class VersionChanges:
    """What one version changed against the one before, for the history list."""

    fields: list[str]  # labels of the fields other than the body that changed
    lines_added: int = 0
    lines_removed: int = 0

    @property
    def body_changed(self) -> bool:
        return bool(self.lines_added or self.lines_removed)


def version_changes(old, new) -> VersionChanges:
    """The fields (by label) and body lines that differ between two historical records."""
    fields = [field_label(name) for name in COMPARED_FIELDS if differs(old, new, name)]
    added, removed = line_counts(old.body, new.body) if old.body != new.body else (0, 0)
    return VersionChanges(fields, added, removed)


def differs(old, new, name: str) -> bool:
    # A category is compared by its stored id: following the key costs a query.
    name = "category_id" if name == "category" else name
    before: object = getattr(old, name)
    after: object = getattr(new, name)
    if isinstance(before, datetime) and isinstance(after, datetime):
        # The admin's form keeps whole seconds: its first save is no change of date.
        return before.replace(microsecond=0) != after.replace(microsecond=0)
    return before != after


def shown_value(record, name: str):
    """A field of a historical record as a person reads it: dates in the site's format,
    a status by its label, a deleted category as its id."""
    if name == "status":
        return Note.Status(record.status).label if record.status in Note.Status else record.status
    if name == "category":
        try:
            return record.category
        except ObjectDoesNotExist:
            return f"#{record.category_id}"
    value = getattr(record, name)
    if isinstance(value, datetime):
        return date_format(localtime(value), SHOWN_DATETIME)
    return value


def compare_view(
    model_admin: NoteHistoryAdmin, request: HttpRequest, object_id: str
) -> HttpResponse:
    """Two versions of a note side by side: ?old=<history id>&new=<history id>."""
    try:
        object_id = str(int(object_id))
    except ValueError as error:
        raise Http404(_("No such versions of this note.")) from error
    if not model_admin.may_see_note_or_its_remains(request, object_id):
        raise PermissionDenied
    history = Note.history.filter(id=object_id)
    try:
        old = history.get(history_id=int(request.GET.get("old", "")))
        new = history.get(history_id=int(request.GET.get("new", "")))
    except (ValueError, Note.history.model.DoesNotExist) as error:
        raise Http404(_("No such versions of this note.")) from error
    if old.history_date > new.history_date:
        old, new = new, old
    fields = [
        (field_label(name), shown_value(old, name), shown_value(new, name))
        for name in COMPARED_FIELDS
        if differs(old, new, name)
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Note._meta,
        "title": _("Compare versions of “%(title)s”") % {"title": new.title},
        "note_title": new.title,
        "note_exists": Note.objects.filter(pk=object_id).exists(),
        "old_date": date_format(localtime(old.history_date), SHOWN_DATETIME),
        "new_date": date_format(localtime(new.history_date), SHOWN_DATETIME),
        "lines": line_counts(old.body, new.body),
        "old": old,
        "new": new,
        "fields": fields,
        "diff": body_diff(old.body, new.body),
        "object_id": object_id,
        "can_revert": model_admin.has_change_permission(request),
    }
    return render(request, "admin/notes/note/compare.html", context)


def deleted_notes_view(model_admin: NoteHistoryAdmin, request: HttpRequest) -> HttpResponse:
    """Notes that were deleted, each with the history page its last version is restored from."""
    if not model_admin.has_restore_permission(request):
        raise PermissionDenied
    existing = Note.objects.values("pk")
    deleted = (
        Note.history.filter(history_type="-")
        .exclude(id__in=existing)
        .order_by("-history_date")
        .select_related("history_user")
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Note._meta,
        "title": _("Deleted notes"),
        "deleted": deleted,
    }
    return render(request, "admin/notes/note/deleted_notes.html", context)
