"""What a reader chose to review, and the cards it holds for them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext

from ..models import Card, Category, Mention, Note, Tag, Topic
from ..models import descendant_ids as tree_descendants


@dataclass(frozen=True)
class Scope:
    """Everything, or the cards of one tag, category, topic (with its subtopics) or note."""

    kind: str = ""
    obj: Any = None

    KINDS = ("note", "topic", "tag", "category")

    class Unknown(Exception):
        """A scope that names nothing a reader can see; the message is the sentence."""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Scope:
        """From ``?note=…``, ``?topic=…``, ``?tag=…`` or ``?category=…`` (the first one
        given), or ``?scope=kind:slug`` as the review page's chooser sends it."""
        chosen = params.get("scope", "")
        if chosen:
            kind, _sep, slug = chosen.partition(":")
            if kind not in cls.KINDS or not slug:
                raise cls.Unknown(gettext("There is nothing to review by that name."))
            return cls._find(kind, slug)
        for kind in cls.KINDS:
            slug = params.get(kind, "")
            if slug:
                return cls._find(kind, slug)
        return cls()

    @classmethod
    def _find(cls, kind: str, slug: str) -> Scope:
        model: Any = {"note": Note, "topic": Topic, "tag": Tag, "category": Category}[kind]
        queryset = model.objects.all()
        if model is Note:
            # Drafts have no cards for readers, so they are not a scope either.
            queryset = Note.objects.published().only("title", "slug")
        found = queryset.filter(slug=slug).first()
        if found is None:
            raise cls.Unknown(gettext("There is nothing to review by that name."))
        return cls(kind, found)

    @property
    def params(self) -> dict[str, str]:
        """The query parameters that name this scope again (for links and forms)."""
        return {self.kind: self.obj.slug} if self.kind else {}

    @property
    def value(self) -> str:
        """The chooser's value for this scope."""
        return f"{self.kind}:{self.obj.slug}" if self.kind else ""

    @property
    def name(self) -> str:
        if not self.kind:
            return gettext("All cards")
        if self.kind == "topic":
            return str(self.obj.display_name)
        if self.kind == "note":
            return str(self.obj.title)
        return str(self.obj.name)


def cards_in_scope(scope: Scope, user: Any = None) -> QuerySet[Card]:
    """The cards of ``scope`` that ``user`` may see (None: any reader), in study order:
    each note's cards in the order they are written, topic cards last."""
    visible_note = _visible_note(user)
    cards = Card.objects.all()
    if scope.kind == "note":
        cards = cards.filter(note=scope.obj)
    elif scope.kind == "tag":
        cards = cards.filter(note__tags=scope.obj)
    elif scope.kind == "category":
        ids = tree_descendants(scope.obj.pk, Category.objects.values_list("pk", "parent_id"))
        cards = cards.filter(note__category__in=ids | {scope.obj.pk})
    elif scope.kind == "topic":
        return cards_about(scope.obj.descendant_ids() | {scope.obj.pk}, user)
    else:
        return cards.filter(visible_note | Q(topic__isnull=False)).order_by(
            F("note_id").asc(nulls_last=True), "position", "pk"
        )
    return cards.filter(visible_note).distinct().order_by("note_id", "position", "pk")


def cards_about(topic_ids: set[int], user: Any = None) -> QuerySet[Card]:
    """The cards of these topics and of the notes that mention them (a topic page knows
    its subtree already, so it asks this rather than a Scope)."""
    mentioning = Mention.objects.filter(topic__in=topic_ids).values("note")
    return (
        Card.objects.filter((_visible_note(user) & Q(note__in=mentioning)) | Q(topic__in=topic_ids))
        .distinct()
        .order_by(F("note_id").asc(nulls_last=True), "position", "pk")
    )


def _visible_note(user: Any) -> Q:
    staff = user is not None and user.is_active and user.is_staff
    if staff:
        return Q(note__isnull=False)
    # A lookup of each card's note rather than a join: the cards are then read in study
    # order from their own index, and the first ones a reader may see are found without
    # reading or sorting them all.
    return Q(Exists(Note.objects.published().filter(pk=OuterRef("note_id"))))


def topic_has_cards(topic_ids: set[int], user: Any = None) -> bool:
    """Whether these topics have cards to review: a topic's own card answers at once
    (most topics have a summary); otherwise a card in a note that mentions one."""
    if Card.objects.filter(topic__in=topic_ids).exists():
        return True
    mentioning = Mention.objects.filter(topic__in=topic_ids).values("note")
    return Card.objects.filter(_visible_note(user), note__in=mentioning).exists()
