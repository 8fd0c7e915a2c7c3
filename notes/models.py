from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from .markdown import make_excerpt, render_markdown
from .slugs import slugify_unicode, unique_slug


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, allow_unicode=True, blank=True,
        help_text=_("Left blank, it is made from the name."),
    )  # fmt: skip
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(
                Category.objects.all(), self.name, fallback="category", max_length=100,
                exclude_pk=self.pk,
            )  # fmt: skip
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("notes:category-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        node, seen = self.parent, set()
        while node is not None and node.pk not in seen:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError({"parent": _("A category cannot sit inside itself.")})
            seen.add(node.pk)
            node = node.parent

    def ancestors(self) -> list[Category]:
        """From the root down to this category's parent."""
        chain: list[Category] = []
        node, seen = self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain[::-1]

    def descendant_ids(self) -> set[int]:
        """This category and every category below it (categories are few, one query)."""
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        found, stack = {self.pk}, [self.pk]
        while stack:
            for child in children.get(stack.pop(), []):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return found


class Tag(TagBase):
    """A taggit tag whose slug keeps Chinese and is never empty."""

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def slugify(self, tag: str, i: int | None = None) -> str:
        slug = slugify_unicode(tag, fallback="tag", max_length=90)
        return slug if i is None else f"{slug}_{i}"

    def get_absolute_url(self) -> str:
        return reverse("notes:tag-detail", kwargs={"slug": self.slug})


class TaggedNote(TaggedItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_notes")
    content_object = models.ForeignKey("Note", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("tagged note")
        verbose_name_plural = _("tagged notes")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_note_tag")
        ]


class NoteQuerySet(models.QuerySet):
    def published(self) -> NoteQuerySet:
        return self.filter(status=Note.Status.PUBLISHED)

    def visible_to(self, user) -> NoteQuerySet:
        """Everything for active staff; published notes for everyone else."""
        if user is not None and user.is_active and user.is_staff:
            return self.all()
        return self.published()

    def for_listing(self) -> NoteQuerySet:
        """What list pages show, without the (large) bodies and with one query for tags."""
        return (
            self.select_related("category")
            .prefetch_related("tags")
            .defer("body", "body_html", "headings", "front_matter")
        )


class Note(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, allow_unicode=True, blank=True,
        help_text=_("Left blank, it is made from the title. Chinese is kept."),
    )  # fmt: skip
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
    # (level, anchor, text) of each heading: the template draws the table of contents
    # so that the rendered body stays the only HTML trusted as is.
    headings = models.JSONField(default=list, editable=False, blank=True)
    excerpt = models.TextField(
        _("excerpt"), blank=True, help_text=_("Left blank, the start of the body is shown.")
    )
    auto_excerpt = models.TextField(editable=False, blank=True)
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
    updated = models.DateTimeField(_("updated"), auto_now=True)
    source = models.CharField(
        _("source"), max_length=500, blank=True,
        help_text=_("The file this note was imported from; blank for notes written here."),
    )  # fmt: skip
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    front_matter = models.JSONField(
        _("other front matter"), default=dict, blank=True,
        help_text=_("Front-matter keys from the imported file that have no field of their own."),
    )  # fmt: skip

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        indexes = [models.Index(fields=["status", "-created"], name="note_status_created")]
        constraints = [
            models.UniqueConstraint(
                fields=["source"], condition=~Q(source=""), name="unique_note_source"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.title = self.title.strip()
        if not self.title:
            # Code paths that skip full_clean() must not store a nameless note either.
            raise ValidationError({"title": _("A note needs a title.")})
        if not self.slug:
            self.slug = unique_slug(
                Note.objects.all(), self.title, fallback="note", max_length=200,
                exclude_pk=self.pk,
            )  # fmt: skip
        self.refresh_rendering()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields, "slug", "body_html", "headings", "auto_excerpt", "updated"
            }  # fmt: skip
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("notes:note-detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def teaser(self) -> str:
        return self.excerpt or self.auto_excerpt

    def clean(self) -> None:
        if not (self.title or "").strip():
            raise ValidationError({"title": _("A note needs a title.")})

    def refresh_rendering(self) -> None:
        rendered = render_markdown(self.body)
        self.body_html = rendered.html
        self.headings = [list(heading) for heading in rendered.headings]
        self.auto_excerpt = make_excerpt(rendered.html)

    def neighbours(self, queryset: NoteQuerySet) -> tuple[Note | None, Note | None]:
        """The notes just before (older) and after (newer) this one in ``queryset``."""
        queryset = queryset.exclude(pk=self.pk).only("title", "slug", "created")
        older = (
            queryset.filter(Q(created__lt=self.created) | Q(created=self.created, pk__lt=self.pk))
            .order_by("-created", "-pk")
            .first()
        )
        newer = (
            queryset.filter(Q(created__gt=self.created) | Q(created=self.created, pk__gt=self.pk))
            .order_by("created", "pk")
            .first()
        )
        return older, newer
