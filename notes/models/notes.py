"""Notes: their queryset, rendering and links on save, history and old slugs."""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

from ..code_check import code_problems
from ..control_characters import validate_visible_name, without_control_characters
from ..language import CHINESE, ENGLISH
from ..linking import (
    LinkResult,
    LinkTarget,
    TopicMatcher,
    explicit_link_titles,
    hide_note_links,
    offer_missing_notes,
)
from ..note_map import number_code_blocks
from ..note_rendering import MARKDOWN, PLAIN_TEXT, RenderedNote, render_note
from ..planner_statistics import estimated_rows
from ..render_limits import RenderRefused
from .categories import Category
from .events import links_may_have_moved, mentions_stored
from .links import NoteLink
from .python_docs import PythonObject
from .slug_aliases import NoteSlugAlias
from .tags import Tag, TaggedNote
from .topics import Mention, Topic
from .unique_slugs import fill_slug

# What finding a tag's note by id cost SQLite, in tests of a note while walking the notes
# by date (measured on 100,000 notes; NoteQuerySet.tagged): to count it, about five; to
# list it, which reads the note's columns and sorts them, about seventeen.
_BY_ID_COUNTING_COST = 5
_BY_ID_LISTING_COST = 17

# Set while an import runs, so ten thousand saves do not each look for links waiting
# for their title (see NoteQuerySet.waiting_links_resolved_at_end).
_NEW_TITLES: ContextVar[set[str] | None] = ContextVar("new_titles", default=None)


class NoteQuerySet(models.QuerySet):
    def published(self) -> NoteQuerySet:
        return self.filter(status=Note.Status.PUBLISHED)

    def visible_to(self, user) -> NoteQuerySet:
        """Everything for active staff; published notes for everyone else."""
        if user is not None and user.is_active and user.is_staff:
            return self.all()
        return self.published()

    def link_targets_by_title(self, titles: set[str]) -> dict[str, LinkTarget]:
        """Notes whose titles (compared case-insensitively) are among ``titles``."""
        wanted = {title.casefold() for title in titles}
        found = self.annotate(lower_title=Lower("title")).filter(lower_title__in=wanted)
        return {
            note.title.casefold(): LinkTarget("note", note.pk, note.title, note.get_absolute_url())
            for note in found.only("pk", "title", "slug")
        }

    def waiting_links_resolved_at_end(self) -> AbstractContextManager[None]:
        """Inside the block, notes created are not each checked for ``[[links]]`` waiting
        for their title; one query at the end finds them all (bulk imports)."""
        return _waiting_links_resolved_at_end()

    def tagged(self, *groups: Sequence[Tag], reading: int, counting: bool = False) -> NoteQuerySet:
        """Notes carrying a tag of each of ``groups``, for a caller that reads up to
        ``reading`` of them newest first (a page), or counts up to ``reading``.

        SQLite finds them one of two ways. Testing each note as it walks the notes by
        date stops once it has enough, which is quick for common tags (a page of a tag
        on 40% of the notes reads fifty). For a rare tag, or tags seldom found together,
        it walks nearly every note: a tag on 74 of 100,000 notes took 13 ms for a page
        and 62 ms to count a thousand. The rarest tag's notes are then looked up by id
        instead (0.2 ms), and tested for the other tags. The tags' stored counts, against
        the number of notes SQLite's statistics measured, choose. With no statistics, or
        on PostgreSQL (whose planner keeps counts of common values and chooses itself),
        each note is tested.
        """
        if not groups:
            return self
        by_id = looked_up_by_id(
            [sum(tag.note_count for tag in tags) for tags in groups],
            estimated_rows(self.model._meta.db_table, self.db),
            reading=reading,
            counting=counting,
        )
        notes = self
        for index, tags in enumerate(groups):
            if index == by_id:
                ids = TaggedNote.objects.filter(tag__in=tags).values("content_object_id")
                notes = notes.filter(pk__in=ids)
            else:
                notes = notes.filter(carries_one_of(tags))
        return notes

    def for_listing(self) -> NoteQuerySet:
        """What list pages show, without the (large) bodies. The cards that show them
        fetch the tags of a whole page in one query (``attach_tags``)."""
        return self.select_related("category").defer(
            "body", "body_html", "headings", "front_matter"
        )


