from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from .counts import count_field
from .map_exports import to_freemind, to_json, to_opml
from .mindmap import layout_tree
from .models import Category, Mention, Note, Tag, Topic, ancestors_of, descendant_ids
from .search import (
    SearchPaginator,
    add_highlights,
    clean_name,
    search_notes,
    suggest_tags,
    topic_cards,
)
from .topic_map import MapNode, build_map


class VisibleNotesMixin:
    """Every page starts from the notes the current user may see."""

    def visible_notes(self):
        return Note.objects.visible_to(self.request.user)


def visible_note_filter(user, prefix: str) -> Q:
    """A Q for counting, through ``prefix``, only the notes ``user`` may see."""
    if user.is_active and user.is_staff:
        return Q()
    return Q(**{f"{prefix}status": Note.Status.PUBLISHED})


def tags_with_counts(user):
    """Tags the user can see notes under, with how many (stored, see notes.counts)."""
    field = count_field(user)
    return Tag.objects.filter(**{f"{field}__gt": 0}).annotate(num_notes=F(field)).order_by("name")


def categories_with_counts(user):
    return Category.objects.annotate(num_notes=F(count_field(user))).order_by("name")


class StoredCountPaginator(Paginator):
    """A paginator told its total (a stored count) instead of counting every note."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count


class StoredCountMixin:
    """For list pages whose total is kept in notes.counts: ``stored_count()`` says it."""

    def get_paginator(self, queryset, per_page, **kwargs):
        return StoredCountPaginator(queryset, per_page, count=self.stored_count(), **kwargs)

    def stored_count(self) -> int:
        raise NotImplementedError


def tag_cloud(user, limit: int = 40) -> list:
    """The most used tags, alphabetical, each with a size step from 1 to 5."""
    tags = sorted(tags_with_counts(user).order_by("-num_notes", "name")[:limit], key=str)
    if not tags:
        return []
    most = max(tag.num_notes for tag in tags)
    for tag in tags:
        tag.weight = 1 + round(4 * (tag.num_notes - 1) / max(most - 1, 1))
    return tags


class HomeView(VisibleNotesMixin, TemplateView):
    template_name = "notes/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["recent_notes"] = self.visible_notes().for_listing()[:10]
        context["categories"] = categories_with_counts(user).filter(num_notes__gt=0)
        context["tag_cloud"] = tag_cloud(user)
        return context


class NoteListView(VisibleNotesMixin, ListView):
    paginate_by = settings.NOTES_PER_PAGE
    template_name = "notes/note_list.html"

    def get_queryset(self):
        return self.visible_notes().for_listing()


class NoteDetailView(VisibleNotesMixin, DetailView):
    def get_queryset(self):
        return self.visible_notes().select_related("category").prefetch_related("tags")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        note = self.object
        context["previous_note"], context["next_note"] = note.neighbours(self.visible_notes())
        context["category_path"] = (
            [*note.category.ancestors(), note.category] if note.category else []
        )
        context["topics"] = [
            mention.topic
            for mention in note.mentions.select_related("topic").order_by("-count", "topic__name")
        ]
        context["linked_from"] = (
            self.visible_notes()
            .filter(outgoing_links__target_note=note)
            .exclude(pk=note.pk)
            .distinct()
            .only("title", "slug")
        )
        return context


class CategoryListView(TemplateView):
    template_name = "notes/category_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["categories"] = categories_with_counts(self.request.user)
        return context


class CategoryDetailView(StoredCountMixin, VisibleNotesMixin, ListView):
    """A category's notes, including those filed in its sub-categories."""

    paginate_by = settings.NOTES_PER_PAGE
    template_name = "notes/category_detail.html"

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        field = count_field(self.request.user)
        tree = Category.objects.values_list("pk", "parent_id", field)
        self.below = descendant_ids(self.category.pk, [(pk, parent) for pk, parent, _ in tree])
        self.total = sum(count for pk, _, count in tree if pk in self.below)
        return self.visible_notes().filter(category_id__in=self.below).for_listing()

    def stored_count(self) -> int:
        return self.total

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["category"] = self.category
        context["children"] = categories_with_counts(self.request.user).filter(parent=self.category)
        return context


class TagListView(TemplateView):
    template_name = "notes/tag_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tags"] = tags_with_counts(self.request.user)
        return context


