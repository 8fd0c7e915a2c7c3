"""The topic map, a note read as a map, their downloads, and finding a topic by name."""

from dataclasses import replace
from functools import partial

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from ..caching import content_key
from ..map_exports import to_freemind, to_json, to_opml
from ..mindmap import (
    COUNT_ROOM,
    NOTE_COLUMN_WIDTH,
    NOTE_LABEL_ROOM,
    fold_layout,
    label_segments,
    map_address,
    map_links,
)
from ..mindmap_svg import render_svg
from ..models import Note, Topic
from ..note_map import note_map
from ..topic_map import build_map
from .common import VisibleNotesMixin


class MapView(VisibleNotesMixin, TemplateView):
    """The whole topic tree, with arrows from each topic to learn first to the topics
    that need it. ``?fold=slug,slug`` folds branches and ``?arrows=off`` shows the tree
    alone: plain links set both, so they work without JavaScript and survive a reload."""

    template_name = "notes/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        roots = build_map(self.request.user, with_aliases=True)
        fold = self.request.GET.get("fold", "")
        arrows = self.request.GET.get("arrows", "") != "off"
        keep = {} if arrows else {"arrows": "off"}
        links = map_links(roots)
        layout, folded = fold_layout(
            roots, fold, keep=keep, count_room=COUNT_ROOM, links=links if arrows else ()
        )
        folds = ",".join(folded)
        context.update(
            roots=roots,
            layout=layout,
            folded=folded,
            arrows=arrows,
            has_links=bool(links),
            drawn_kinds={arrow.kind for arrow in layout.arrows},
            # The same folds, with the arrows switched; all unfolded, the arrows kept.
            arrows_switch=map_address(folds, {"arrows": "off"} if arrows else {}),
            unfold_all=map_address("", keep),
            # Drawn only when the page's content is not in the cache already.
            map_svg=partial(
                render_svg, layout, svg_id="map", title=_("Topic map"), show_counts=True
            ),
            # The map and its list follow from the topics (their names in this language,
            # counts and relations), the folds and the switch.
            content_key=content_key("map-page", [get_language(), fold, arrows, repr(roots)]),
            cache_seconds=settings.PAGE_CACHE_SECONDS,
        )
        return context


class NoteMapView(VisibleNotesMixin, DetailView):
    """A note read as a mind map of its headings, lists and first sentences."""

    template_name = "notes/note_map.html"

    def get_queryset(self):
        return self.visible_notes().only(
            "title", "slug", "status", "body_html", "created", "updated", "category"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        note = self.object
        root, links = note_outline_map(note, self.request.user)
        layout, folded = fold_layout(
            [root], self.request.GET.get("fold", ""),
            column_width=NOTE_COLUMN_WIDTH, label_room=NOTE_LABEL_ROOM,
        )  # fmt: skip
        layout.nodes[:] = [
            replace(node, segments=label_segments(node.label, links[node.key]))
            if node.key in links
            else node
            for node in layout.nodes
        ]
        title = _("%(title)s as a map") % {"title": note.title}
        context.update(
            roots=[root], layout=layout, folded=folded,
            map_svg=render_svg(layout, svg_id="note-map", title=title),
        )  # fmt: skip
        return context


def note_outline_map(note: Note, user):
    return note_map(note.body_html_for(user), title=note.title, url=note.get_absolute_url())


def _note_for_map(request, slug: str) -> Note:
    note: Note = get_object_or_404(
        Note.objects.visible_to(request.user).only("title", "slug", "status", "body_html"),
        slug=slug,
    )
    return note


def note_map_opml(request, slug):
    note = _note_for_map(request, slug)
    root, _ = note_outline_map(note, request.user)
    content = to_opml([root], title=note.title, base_url=request.build_absolute_uri("/"))
    return _map_download(request, content, "text/x-opml; charset=utf-8", f"{note.slug}.opml")


def note_map_freemind(request, slug):
    note = _note_for_map(request, slug)
    root, _ = note_outline_map(note, request.user)
    content = to_freemind([root], title=note.title, base_url=request.build_absolute_uri("/"))
    return _map_download(request, content, "application/x-freemind; charset=utf-8",
                         f"{note.slug}.mm")  # fmt: skip


def find_topic(request):
    """The map's "find a topic" box without JavaScript: straight to the topic whose
    name, Chinese name or alias was typed, else to the search for it."""
    query = " ".join(request.GET.get("q", "").split())[:100]
    topic = (
        Topic.objects.filter(
            Q(name__iexact=query) | Q(name_zh__iexact=query) | Q(aliases__name__iexact=query)
        )
        .only("slug")
        .first()
        if query
        else None
    )
    if topic is not None:
        return HttpResponseRedirect(topic.get_absolute_url())
    return HttpResponseRedirect(f"{reverse('notes:search')}?{urlencode({'q': query})}")


def _map_download(request, content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    if request.GET.get("download"):
        # RFC 6266's filename*= for a note's Chinese slug, which a quoted filename cannot carry.
        response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


def map_opml(request):
    roots = build_map(request.user, with_aliases=True, with_details=True)
    content = to_opml(roots, title=_("Python topics"), base_url=request.build_absolute_uri("/"))
    return _map_download(request, content, "text/x-opml; charset=utf-8", "python-topics.opml")


def map_freemind(request):
    roots = build_map(request.user)
    content = to_freemind(roots, title=_("Python topics"), base_url=request.build_absolute_uri("/"))
    return _map_download(
        request, content, "application/x-freemind; charset=utf-8", "python-topics.mm"
    )


def map_json(request):
    roots = build_map(request.user, with_aliases=True, with_details=True)
    content = to_json(roots, base_url=request.build_absolute_uri("/"))
    return _map_download(request, content, "application/json", "python-topics.json")