@contextmanager
def _waiting_links_resolved_at_end() -> Iterator[None]:
    # A function of the module, not a decorated method: the manager made from the
    # queryset (as_manager) keeps this method's declared type for mypy.
    titles: set[str] = set()
    token = _NEW_TITLES.set(titles)
    try:
        yield
    finally:
        _NEW_TITLES.reset(token)
    if titles:
        waiting = NoteLink.objects.annotate(lower_text=Lower("target_text")).filter(
            target_note=None, target_topic=None, lower_text__in=titles
        )
        links_may_have_moved.send(
            sender=Note, note_ids=set(waiting.values_list("source_id", flat=True))
        )


def carries_one_of(tags: Sequence[Tag]) -> Exists:
    """Whether a note (the outer query's row) carries one of ``tags``: a test of each note
    on the tags' index, rather than a join, so that a list can walk the notes by date."""
    return Exists(TaggedNote.objects.filter(content_object_id=OuterRef("pk"), tag__in=tags))


def looked_up_by_id(
    counts: Sequence[int], total: int | None, *, reading: int, counting: bool
) -> int | None:
    """Which of the tag groups with these stored ``counts`` of notes to find by id, among
    ``total`` notes (see NoteQuerySet.tagged); None to test every note walked by date."""
    if not total or not counts:
        return None
    rarest = min(range(len(counts)), key=counts.__getitem__)
    # The share of notes with a tag of every group, as if the groups were independent.
    share = math.prod(min(count / total, 1.0) for count in counts)
    walked = min(total, reading / share) if share else total
    cost = _BY_ID_COUNTING_COST if counting else _BY_ID_LISTING_COST
    return rarest if counts[rarest] * cost <= walked else None


def visible_note_filter(user, prefix: str) -> Q:
    """A Q for counting, through ``prefix``, only the notes ``user`` may see."""
    if user.is_active and user.is_staff:
        return Q()
    return Q(**{f"{prefix}status": Note.Status.PUBLISHED})


class NoteHistoryExtras(models.Model):
    """What a historical version of a note keeps beyond the note's own columns."""

    tag_names = models.TextField(_("tags"), blank=True)

    class Meta:
        abstract = True


class NoteHistoryManager(HistoryManager):
    """``note.history``, its manager class made once rather than at every access.

    simple_history's descriptor calls ``from_queryset()`` each time ``note.history`` is
    read, and every save reads it to record the change: building that class (it walks
    the queryset's methods) took 7% of an import's writing process. The class it builds
    is the same every time, so it is made once per queryset class.
    """

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