class TagDetailView(StoredCountMixin, VisibleNotesMixin, ListView):
    paginate_by = settings.NOTES_PER_PAGE
    template_name = "notes/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        if not self.stored_count():
            # A tag carried only by drafts must not reveal itself to readers who cannot see them.
            raise Http404(_("No notes carry this tag."))
        return self.visible_notes().filter(tags=self.tag).for_listing()

    def stored_count(self) -> int:
        return getattr(self.tag, count_field(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tag"] = self.tag
        return context


class TopicDetailView(StoredCountMixin, VisibleNotesMixin, ListView):
    """A topic: where it sits on the map and the notes that mention it, most first."""

    paginate_by = settings.NOTES_PER_PAGE
    template_name = "notes/topic_detail.html"
    related_limit = 12
    co_mention_sample = 300
    local_map_related = 5

    def get_queryset(self):
        self.topic = get_object_or_404(
            Topic.objects.select_related("parent"), slug=self.kwargs["slug"]
        )
        # Most mentions first, then the most recently added note: the order of the
        # (topic, count, note) index, so a page reads twenty rows, not every mention.
        return (
            self.visible_mentions()
            .select_related("note", "note__category")
            .defer("note__body", "note__body_html", "note__headings", "note__front_matter")
            .order_by("-count", "-note_id")
        )

    def visible_mentions(self):
        return Mention.objects.filter(
            visible_note_filter(self.request.user, "note__"), topic=self.topic
        )

    def stored_count(self) -> int:
        return getattr(self.topic, count_field(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        topic = self.topic
        children = list(topic.children.all())
        related = self.related_topics()
        context.update(
            topic=topic,
            path=ancestors_of(topic),
            children=children,
            related=related,
            local_map=self.local_map(children, related[: self.local_map_related]),
        )
        return context

    def related_topics(self) -> list[Topic]:
        """Topics named as related, then those most often mentioned in the same notes.

        Co-mentions are counted over the notes that mention this topic most, so a
        topic found in every note costs the same as one found in ten.
        """
        explicit = list(self.topic.related.all())
        notes_here = (
            self.visible_mentions()
            .order_by("-count", "-note_id")
            .values("note")[: self.co_mention_sample]
        )
        co_mentioned = (
            Topic.objects.filter(mentions__note__in=notes_here)
            .exclude(pk=self.topic.pk)
            .exclude(pk__in=[topic.pk for topic in explicit])
            .annotate(shared=Count("mentions__note", distinct=True))
            .order_by("-shared", "name")[: self.related_limit]
        )
        return explicit + list(co_mentioned)

    def local_map(self, children: list[Topic], related: list[Topic]):
        """Parent, this topic, its children and its closest related topics, drawn small."""
        related = [topic for topic in related if topic not in children]
        field = count_field(self.request.user)

        def node(topic: Topic) -> MapNode:
            return MapNode(
                topic.pk, topic.name, topic.slug, topic.get_absolute_url(), getattr(topic, field)
            )

        centre = node(self.topic)
        centre.children = [node(topic) for topic in children + related]
        root = centre
        if self.topic.parent:
            root = node(self.topic.parent)
            root.children = [centre]
        return layout_tree(
            [root],
            related_keys=frozenset(topic.pk for topic in related),
            column_width=130,
            label_room=150,
        )


class MapView(VisibleNotesMixin, TemplateView):
    template_name = "notes/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        roots = build_map(self.request.user)
        context["roots"] = roots
        context["layout"] = layout_tree(roots)
        return context


def _map_download(request, content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def map_opml(request):
    roots = build_map(request.user)
    content = to_opml(roots, title=_("Python topics"), base_url=request.build_absolute_uri("/"))
    return _map_download(request, content, "text/x-opml; charset=utf-8", "python-topics.opml")


def map_freemind(request):
    roots = build_map(request.user)
    content = to_freemind(roots, title=_("Python topics"), base_url=request.build_absolute_uri("/"))
    return _map_download(
        request, content, "application/x-freemind; charset=utf-8", "python-topics.mm"
    )


def map_json(request):
    roots = build_map(request.user)
    content = to_json(roots, base_url=request.build_absolute_uri("/"))
    return _map_download(request, content, "application/json", "python-topics.json")


def switch_language(request):
    """Remember the reader's language and go back to where they were.

    A plain link rather than Django's POST form: the pages then hold no CSRF token,
    so one cached copy serves every reader.
    """
    language = request.GET.get("language", "")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if check_for_language(language) and language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


class SearchView(VisibleNotesMixin, ListView):
    """Words, tags (all of them) and a category, combined; best matches first."""

    paginate_by = settings.NOTES_PER_PAGE
    paginator_class = SearchPaginator
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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = list(context["page_obj"].object_list)
        search = self.search
        add_highlights(results, search.terms, search.matcher, search.topic_keys)
        context.update(
            search=search,
            results=results,
            topic_cards=topic_cards(search.topic_keys, count_field(self.request.user)),
            categories=Category.objects.order_by("name").only("name", "slug"),
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
