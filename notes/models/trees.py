"""Category and topic trees: walking them, and the abstract bases their nodes share."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _

from .unique_slugs import fill_slug


def parents_of(node, tree: Mapping | None = None) -> list:
    """A tree node's parent, grandparent... up to the root; a loop (possible only by
    editing the database by hand) ends the walk instead of running forever.

    ``tree`` (pk -> node, the whole tree already loaded) gives each parent from memory
    instead of one query per level."""

    def parent(current):
        return current.parent if tree is None else tree.get(current.parent_id)

    chain, current, seen = [], parent(node), set()
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = parent(current)
    return chain


def ancestors_of(node, tree: Mapping | None = None) -> list:
    """From the root down to ``node``'s parent (``tree``: see ``parents_of``)."""
    chain = []
    for parent in parents_of(node, tree):
        if parent.pk == node.pk:
            break
        chain.append(parent)
    return chain[::-1]


def descendant_ids(root: int, parent_pairs) -> set[int]:
    """``root`` and every node below it, from (pk, parent pk) pairs of a whole tree."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in parent_pairs:
        children.setdefault(parent_id, []).append(pk)
    found, stack = {root}, [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def subtree_totals(rows) -> dict[int, int]:
    """Each node's count plus its descendants', from (pk, parent pk, count) rows."""
    rows = list(rows)
    pairs = [(pk, parent_id) for pk, parent_id, _ in rows]
    own = {pk: count for pk, _, count in rows}
    return {pk: sum(own.get(below, 0) for below in descendant_ids(pk, pairs)) for pk in own}


def sits_below_itself(node) -> bool:
    return node.pk is not None and any(parent.pk == node.pk for parent in parents_of(node))


class CountedNotes(models.Model):
    """How many notes carry a tag, sit in a category or mention a topic: kept by
    notes.counts so that no page has to count over every note."""

    note_count = models.PositiveIntegerField(_("notes"), default=0, editable=False)
    published_count = models.PositiveIntegerField(_("published notes"), default=0, editable=False)

    class Meta:
        abstract = True


class NamedTreeNode(CountedNotes):
    """A category or a topic: a unique name, a slug made from it, a place in a tree."""

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

    slug_fallback = "node"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        fill_slug(self, self.name, fallback=self.slug_fallback)
        super().save(*args, **kwargs)
