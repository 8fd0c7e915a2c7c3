"""The home page and the category and tag pages, with the counts they show."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from ..caching import content_key
from ..counts import count_field
from ..listings import categories_with_counts, tag_cloud, tags_with_counts
from ..models import Category, Tag, descendant_ids
from ..tag_topics import topic_for_tag, with_named_topic
from .common import StoredCountMixin, VisibleNotesMixin


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
        return int(self.total)

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
        # Whether the tag names a topic comes with it: a tag naming none costs no query.
        self.tag = get_object_or_404(with_named_topic(Tag.objects.all()), slug=self.kwargs["slug"])
        if not self.stored_count():
            # A tag carried only by drafts must not reveal itself to readers who cannot see them.
            raise Http404(_("No notes carry this tag."))
        # Not a join: SQLite sorted every note of the tag first, which staff (no status
        # to walk by) paid for: 0.64 s for a tag on most of 100,000 (see tagged()).
        return self.visible_notes().tagged([self.tag], reading=self.paginate_by).for_listing()

    def stored_count(self) -> int:
        return int(getattr(self.tag, count_field(self.request.user)))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tag"] = self.tag
        context["topic"] = topic_for_tag(self.tag)
        return context
