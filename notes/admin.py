from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from taggit.models import Tag as TaggitDefaultTag

from .markdown import render_markdown
from .models import Category, Note, Tag

# The project files tags under notes.Tag (Unicode slugs); taggit's own table stays unused.
admin.site.unregister(TaggitDefaultTag)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent"]
    list_filter = ["parent"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["parent"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "status", "created", "updated"]
    list_filter = ["status", "category", "tags"]
    list_select_related = ["category"]
    search_fields = ["title", "body", "slug"]
    date_hierarchy = "created"
    autocomplete_fields = ["category"]
    readonly_fields = ["rendered_preview", "updated", "source"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "category", "tags"]}),
        (_("Body"), {"fields": ["body", "rendered_preview"]}),
        (
            _("More"),
            {
                "classes": ["collapse"],
                "fields": ["excerpt", "created", "updated", "source", "front_matter"],
            },
        ),
    ]

    class Media:
        js = ["notes/admin_preview.js"]
        css = {"all": ["css/pygments.css", "notes/admin_preview.css"]}

    @admin.display(description=_("Preview"))
    def rendered_preview(self, note: Note) -> str:
        # body_html was sanitised by render_markdown() when the note was saved.
        return format_html(
            '<div class="note-preview prose" data-preview-url="{}">{}</div>',
            reverse("admin:notes_note_preview"),
            mark_safe(note.body_html),  # noqa: S308
        )

    def get_urls(self):
        return [
            path(
                "preview/",
                self.admin_site.admin_view(preview_markdown),
                name="notes_note_preview",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=_("Publish the selected notes"))
    def publish(self, request, queryset):
        for note in queryset:
            note.status = Note.Status.PUBLISHED
            note.save(update_fields=["status"])

    @admin.action(description=_("Turn the selected notes back into drafts"))
    def unpublish(self, request, queryset):
        for note in queryset:
            note.status = Note.Status.DRAFT
            note.save(update_fields=["status"])


@require_POST
@staff_member_required
def preview_markdown(request: HttpRequest) -> JsonResponse:
    """Render unsaved Markdown for the admin's live preview."""
    return JsonResponse({"html": render_markdown(request.POST.get("body", "")).html})
