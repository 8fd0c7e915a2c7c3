from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from .models import Category, Note, Tag


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
    return (
        Tag.objects.annotate(
            num_notes=Count(
                "tagged_notes",
                filter=visible_note_filter(user, "tagged_notes__content_object__"),
            )
        )
        .filter(num_notes__gt=0)
        .order_by("name")
    )


def categories_with_counts(user):
    return Category.objects.annotate(
        num_notes=Count("notes", filter=visible_note_filter(user, "notes__"))
    ).order_by("name")


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
        return context


class CategoryListView(TemplateView):
    template_name = "notes/category_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["categories"] = categories_with_counts(self.request.user)
        return context


class CategoryDetailView(VisibleNotesMixin, ListView):
    """A category's notes, including those filed in its sub-categories."""

    paginate_by = settings.NOTES_PER_PAGE
    template_name = "notes/category_detail.html"

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return (
            self.visible_notes()
            .filter(category_id__in=self.category.descendant_ids())
            .for_listing()
        )

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


class TagDetailView(VisibleNotesMixin, ListView):
    paginate_by = settings.NOTES_PER_PAGE
    # A tag carried only by drafts must not reveal itself to readers who cannot see them.
    allow_empty = False
    template_name = "notes/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return self.visible_notes().filter(tags=self.tag).for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tag"] = self.tag
        return context