# The plugin cannot build the reverse of TaggedNote.content_object, whose taggit base
# class it cannot read (taggit ships no types): it is annotated below instead.
class Note(models.Model):  # type: ignore[django-manager-missing]
    if TYPE_CHECKING:
        taggednote_set: RelatedManager[TaggedNote]

    _loaded_title: str | None = None
    _loaded_slug: str | None = None
    _loaded_counted: tuple[str | None, int | None] | None = None

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Format(models.TextChoices):
        MARKDOWN = MARKDOWN, _("Markdown")
        PLAIN_TEXT = PLAIN_TEXT, _("Plain text")

    class Language(models.TextChoices):
        CHINESE = CHINESE, _("Chinese")
        ENGLISH = ENGLISH, _("English")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, allow_unicode=True, blank=True,
        help_text=_("Left blank, it is made from the title. Chinese is kept."),
    )  # fmt: skip
    body = models.TextField(
        _("body"), blank=True, help_text=_("Markdown or plain text, as the format says.")
    )
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.MARKDOWN,
        help_text=_("Plain text keeps its lines as written; its Python code is highlighted."),
    )  # fmt: skip
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, blank=True,
        help_text=_("Left blank, it is told from the text."),
    )  # fmt: skip
    # The main language of the body's prose, told at every save (notes.language).
    text_language = models.CharField(max_length=10, editable=False, blank=True)
    body_html = models.TextField(editable=False, blank=True)
    # (level, anchor, text) of each heading: the template draws the table of contents
    # so that the rendered body stays the only HTML trusted as is.
    headings = models.JSONField(default=list, editable=False, blank=True)
    excerpt = models.TextField(
        _("excerpt"), blank=True, help_text=_("Left blank, the start of the body is shown.")
    )
    auto_excerpt = models.TextField(editable=False, blank=True)
    # The Python code blocks that do not parse, found at each rendering, for staff:
    # [{"block": 3, "line": 4, "message": "...", "python2": true}, ...]; None when every
    # block parses (nullable, so that adding it rewrote no table).
    code_problems = models.JSONField(null=True, blank=True, default=None, editable=False)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes",
    )
    tags = TaggableManager(through=TaggedNote, blank=True, verbose_name=_("tags"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    # Set by an import that found no date but the file's modification time (or its own
    # time); cleared when staff set the date. Staff see it, readers never do.
    created_is_guess = models.BooleanField(_("date is a guess"), default=False, editable=False)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    source = models.CharField(
        _("source"), max_length=500, blank=True,
        help_text=_("The file this note was imported from; blank for notes written here."),
    )  # fmt: skip
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Bumped by every save: an edit form that saw an older number is editing a stale copy.
    version = models.PositiveIntegerField(default=1, editable=False)
    link_every_section = models.BooleanField(
        _("link topics in every section"), default=False,
        help_text=_(
            "Off: each topic is linked at its first mention in the note. On: at its first "
            "mention in every section, as long notes read section by section may want."
        ),
    )  # fmt: skip
    front_matter = models.JSONField(
        _("other front matter"), default=dict, blank=True,
        help_text=_("Front-matter keys from the imported file that have no field of their own."),
    )  # fmt: skip

    objects = NoteQuerySet.as_manager()
    # Every change is kept; the rendering is derived from the body, so it is not.
    history = HistoricalRecords(
        excluded_fields=[
            "body_html",
            "headings",
            "auto_excerpt",
            "text_language",
            "code_problems",
        ],
        bases=[NoteHistoryExtras],
        cascade_delete_history=False,
        history_manager=NoteHistoryManager,
    )

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        indexes = [
            models.Index(fields=["status", "-created"], name="note_status_created"),
            # A category's newest notes without walking every note by date (at 100,000
            # notes, 1.8 ms -> 0.05 ms for a category holding 5% of them).
            models.Index(
                fields=["category", "status", "-created"], name="note_category_status_created"
            ),
            # Staff see every note, whatever its status: without this their lists and a
            # note's neighbours sorted all notes by date (0.4 s at 100,000 notes).
            models.Index(fields=["-created"], name="note_created"),
            # Notes by title, case aside: [[links]] finding their targets, and the
            # learning pages finding each topic's own note, without reading every title.
            models.Index(Lower("title"), name="note_title_lower"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source"], condition=~Q(source=""), name="unique_note_source"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        self.title = self.title.strip()
        if not self.title:
            # Code paths that skip full_clean() must not store a nameless note either.
            raise ValidationError({"title": _("A note needs a title.")})
        fill_slug(self, self.title, fallback="note")
        links = self.refresh_rendering(prepared=self.__dict__.pop("prepared_rendering", None))
        if not self._state.adding:
            self.version += 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields, "slug", "body_html", "headings", "auto_excerpt", "updated",
                "version", "text_language", "code_problems",
            }  # fmt: skip
        title_changed = self._loaded_title is not None and self._loaded_title != self.title
        slug_changed = self._loaded_slug is not None and self._loaded_slug != self.slug
        # A bare instance given the pk of a stored note updates it: its rows get replaced.
        adding = self._state.adding and self.pk is None
        super().save(*args, **kwargs)
        if slug_changed:
            # The old address keeps working: it redirects here (see NoteSlugAlias).
            NoteSlugAlias.objects.update_or_create(slug=self._loaded_slug, defaults={"note": self})
            NoteSlugAlias.objects.filter(note=self, slug=self.slug).delete()
        self.store_links(links, replace=not adding)
        new_titles = _NEW_TITLES.get()
        if self._loaded_title is None and new_titles is not None:
            new_titles.add(self.title.casefold())
        elif title_changed or slug_changed or self._loaded_title is None:
            # Notes that link here by the old title or address, or waited for this one,
            # follow along.
            links_may_have_moved.send(
                sender=Note, note_ids=self.linking_note_ids(self._loaded_title)
            )
        self._loaded_title = self.title
        self._loaded_slug = self.slug

    def get_absolute_url(self) -> str:
        return reverse("notes:note-detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        note = super().from_db(db, field_names, values)
        note._loaded_title = note.__dict__.get("title")
        note._loaded_slug = note.__dict__.get("slug")
        # What notes.counts needs to know an edit moved the note between counts.
        note._loaded_counted = (note.__dict__.get("status"), note.__dict__.get("category_id"))
        return note

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def lang(self) -> str:
        """The note's language for ``lang`` attributes: staff's choice, else the text's."""
        return self.language or self.text_language or ENGLISH

    @property
    def teaser(self) -> str:
        return self.excerpt or self.auto_excerpt

    @property
    def tag_list(self) -> list[Tag]:
        """The note's tags by name: given to a page of notes at once by ``attach_tags()``,
        else fetched now."""
        if "_tag_list" not in self.__dict__:
            self._tag_list = list(self.tags.order_by("name"))
        return self._tag_list

    def clean(self) -> None:
        if not (self.title or "").strip():
            raise ValidationError({"title": _("A note needs a title.")})
        validate_visible_name(self.title, field="title")
        # Rendered now, so that a body too complex to render is the form's error rather
        # than a failed save; save() uses this rendering.
        self.prepared_rendering = self.rendering(self.__dict__.get("prepared_rendering"))

    def rendering(
        self, prepared: RenderedNote | None = None, matcher: TopicMatcher | None = None
    ) -> RenderedNote:
        """The body rendered and linked: ``prepared`` if it was made from the body as it
        is, else made now. A body too complex to render is the body's ValidationError."""
        if prepared is not None and prepared.made_for(
            self.body, self.format, self.title, self.link_every_section
        ):
            return prepared
        wanted = explicit_link_titles(self.body)
        try:
            return render_note(
                self.body,
                matcher if matcher is not None else Topic.objects.matcher(),
                notes_by_title=Note.objects.link_targets_by_title(wanted) if wanted else None,
                format=self.format,
                title=self.title,
                every_section=self.link_every_section,
                budget=settings.RENDER_BUDGET_SECONDS,
                python_docs=PythonObject.objects.index(),
            )
        except RenderRefused as refused:
            raise ValidationError({"body": gettext(refused.message) % refused.params}) from None

    def refresh_rendering(
        self, matcher: TopicMatcher | None = None, prepared: RenderedNote | None = None
    ) -> LinkResult:
        """Render the body, link its topics and ``[[links]]``; the caller stores the links.

        ``prepared`` is a rendering made ahead (by an import's worker processes, or by
        ``clean()``); it is used only if it was made from the current body.
        """
        prepared = self.rendering(prepared, matcher)
        # Terminal colours become classes, other control characters go; the body keeps them.
        prepared = without_control_characters(prepared)
        self.body_html = prepared.html
        self.headings = prepared.headings
        self.auto_excerpt = prepared.excerpt
        self.text_language = prepared.language
        # For staff: the Python blocks that do not parse (None when all do).
        self.code_problems = code_problems(prepared.html)
        # Not a field: handed to the search index, which would otherwise make it again.
        self.plain_text = prepared.text
        return prepared.links

    def body_html_for(self, user) -> str:
        """The rendered body as ``user`` may read it: for readers, ``[[links]]`` to notes
        they cannot see (drafts) look exactly like links to nothing; for staff who may
        add notes, a link to nothing opens the add form with its title filled in. Code
        blocks get ids, for the note's map to link to."""
        html = number_code_blocks(self.body_html)
        if user.is_active and user.is_staff:
            if user.has_perm("notes.add_note"):
                return offer_missing_notes(html, reverse("admin:notes_note_add"))
            return html
        if "note-link" not in html:
            return html
        hidden = (
            Note.objects.exclude(status=Note.Status.PUBLISHED)
            .filter(incoming_links__source=self)
            .values_list("slug", flat=True)
        )
        urls = [reverse("notes:note-detail", kwargs={"slug": slug}) for slug in hidden]
        return hide_note_links(html, urls)

    def store_links(self, links: LinkResult, *, replace: bool = True) -> None:
        """Replace this note's mention and link rows with what its last rendering found."""
        old_topics = set()
        if replace:
            old_topics = set(self.mentions.values_list("topic_id", flat=True))
            self.mentions.all().delete()
            self.outgoing_links.all().delete()
        # By id, not instance: assigning the note to each of a dozen rows, and bulk_create
        # checking each assignment, was a fifth of the cost of writing them.
        Mention.objects.bulk_create(
            Mention(note_id=self.pk, topic_id=key, count=count, snippet=links.snippets.get(key, ""))
            for key, count in links.mentions.items()
        )
        new_links = [
            NoteLink(
                source_id=self.pk,
                target_note_id=target.key if target.kind == "note" else None,
                target_topic_id=target.key if target.kind == "topic" else None,
                target_text=target.title[:200],
            )
            for target in links.explicit
        ] + [NoteLink(source_id=self.pk, target_text=text[:200]) for text in links.missing]
        if new_links:
            NoteLink.objects.bulk_create(new_links)
        # Only a topic gained or lost changes how many notes mention it.
        mentions_stored.send(
            sender=Note,
            note=self,
            topics=old_topics.symmetric_difference(links.mentions)
            if replace
            else set(links.mentions),
            new=not replace,
        )

    def linking_note_ids(self, old_title: str | None) -> set[int]:
        """Notes whose ``[[links]]`` point, or may now point, at this note."""
        titles = {self.title.casefold()} | ({old_title.casefold()} if old_title else set())
        return set(
            NoteLink.objects.annotate(lower_text=Lower("target_text"))
            .filter(
                Q(target_note=self) | Q(target_note=None, target_topic=None, lower_text__in=titles)
            )
            .values_list("source_id", flat=True)
        )

    def neighbours(self, queryset: NoteQuerySet) -> tuple[Note | None, Note | None]:
        """The notes just before (older) and after (newer) this one in ``queryset``,
        each with only its title and slug loaded."""
        rows = queryset.exclude(pk=self.pk).values_list("pk", "created", "title", "slug")
        older = self._nearest(
            rows.filter(created__lte=self.created).order_by("-created", "-pk"),
            lambda pk, created: created < self.created or pk < self.pk,
        )
        newer = self._nearest(
            rows.filter(created__gte=self.created).order_by("created", "pk"),
            lambda pk, created: created > self.created or pk > self.pk,
        )
        return older, newer

    @staticmethod
    def _nearest(ordered: QuerySet[Any, Any], beyond, window: int = 20) -> Note | None:
        """The first note of ``ordered`` (rows of pk, created, title, slug) that lies
        ``beyond`` this one.

        A plain range on `created` walks the (status, created) index; an OR to break
        ties on the same instant would make the database scan every note. Ties are
        settled here instead, over a small window, and only a pile of notes created
        at the very same instant falls back to scanning.
        """
        first = list(ordered[:window])
        candidates: Iterable[tuple[int, datetime, str, str]] = first
        if len(first) == window:
            candidates = itertools.chain(first, ordered[window:].iterator())
        for pk, created, title, slug in candidates:
            if beyond(pk, created):
                return Note(pk=pk, created=created, title=title, slug=slug)
        return None


# simple_history puts the history model in the app's module ("notes") when the model
# does not live in notes.models itself, and nothing can be imported from there (the
# shell said so at every start). It is re-exported from notes.models, as before.
HistoricalNote = Note.history.model
HistoricalNote.__module__ = "notes.models"
