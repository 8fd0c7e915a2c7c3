"""Web page chrome (likes, red packets, "上一篇/下一篇"...) left at the end of a note that
was imported without trimming: staff see it on the note's page, and cut it off on a
page that shows what goes. The cut is a save like any other, so the history keeps it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..importers.clippings import page_chrome_start
from ..models import Note

if TYPE_CHECKING:  # for mypy alone: a Protocol class carries typing's private attributes

    class ChromeAdmin(Protocol):
        """What these pages ask of the note admin (NoteAdmin)."""

        admin_site: AdminSite

        def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool: ...


# The version's change reason in the note's history.
CHANGE_REASON = "web page chrome trimmed"
# How many of the kept lines the confirmation page shows: the note's new ending.
KEPT_LINES_SHOWN = 5
# Line breaks as the body's text box counts them (str.splitlines() counts more: \f, \x85...).
_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class PageChrome:
    """The chrome at the end of a body, and the body without it."""

    line: int  # its first line, numbered from 1 as the body's text box numbers lines
    cut: str  # from that line to the end, trailing blank lines left out
    kept: str  # the body before it, trailing blank lines left out

    @property
    def cut_lines(self) -> int:
        return len(_BREAK.split(self.cut))

    @property
    def last_line(self) -> int:
        return self.line + self.cut_lines - 1

    @property
    def kept_end(self) -> str:
        """The last few kept lines: how the note will end."""
        return "\n".join(_BREAK.split(self.kept)[-KEPT_LINES_SHOWN:]) if self.kept else ""

    @property
    def kept_end_first_line(self) -> int:
        kept_lines = len(_BREAK.split(self.kept)) if self.kept else 0
        return max(kept_lines - KEPT_LINES_SHOWN, 0) + 1

    @property
    def kept_last_line(self) -> int:
        return len(_BREAK.split(self.kept)) if self.kept else 0


def page_chrome(body: str) -> PageChrome | None:
    """The page chrome ``page_chrome_start`` finds at the end of ``body``, if any."""
    start = page_chrome_start(body)
    if start is None:
        return None
    offset = sum(len(line) for line in body.splitlines(keepends=True)[:start])
    before = body[:offset]
    return PageChrome(
        line=len(_BREAK.findall(before)) + 1,
        cut=body[offset:].rstrip(),
        kept=before.rstrip(),
    )


def chrome_notice_context(
    model_admin: ChromeAdmin, request: HttpRequest, object_id: str
) -> dict[str, object]:
    """What the note's change page needs to say that its body ends in page chrome."""
    if not str(object_id).isdigit():
        return {}
    body = Note.objects.filter(pk=object_id).values_list("body", flat=True).first()
    chrome = page_chrome(body) if body else None
    if chrome is None:
        return {}
    return {
        "page_chrome": chrome,
        "may_trim_page_chrome": model_admin.has_change_permission(request),
    }


def trim_chrome_view(
    model_admin: ChromeAdmin, request: HttpRequest, object_id: str
) -> HttpResponse:
    """GET: what would be cut and how the note would end; POST: cut it."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    if not str(object_id).isdigit():
        raise Http404(_("No such note."))
    note = Note.objects.filter(pk=object_id).first()
    if note is None:
        raise Http404(_("No such note."))
    if not model_admin.has_change_permission(request, note):
        raise PermissionDenied
    if request.method == "POST":
        return _trim(model_admin, request, note.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Note._meta,
        "title": _("Trim web page chrome"),
        "subtitle": note.title,
        "note": note,
        "chrome": page_chrome(note.body),
    }
    request.current_app = model_admin.admin_site.name
    return render(request, "admin/notes/note/trim_chrome.html", context)


def _trim(model_admin: ChromeAdmin, request: HttpRequest, pk: int) -> HttpResponse:
    """Cut the chrome off the note as it is now, if the page asking for it was made from
    that version; one transaction, through Note.save() and so its history."""
    site = model_admin.admin_site.name
    change_url = reverse("admin:notes_note_change", args=[pk], current_app=site)
    try:
        with transaction.atomic():
            note = Note.objects.select_for_update().filter(pk=pk).first()
            if note is None:
                raise Http404(_("No such note."))
            chrome = page_chrome(note.body)
            if chrome is None:
                messages.info(
                    request,
                    _(
                        "The end of this note no longer looks like web page chrome (it was "
                        "changed meanwhile), so nothing was trimmed."
                    ),
                )
                return redirect(change_url)
            if request.POST.get("seen_version") != str(note.version):
                messages.warning(
                    request,
                    _(
                        "This note was changed after the confirmation page was opened, so "
                        "nothing was trimmed. Below is what would be cut from it now: check it "
                        "and confirm again."
                    ),
                )
                return redirect(
                    reverse("admin:notes_note_trim_chrome", args=[pk], current_app=site)
                )
            note.body = chrome.kept
            # Read by simple_history from the instance: the version's change reason.
            note._change_reason = CHANGE_REASON
            note.save(update_fields=["body"])
    except ValidationError as refused:
        messages.error(
            request,
            _("Nothing was trimmed: %(reason)s") % {"reason": " ".join(refused.messages)},
        )
        return redirect(change_url)
    message = ngettext(
        "Trimmed %(count)d line of web page chrome; the history keeps it.",
        "Trimmed %(count)d lines of web page chrome; the history keeps them.",
        chrome.cut_lines,
    )
    messages.success(request, message % {"count": chrome.cut_lines})
    return redirect(change_url)
