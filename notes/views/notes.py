"""The list of notes and a note's own page."""

import hashlib

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils.translation import get_language
from django.views.generic import DetailView, ListView

from ..caching import content_key
from ..models import Topic
from .common import VisibleNotesMixin


class NoteListView(VisibleNotesMixin, ListView):
    paginate_by = settings.NOTES_PER_PAGE
    template_name = "notes/note_list.html"

    def get_queryset(self):
        return self.visible_notes().for_listing()


class NoteDetailView(VisibleNotesMixin, DetailView):
    def get_queryset(self):
        # The source (body, front matter) is not shown: reading it cost more than the rest.
        return (
            self.visible_notes()
            .select_related("category")
            .defer("body", "front_matter", "source", "source_hash")
        )

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # An address the note had before its slug changed (NoteSlugAlias).
            moved = self.visible_notes().filter(old_slugs__slug=kwargs["slug"]).first()
            if moved is None:
                raise
            return HttpResponsePermanentRedirect(moved.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        note = self.object
        context["body_html"] = note.body_html_for(self.request.user)
        context["previous_note"], context["next_note"] = note.neighbours(self.visible_notes())
        context["category_path"] = (
            [*note.category.ancestors(), note.category] if note.category else []
        )
        context["topics"] = list(
            Topic.objects.filter(mentions__note=note)
            .order_by("-mentions__count", "name")
            .only("name", "name_zh", "slug")
        )
        context["linked_from"] = list(
            self.visible_notes()
            .filter(outgoing_links__target_note=note)
            .exclude(pk=note.pk)
            .distinct()
            .only("title", "slug")
        )
        context["card_count"] = note.cards.count()
        context["content_key"] = self.content_key(context)
        context["cache_seconds"] = settings.PAGE_CACHE_SECONDS
        return context

    def content_key(self, context) -> str:
        """Everything the page's content shows: its rendering is kept under this key,
        so after an edit elsewhere the page is only its queries, not its template."""
        note, user = self.object, self.request.user

        def links(objects, label="title"):
            return [(getattr(item, label), item.slug) for item in objects if item]

        return content_key("note-page", [
            get_language(), user.is_staff, note.pk, note.title, note.slug,
            note.status, note.created.isoformat(), note.created_is_guess,
            note.updated.isoformat(), note.lang,
            note.headings, hashlib.sha256(context["body_html"].encode()).hexdigest(),
            links(context["category_path"], "name"), links(note.tag_list, "name"),
            links(context["topics"], "display_name"), links(context["linked_from"]),
            links([context["previous_note"], context["next_note"]]), context["card_count"],
        ])  # fmt: skip
