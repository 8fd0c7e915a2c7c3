"""Tags, the notes that carry them, and fetching a list's tags in one query."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.models import TagBase, TaggedItemBase

from ..control_characters import validate_visible_name
from ..slugs import slugify_unicode
from .trees import CountedNotes

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

    from .notes import Note


# The plugin cannot build the reverse of TaggedNote.tag, whose taggit base class it
# cannot read (taggit ships no types): it and the manager are annotated below instead.
class Tag(TagBase, CountedNotes):  # type: ignore[django-manager-missing]
    """A taggit tag whose slug keeps Chinese and is never empty."""

    if TYPE_CHECKING:
        objects: ClassVar[models.Manager[Tag]]
        tagged_notes: RelatedManager[TaggedNote]

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return str(self.name)

    def get_absolute_url(self) -> str:
        return reverse("notes:tag-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        validate_visible_name(self.name, field="name")

    def slugify(self, tag: str, i: int | None = None) -> str:
        slug = slugify_unicode(tag, fallback="tag", max_length=90)
        return slug if i is None else f"{slug}_{i}"


class TaggedNote(TaggedItemBase):
    # Annotated: taggit ships no types, so the plugin cannot read its base class.
    tag: models.ForeignKey[Tag, Tag] = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="tagged_notes"
    )
    content_object: models.ForeignKey[Note, Note] = models.ForeignKey(
        "Note", on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = _("tagged note")
        verbose_name_plural = _("tagged notes")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_note_tag")
        ]


def attach_tags(notes: Iterable[Note]) -> None:
    """Give each note its ``tag_list`` (by name), all from one query.

    taggit's own prefetch (``prefetch_related("tags")``) builds a filtered queryset per
    note before using what it fetched, and Django's prefetch machinery builds two model
    instances per tag: on a list page that cost more than all its SQL. Notes that have
    their tags already are left as they are.
    """
    notes = [note for note in notes if "_tag_list" not in note.__dict__]
    by_note: dict[int, list[Tag]] = {note.pk: [] for note in notes}
    if by_note:
        rows = (
            TaggedNote.objects.filter(content_object_id__in=by_note)
            .order_by("tag__name", "tag_id")
            .values_list("content_object_id", "tag_id", "tag__name", "tag__slug")
        )
        for note_id, tag_id, name, slug in rows:
            by_note[note_id].append(Tag(id=tag_id, name=name, slug=slug))
    for note in notes:
        note._tag_list = by_note[note.pk]
