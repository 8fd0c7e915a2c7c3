"""What several views share: starting from the visible notes, and stored totals."""

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest

from ..models import Note, NoteQuerySet


class VisibleNotesMixin:
    """Every page starts from the notes the current user may see."""

    request: HttpRequest

    def visible_notes(self) -> NoteQuerySet:
        return Note.objects.visible_to(self.request.user)


class StoredCountPaginator(Paginator):
    """A paginator told its total (a stored count) instead of counting every note."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count


class StoredCountMixin:
    """For list pages whose total is kept in notes.counts: ``stored_count()`` says it."""

    def get_paginator(
        self,
        queryset: Any,
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
        **kwargs: Any,
    ) -> Paginator:
        return StoredCountPaginator(
            queryset,
            per_page,
            count=self.stored_count(),
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            **kwargs,
        )

    def stored_count(self) -> int:
        raise NotImplementedError
