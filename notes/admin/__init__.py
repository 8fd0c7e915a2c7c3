import datetime as dt
from functools import partial

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import display_for_field
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.forms import Form
from django.http import Http404, HttpRequest, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from simple_history.admin import SimpleHistoryAdmin
from taggit.models import Tag as TaggitDefaultTag

from ..linking import explicit_link_titles
from ..models import (
    Category,
    Note,
    NoteLink,
    PythonObject,
    Tag,
    Topic,
    TopicAlias,
    TopicRelation,
)
from ..note_rendering import render_note
from ..preview_slots import NoSlot, at_low_priority, preview_slot
from ..render_limits import RenderRefused
from .clippings import chrome_notice_context, trim_chrome_view
from .forms import NoteAdminForm
from .history import compare_view, deleted_notes_view, version_changes
from .imports import ImportNotesView, WrittenDateField

# The project files tags under notes.Tag (Unicode slugs); taggit's own table stays unused.
admin.site.unregister(TaggitDefaultTag)

# Staff should know which site they are editing, not read "Django administration".
admin.site.site_header = _("Python Notes administration")
admin.site.site_title = _("Python Notes admin")
admin.site.index_title = _("Notes, topics and links")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "note_count", "published_count"]
    list_filter = ["parent"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["parent"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "note_count", "published_count"]
    search_fields = ["name"]


class WrittenDateGuessFilter(admin.SimpleListFilter):
    """Notes whose written date is a guess (an import found no date but a file's time)."""

    title = _("written date")
    parameter_name = "date_guess"

    def lookups(self, request, model_admin):
        return [("yes", _("A guess")), ("no", _("Known"))]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(created_is_guess=self.value() == "yes")
        return queryset


class CodeProblemsFilter(admin.SimpleListFilter):
    """Notes with a Python code block that does not parse (notes.code_check)."""

    title = _("code")
    parameter_name = "code"

    def lookups(self, request, model_admin):
        return [("fails", _("Does not parse")), ("parses", _("Parses"))]

    def queryset(self, request, queryset):
        if self.value() in {"fails", "parses"}:
            return queryset.filter(code_problems__isnull=self.value() == "parses")
        return queryset


# Not `from django import forms`: in this package, `forms` is the module .forms.
class WrittenDateForm(Form):
    """The day given to the notes chosen in the list (the "Set written date" action)."""

    date = WrittenDateField(
        label=_("Written on"),
        help_text=_("For example 2014-11-06; 2014/11/06 and 2014年11月6日 are read too."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The one field of the page: a keyboard starts in it.
        self.fields["date"].widget.attrs["autofocus"] = True


@admin.register(Note)
class NoteAdmin(SimpleHistoryAdmin):
    form = NoteAdminForm
    object_history_template = "admin/notes/note/object_history.html"
    object_history_list_template = "admin/notes/note/object_history_list.html"
    list_display = ["title", "category", "status", "written", "updated", "code_check"]
    list_filter = ["status", WrittenDateGuessFilter, CodeProblemsFilter, "category", "tags"]
    list_select_related = ["category"]
    search_fields = ["title", "body", "slug"]
    date_hierarchy = "created"
    autocomplete_fields = ["category"]
    readonly_fields = ["rendered_preview", "updated", "source"]
    actions = ["publish", "unpublish", "set_written_date"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "category", "tags", "seen_version"]}),
        (_("Body"), {"fields": ["body", "format", "language", "rendered_preview"]}),
        (
            _("More"),
            {
                "classes": ["collapse"],
                "fields": [
                    "excerpt",
                    "link_every_section",
                    "created",
                    "updated",
                    "source",
                    "front_matter",
                ],
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
                self.admin_site.admin_view(require_POST(partial(preview_markdown, self))),
                name="notes_note_preview",
            ),
            path(
                "import/",
                self.admin_site.admin_view(ImportNotesView.as_view(model_admin=self)),
                name="notes_note_import",
            ),
            path(
                "deleted/",
                self.admin_site.admin_view(partial(deleted_notes_view, self)),
                name="notes_note_deleted",
            ),
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(partial(compare_view, self)),
                name="notes_note_compare",
            ),
            path(
                "<path:object_id>/trim-chrome/",
                self.admin_site.admin_view(
                    require_http_methods(["GET", "HEAD", "POST"])(partial(trim_chrome_view, self))
                ),
                name="notes_note_trim_chrome",
            ),
            *super().get_urls(),
        ]

    def set_history_delta_changes(self, request, page_obj, foreign_keys_are_objs=True):
        """Give each listed version what it changed against the one before (the field
        names, the body's lines added and removed) and that version's id to compare
        with: one query for the page, not one per version."""
        records = list(page_obj.object_list)
        older = records[1:] + [records[-1].prev_record if records else None]
        for record, previous in zip(records, older, strict=True):
            record.previous = previous
            record.changes = version_changes(previous, record) if previous else None

    def history_view(self, request, object_id, extra_context=None):
        # A deleted note's history holds its whole text: it is for those who may bring
        # notes back (as the deleted-notes list is), not for everyone who may view notes.
        if not str(object_id).isdigit():
            raise Http404
        if not self.may_see_note_or_its_remains(request, object_id):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def may_see_note_or_its_remains(self, request, object_id) -> bool:
        if not self.has_view_permission(request):
            return False
        if Note.objects.filter(pk=object_id).exists():
            return True
        return self.has_restore_permission(request)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history lets anyone who may view a note's history open this form, and
        # its POST saves the version: reverting is a change, bringing back a deleted
        # note an addition, whatever the method.
        if not (str(object_id).isdigit() and str(version_id).isdigit()):
            raise Http404  # simple-history would look the text up as a number
        if Note.objects.filter(pk=object_id).exists():
            allowed = self.has_change_permission(request)
        else:
            allowed = self.has_add_permission(request)
        if not allowed:
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A clipping imported untrimmed: say where its page chrome starts, offer to cut it.
        extra_context = {**chrome_notice_context(self, request, object_id), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The Python blocks of the stored note that do not parse: for staff, on this page
        # only (the note's own page never says so).
        context["code_problems"] = (obj.code_problems if obj is not None else None) or []
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "has_import_permission": self.has_import_permission(request),
            "has_restore_permission": self.has_restore_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def has_import_permission(self, request) -> bool:
        """An import creates notes and updates the ones it imported before."""
        # bool(): SimpleHistoryAdmin has no types, so mypy sees Any in its methods.
        return bool(self.has_add_permission(request) and self.has_change_permission(request))

    def has_restore_permission(self, request) -> bool:
        """The deleted-notes page exists to bring notes back: it needs add or change."""
        # bool(): as above.
        return bool(self.has_add_permission(request) or self.has_change_permission(request))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        match = request.resolver_match
        if match and match.url_name == "notes_note_simple_history":
            # Reverting (or recovering a deleted note) restores the tags of that version.
            # simple-history's URL passes (object_id, version_id) positionally.
            version_id = match.kwargs.get("version_id") or match.args[-1]
            record = Note.history.filter(history_id=version_id).first()
            if record is not None:
                form = type(form.__name__, (form,), {"version_tags": record.tag_names})
        return form

    @admin.action(description=_("Publish the selected notes"), permissions=["change"])
    def publish(self, request, queryset):
        for note in queryset:
            note.status = Note.Status.PUBLISHED
            note.save(update_fields=["status"])

    @admin.action(description=_("Turn the selected notes back into drafts"), permissions=["change"])
    def unpublish(self, request, queryset):
        for note in queryset:
            note.status = Note.Status.DRAFT
            note.save(update_fields=["status"])

    @admin.display(description=_("created"), ordering="created")
    def written(self, note: Note) -> str:
        """The written date as the admin shows dates, with "(a guess)" after one that an
        import took from a file's time."""
        shown = display_for_field(
            note.created, Note._meta.get_field("created"), self.get_empty_value_display()
        )
        if not note.created_is_guess:
            return str(shown)
        return format_html('{} <em class="date-guess">({})</em>', shown, gettext("a guess"))

    @admin.display(description=_("code"))
    def code_check(self, note: Note) -> str:
        """Nothing for a note whose Python parses; how many blocks do not, for one whose
        Python does not (its change page lists them)."""
        if not note.code_problems:
            return ""
        count = len({problem.get("block") for problem in note.code_problems})
        return format_html(
            '<strong class="code-problem">{}</strong>',
            ngettext("%(count)d block does not parse", "%(count)d blocks do not parse", count)
            % {"count": count},
        )

    def save_model(self, request, obj, form, change):
        if "created" in form.changed_data:
            obj.created_is_guess = False  # staff set the date: no longer a guess
        super().save_model(request, obj, form, change)

    @admin.action(
        description=_("Set the written date of the selected notes"), permissions=["change"]
    )
    def set_written_date(self, request, queryset):
        """Ask for a day on a page of its own (as deleting the selected notes asks to be
        sure), then give it to every chosen note in one transaction."""
        form = WrittenDateForm(request.POST if request.POST.get("post") else None)
        if form.is_valid():
            self._give_written_date(request, queryset, form.cleaned_data["date"])
            return None  # back to the list, which shows the message
        notes = list(
            queryset.select_related(None).only("pk", "title", "created", "created_is_guess")
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Set the written date"),
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "notes": notes,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/notes/note/set_written_date.html", context)

    def _give_written_date(self, request, queryset, day: dt.date) -> None:
        """Date each note of ``queryset`` ``day`` (at midnight, as a dated file name does),
        through Note.save() so that its history records the change; a note already
        written on that day keeps its time. All of them or none."""
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        changed = confirmed = 0
        with transaction.atomic():
            # By id: the list's queryset may be DISTINCT (filtered by tags), which
            # PostgreSQL cannot lock.
            chosen = Note.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))
            for note in chosen.select_for_update():
                if timezone.localdate(note.created) != day:
                    note.created = moment
                    changed += 1
                elif note.created_is_guess:
                    confirmed += 1
                else:
                    continue
                note.created_is_guess = False
                # Read by simple_history from the instance: the version's change reason.
                note._change_reason = "written date set"
                note.save(update_fields=["created", "created_is_guess"])
        shown = {"date": day.isoformat()}
        if changed:
            message = ngettext(
                "%(count)d note is now dated %(date)s.",
                "%(count)d notes are now dated %(date)s.",
                changed,
            )
            self.message_user(request, message % {"count": changed, **shown}, messages.SUCCESS)
        if confirmed:
            message = ngettext(
                "%(count)d note was dated %(date)s already; its date is no longer marked as a "
                "guess.",
                "%(count)d notes were dated %(date)s already; their date is no longer marked as "
                "a guess.",
                confirmed,
            )
            self.message_user(request, message % {"count": confirmed, **shown}, messages.SUCCESS)
        if not changed and not confirmed:
            message = gettext("The selected notes were dated %(date)s already; nothing changed.")
            self.message_user(request, message % shown, messages.INFO)


