"""Note history in the admin: comparing two versions, and finding deleted notes."""

from __future__ import annotations

import difflib

from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .models import Note

COMPARED_FIELDS = ["title", "slug", "status", "category", "tag_names", "excerpt", "created"]


def body_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The body's line diff as (kind, line) pairs for the template to escape and colour."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), fromfile="old", tofile="new", lineterm="", n=2
    )
    diff = []
    for line in list(lines)[2:]:  # the ---/+++ header says nothing a person needs
        kind = {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1], "same")
        diff.append((kind, line))
    return diff


def compare_view(model_admin: ModelAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    """Two versions of a note side by side: ?old=<history id>&new=<history id>."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    history = Note.history.filter(id=object_id)
    try:
        old = history.get(history_id=int(request.GET.get("old", "")))
        new = history.get(history_id=int(request.GET.get("new", "")))
    except (ValueError, Note.history.model.DoesNotExist) as error:
        raise Http404(_("No such versions of this note.")) from error
    if old.history_date > new.history_date:
        old, new = new, old
    fields = []
    for name in COMPARED_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            label = _("tags") if name == "tag_names" else Note._meta.get_field(name).verbose_name
            fields.append((label, before, after))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Note._meta,
        "title": _("Compare versions of “%(title)s”") % {"title": new.title},
        "old": old,
        "new": new,
        "fields": fields,
        "diff": body_diff(old.body, new.body),
        "object_id": object_id,
        "can_revert": model_admin.has_change_permission(request),
    }
    return render(request, "admin/notes/note/compare.html", context)


def deleted_notes_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
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
