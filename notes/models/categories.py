"""Categories: the tree a note is filed in."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..control_characters import validate_visible_name
from .trees import NamedTreeNode, ancestors_of, descendant_ids, sits_below_itself


class Category(NamedTreeNode):
    description = models.TextField(_("description"), blank=True)

    slug_fallback = "category"
    # Set on the categories a page lists: how many notes the reader may see in each,
    # sub-categories included (notes.listings.categories_with_counts).
    num_notes: int

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def get_absolute_url(self) -> str:
        return reverse("notes:category-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        validate_visible_name(self.name, field="name")
        if sits_below_itself(self):
            raise ValidationError({"parent": _("A category cannot sit inside itself.")})

    def ancestors(self) -> list[Category]:
        """From the root down to this category's parent."""
        return ancestors_of(self)

    def descendant_ids(self) -> set[int]:
        """This category and every category below it (categories are few, one query)."""
        return descendant_ids(self.pk, Category.objects.values_list("pk", "parent_id"))