def preview_markdown(model_admin: NoteAdmin, request: HttpRequest) -> JsonResponse:
    """Render unsaved Markdown, topic links included, for the admin's live preview.

    One preview at a time for each user, and fewer at a time on the site than there are
    worker processes (``notes.preview_slots``): a rendering may take the whole budget,
    and readers must find a worker free. A request that finds no slot gets 429 (the
    script sends it again once the first has answered). A body too complex to render
    answers 422 with the sentence saying so.
    """
    if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
        raise PermissionDenied
    try:
        with preview_slot(settings.PREVIEW_LOCK_DIR, str(request.user.pk),
                          settings.PREVIEW_SITE_SLOTS):  # fmt: skip
            return _rendered_preview(request)
    except NoSlot as busy:
        if busy.mine:
            message = gettext("Your previous preview is still being made; this one follows it.")
        else:
            message = gettext("Other previews are being made; yours follows in a moment.")
        response = JsonResponse({"error": message}, status=429)
        response["Retry-After"] = "1"
        return response


def _rendered_preview(request: HttpRequest) -> JsonResponse:
    note_format = request.POST.get("format")
    note = Note(
        body=request.POST.get("body", ""),
        format=note_format if note_format in Note.Format.values else Note.Format.MARKDOWN,
    )
    # What the rendering reads from the database is read here, in the request's thread
    # (a connection belongs to its thread); the rendering itself is a pure function.
    wanted = explicit_link_titles(note.body)
    render = partial(
        render_note,
        note.body,
        Topic.objects.matcher(),
        notes_by_title=Note.objects.link_targets_by_title(wanted) if wanted else None,
        format=note.format,
        budget=settings.RENDER_BUDGET_SECONDS,
        python_docs=PythonObject.objects.index(),
    )
    try:
        note.refresh_rendering(prepared=at_low_priority(render))
    except RenderRefused as refused:
        return JsonResponse({"error": gettext(refused.message) % refused.params}, status=422)
    return JsonResponse({"html": note.body_html})


