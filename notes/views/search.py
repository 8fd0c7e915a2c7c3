"""The search page and the tag box's suggestions."""

from typing import Any

from django.conf import settings
from django.http import JsonResponse
from django.views.generic import ListView

from ..counts import count_field
from ..listings import categories_with_counts
from ..models import Note
from ..search import (
    SearchPaginator,
    add_highlights,
    clean_name,
    search_notes,
    suggest_tags,
    topic_cards,
)
from .common import VisibleNotesMixin


class SearchView(VisibleNotesMixin, ListView):
    """Words, tags (all of them) and a category, combined; best matches first."""

    paginate_by = settings.NOTES_PER_PAGE
    template_name = "notes/search.html"

    def get_queryset(self):
        params = self.request.GET
        self.search = search_notes(
            self.visible_notes(),
            text=params.get("q", ""),
            tags=params.getlist("tag"),
            category=params.get("category", ""),
        )
        return self.search.notes

    def get_paginator(
        self,
        queryset: Any,
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
        **kwargs: Any,
    ) -> SearchPaginator:
        paginator = SearchPaginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            **kwargs,
        )
        search = self.search
        if search.only_tag is not None:
            paginator.known_count = getattr(search.only_tag, count_field(self.request.user))
        paginator.counted = search.counted
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = list(context["page_obj"].object_list)
        search = self.search
        add_highlights(results, search.terms, search.matcher, search.topic_keys)
        context.update(
            search=search,
            results=results,
            topic_cards=topic_cards(search.topic_keys, count_field(self.request.user)),
            categories=categories_with_counts(self.request.user),
            tag_filters=[
                (name, self._without_tag(name.casefold())) for name in self.search.tag_names
            ],
        )
        return context

    def _without_tag(self, folded_name: str) -> str:
        params = self.request.GET.copy()
        kept = [tag for tag in params.getlist("tag") if clean_name(tag).casefold() != folded_name]
        params.setlist("tag", kept)
        params.pop("page", None)
        return f"?{params.urlencode()}"


def tag_autocomplete(request):
    names = suggest_tags(Note.objects.visible_to(request.user), request.GET.get("q", ""))
    return JsonResponse({"tags": names}, json_dumps_params={"ensure_ascii": False})
