import hashlib
from dataclasses import replace
from functools import partial

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import check_for_language, get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from .caching import content_key
from .counts import count_field, subtree_field
from .map_exports import to_freemind, to_json, to_opml
from .mindmap import (
    COUNT_ROOM,
    LOCAL_COLUMN_WIDTH,
    LOCAL_LABEL_ROOM,
    NOTE_COLUMN_WIDTH,
    NOTE_LABEL_ROOM,
    fold_layout,
    label_segments,
    layout_tree,
)
from .mindmap_svg import render_svg
from .models import (
    Category,
    Mention,
    Note,
    Tag,
    TaggedNote,
    Topic,
    ancestors_of,
    descendant_ids,
    subtree_totals,
)
from .note_map import note_map
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


def categories_with_counts(user, *, empty_too: bool = False) -> list[Category]:
    """Categories with how many notes the user may see in each, sub-categories included.

    Readers are not shown categories that hold nothing they can read (only drafts),
    unless ``empty_too``.
    """
    field = count_field(user)
    categories = list(Category.objects.annotate(own_notes=F(field)).order_by("name"))
    totals = subtree_totals((c.pk, c.parent_id, c.own_notes) for c in categories)
    for category in categories:
        category.num_notes = totals[category.pk]
    if empty_too or (user.is_active and user.is_staff):
        return categories
    return [category for category in categories if category.num_notes]


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
        context["categories"] = [c for c in categories_with_counts(user) if c.num_notes]
        context["tag_cloud"] = tag_cloud(user)
        context["sidebar_key"] = content_key("home-sidebar", [
            get_language(),
            [(c.name, c.slug, c.num_notes) for c in context["categories"]],
            [(t.name, t.slug, t.num_notes, t.weight) for t in context["tag_cloud"]],
        ])  # fmt: skip
        context["cache_seconds"] = settings.PAGE_CACHE_SECONDS
        return context


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
            .with_tags()
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
            .only("name", "slug")
        )
        context["linked_from"] = list(
            self.visible_notes()
            .filter(outgoing_links__target_note=note)
            .exclude(pk=note.pk)
            .distinct()
            .only("title", "slug")
        )
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
            note.status, note.created.isoformat(), note.updated.isoformat(), note.lang,
            note.headings, hashlib.sha256(context["body_html"].encode()).hexdigest(),
            links(context["category_path"], "name"), links(note.tag_list, "name"),
            links(context["topics"], "name"), links(context["linked_from"]),
            links([context["previous_note"], context["next_note"]]),
        ])  # fmt: skip


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
        user = self.request.user
        # One query for the whole tree: what lies below, the total, the sub-categories.
        self.tree = categories_with_counts(user, empty_too=True)
        self.below = descendant_ids(self.category.pk, [(c.pk, c.parent_id) for c in self.tree])
        self.total = next(c.num_notes for c in self.tree if c.pk == self.category.pk)
        if not self.total and not (user.is_active and user.is_staff):
            # Like a tag: a category holding only drafts does not exist for readers.
            raise Http404(_("No notes in this category."))
        return self.visible_notes().filter(category_id__in=self.below).for_listing()

    def stored_count(self) -> int:
        return self.total

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["category"] = self.category
        context["children"] = [
            child
            for child in self.tree
            if child.parent_id == self.category.pk
            and (child.num_notes or (user.is_active and user.is_staff))
        ]
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
        # A test per note rather than a join: SQLite then walks the notes by date and
        # stops at a page. With the join it sorted every note of the tag first, which
        # staff (no status to walk by) paid for: 0.64 s for a tag on most of 100,000.
        tagged = TaggedNote.objects.filter(content_object_id=OuterRef("pk"), tag=self.tag)
        return self.visible_notes().filter(Exists(tagged)).for_listing()

    def stored_count(self) -> int:
        return getattr(self.tag, count_field(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tag"] = self.tag
        return context


# What a mention's card shows of its note.
MENTION_CARD_FIELDS = ("note__title", "note__slug", "note__status", "note__language",
                       "note__text_language")  # fmt: skip


class TopicDetailView(StoredCountMixin, VisibleNotesMixin, ListView):
    """A topic: where it sits on the map, the notes that mention it, most first, and
    then the notes that reach it only through its subtopics."""

    paginate_by = settings.NOTES_PER_PAGE
    template_name = "notes/topic_detail.html"
    related_limit = 12
    co_mention_sample = 300
    local_map_related = 5
    through_limit = 20

    def get_queryset(self):
        self.topic = get_object_or_404(
            Topic.objects.prefetch_related("aliases"), slug=self.kwargs["slug"]
        )
        # The whole tree in one query (topics are a few hundred at most): the topic's
        # path, parent, children and subtree, and the related topics, come from it.
        self.tree = {
            topic.pk: topic
            for topic in Topic.objects.defer("summary", "summary_html", "updated", "autolink")
        }
        # Most mentions first, then the most recently added note: the order of the
        # (topic, count, note) index, so a page reads twenty rows, not every mention.
        return (
            self.visible_mentions()
            .select_related("note")
            .only("count", "snippet", "note_id", "topic_id", *MENTION_CARD_FIELDS)
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
        topic, tree = self.topic, self.tree
        self.subtree = descendant_ids(topic.pk, [(t.pk, t.parent_id) for t in tree.values()])
        own = self.stored_count()
        in_subtree = getattr(topic, subtree_field(self.request.user))
        children = [child for child in tree.values() if child.parent_id == topic.pk]
        for child in children:
            child.in_subtree = getattr(child, subtree_field(self.request.user))
        related = self.related_topics(children)
        first_page = context["page_obj"].number == 1
        local_map = self.local_map(children, related[: self.local_map_related])
        context.update(
            topic=topic,
            aliases=list(topic.aliases.all()),
            path=ancestors_of(topic, tree),
            children=children,
            related=related,
            local_map=local_map,
            local_map_svg=render_svg(
                local_map,
                svg_id="local-map",
                title=_("Map around %(name)s") % {"name": topic.name},
            ),
            own_count=own,
            through_count=max(in_subtree - own, 0),
            through=self.notes_through_subtopics() if first_page and in_subtree > own else [],
            write_url=self.write_url(),
        )
        context["mentions"] = list(context["page_obj"].object_list)
        context["content_key"] = self.content_key(context)
        context["cache_seconds"] = settings.PAGE_CACHE_SECONDS
        return context

    def content_key(self, context) -> str:
        """Everything the page's content shows (see NoteDetailView.content_key)."""
        topic, page = self.topic, context["page_obj"]

        def named(objects, *extra):
            return [(item.name, item.slug, *(getattr(item, name) for name in extra))
                    for item in objects]  # fmt: skip

        return content_key("topic-page", [
            get_language(), context["write_url"], sorted(self.request.GET.lists()),
            topic.pk, topic.name, topic.slug, topic.summary_html, context["local_map_svg"],
            [alias.name for alias in context["aliases"]], named(context["path"]),
            named(context["children"], "in_subtree"), named(context["related"], "shared"),
            context["own_count"], context["through_count"], page.number,
            page.paginator.num_pages,
            [(m.count, m.snippet, m.note.title, m.note.slug, m.note.status, m.note.lang)
             for m in context["mentions"]],
            [(note.title, note.slug, note.status, note.via and (note.via.name, note.via.slug))
             for note in context["through"]],
        ])  # fmt: skip

    def notes_through_subtopics(self) -> list[Note]:
        """The newest notes that reach this topic only through its subtopics, each with
        ``via``: the subtopic it mentions most."""
        below = self.subtree - {self.topic.pk}
        mentions_below = Mention.objects.filter(note=OuterRef("pk"), topic_id__in=below)
        mentions_here = Mention.objects.filter(note=OuterRef("pk"), topic=self.topic)
        notes = list(
            self.visible_notes()
            .filter(Exists(mentions_below))
            .exclude(Exists(mentions_here))
            .only("title", "slug", "status", "created")
            .order_by("-created", "-pk")[: self.through_limit]
        )
        via: dict[int, Topic] = {}
        for note_id, topic_id in (
            Mention.objects.filter(note__in=notes, topic_id__in=below)
            .order_by("-count", "topic__name")
            .values_list("note_id", "topic_id")
        ):
            via.setdefault(note_id, self.tree[topic_id])
        for note in notes:
            note.via = via.get(note.pk)
        return notes

    def write_url(self) -> str:
        """For staff: the admin's add form with this topic's name as the title."""
        user = self.request.user
        if not (user.is_active and user.is_staff and user.has_perm("notes.add_note")):
            return ""
        return f"{reverse('admin:notes_note_add')}?{urlencode({'title': self.topic.name})}"

    def related_topics(self, children: list[Topic]) -> list[Topic]:
        """Topics named as related, then those most often mentioned in the same notes.

        Co-mentions are counted over the notes that mention this topic most, so a
        topic found in every note costs the same as one found in ten. The topic's
        parent and children are on the map already, so they are not "related" too.
        """
        # Its own subtopics share its notes by nature: "related" means elsewhere on the map.
        shown = {self.topic.parent_id, *self.subtree}
        explicit = [topic for topic in self.topic.related.all() if topic.pk not in shown]
        notes_here = (
            self.visible_mentions()
            .order_by("-count", "-note_id")
            .values("note")[: self.co_mention_sample]
        )
        # Counted on the mention rows alone, grouped by topic id: joining the topic
        # table to sort ties by name cost twice as much. Only the topics that can make
        # the list (those counted at least as often as the last place) are fetched.
        hidden = [pk for pk in shown if pk is not None] + [topic.pk for topic in explicit]
        counted = sorted(
            Mention.objects.filter(note__in=notes_here)
            .exclude(topic_id__in=hidden)
            .values_list("topic_id")
            .annotate(shared=Count("pk"))
            .order_by(),
            key=lambda row: -row[1],
        )
        if len(counted) > self.related_limit:
            last_place = counted[self.related_limit - 1][1]
            counted = [row for row in counted if row[1] >= last_place]
        shared = dict(counted)
        co_mentioned = [self.tree[pk] for pk in shared if pk in self.tree]
        for topic in co_mentioned:
            topic.shared = shared[topic.pk]
        co_mentioned.sort(key=lambda topic: (-topic.shared, topic.name))
        return explicit + co_mentioned[: self.related_limit]

    def local_map(self, children: list[Topic], related: list[Topic]):
        """Parent, this topic, its children and its closest related topics, drawn small.

        Each topic appears once, and the page's own topic is drawn last, on top."""
        field = count_field(self.request.user)
        subtree = subtree_field(self.request.user)

        def node(topic: Topic) -> MapNode:
            return MapNode(
                topic.pk, topic.name, topic.slug, topic.get_absolute_url(),
                getattr(topic, field), subtree_notes=getattr(topic, subtree),
            )  # fmt: skip

        centre = node(self.topic)
        centre.children = [node(topic) for topic in children + related]
        root = centre
        parent = self.tree.get(self.topic.parent_id)
        if parent is not None:
            root = node(parent)
            root.children = [centre]
        return layout_tree(
            [root],
            related_keys=frozenset(topic.pk for topic in related),
            current_key=self.topic.pk,
            column_width=LOCAL_COLUMN_WIDTH,
            label_room=LOCAL_LABEL_ROOM,
        )


class MapView(VisibleNotesMixin, TemplateView):
    """The whole topic tree. ``?fold=slug,slug`` folds branches: a plain link toggles
    each, so folding works without JavaScript and survives a reload."""

    template_name = "notes/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        roots = build_map(self.request.user, with_aliases=True)
        fold = self.request.GET.get("fold", "")
        layout, folded = fold_layout(roots, fold, count_room=COUNT_ROOM)
        context.update(
            roots=roots,
            layout=layout,
            folded=folded,
            # Drawn only when the page's content is not in the cache already.
            map_svg=partial(
                render_svg, layout, svg_id="map", title=_("Topic map"), show_counts=True
            ),
            # The map and its list follow from the topics, their counts and the folds.
            content_key=content_key("map-page", [get_language(), fold, repr(roots)]),
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
    return get_object_or_404(
        Note.objects.visible_to(request.user).only("title", "slug", "status", "body_html"),
        slug=slug,
    )


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
    name or alias was typed, else to the search for it."""
    query = " ".join(request.GET.get("q", "").split())[:100]
    topic = (
        Topic.objects.filter(Q(name__iexact=query) | Q(aliases__name__iexact=query))
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