class TopicAliasInline(admin.TabularInline):
    model = TopicAlias
    extra = 2
    fields = ["name", "whole_word"]


class TopicRelationInline(admin.TabularInline):
    """Prerequisites, see-alsos and contrasts, written from the topic that needs or
    names the other: “Decorator · needs first · Closure”."""

    model = TopicRelation
    fk_name = "topic"
    extra = 1
    fields = ["kind", "other"]
    autocomplete_fields = ["other"]
    verbose_name_plural = _("Relations to other topics")


@admin.register(Topic)
class TopicAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_zh", "parent", "alias_list", "autolink", "note_count",
                    "published_count"]  # fmt: skip
    list_filter = ["autolink", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "name_zh", "aliases__name", "summary"]
    autocomplete_fields = ["parent"]
    inlines = [TopicAliasInline, TopicRelationInline]
    fields = ["name", "name_zh", "slug", "parent", "position", "autolink", "summary",
              "summary_zh", "docs", "needed_by"]  # fmt: skip
    readonly_fields = ["needed_by"]
    object_history_template = "admin/notes/topic/object_history.html"
    object_history_list_template = "admin/notes/topic/object_history_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent").prefetch_related("aliases")

    @admin.display(description=_("Aliases"))
    def alias_list(self, topic: Topic) -> str:
        return ", ".join(alias.name for alias in topic.aliases.all())

    def history_view(self, request, object_id, extra_context=None):
        if not str(object_id).isdigit():
            raise Http404  # simple-history would look the text up as a number
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # As for notes: the form's POST saves the version, so reverting is a change,
        # and bringing back a deleted topic an addition.
        if not (str(object_id).isdigit() and str(version_id).isdigit()):
            raise Http404
        if Topic.objects.filter(pk=object_id).exists():
            allowed = self.has_change_permission(request)
        else:
            allowed = self.has_add_permission(request)
        if not allowed:
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.display(description=_("Needed first by"))
    def needed_by(self, topic: Topic) -> str:
        if topic.pk is None:
            return "—"
        names = topic.inbound_relations.filter(kind=TopicRelation.Kind.PREREQUISITE).values_list(
            "topic__name", flat=True
        )
        return ", ".join(sorted(names, key=str.casefold)) or "—"


class MissingTargetFilter(admin.SimpleListFilter):
    title = _("target")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("yes", _("Missing")), ("no", _("Found"))]

    def queryset(self, request, queryset):
        missing = Q(target_note__isnull=True, target_topic__isnull=True)
        if self.value() == "yes":
            return queryset.filter(missing)
        if self.value() == "no":
            return queryset.exclude(missing)
        return queryset


@admin.register(NoteLink)
class NoteLinkAdmin(admin.ModelAdmin):
    """The [[links]] written in notes; filter on “Missing” for targets still to write."""

    list_display = ["target_text", "source", "target_note", "target_topic", "target_found"]
    list_filter = [MissingTargetFilter]
    list_select_related = ["source", "target_note", "target_topic"]
    search_fields = ["target_text", "source__title"]

    def has_add_permission(self, request):
        return False  # links come from the notes' text, edited on the note

    def has_change_permission(self, request, obj=None):
        return False

    # A green tick for a link that works, a red cross for a broken one: the admin's
    # boolean icons read as good and bad, so the column asks the good question.
    @admin.display(description=_("target found"), boolean=True)
    def target_found(self, link: NoteLink) -> bool:
        return not link.is_missing
