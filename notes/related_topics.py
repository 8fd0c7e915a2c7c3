"""The topics a topic page suggests next: named relations, then company, then siblings."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection

from django.db.models import Q
from django.utils.translation import gettext_lazy

from .counts import count_field
from .models import Mention, Topic, TopicRelation, visible_note_filter
from .related_score import TopicFacts, co_mention_scores

# A list of suggestions shorter than this is topped up with the topic's siblings: enough
# to show where to go next, few enough not to repeat the map beside it.
FILL_TO = 5

# How a named relation reads on the page, in the order the page lists them: what to
# learn first, then what builds on this topic, then what to read beside it, then what
# to set against it. The same words as TopicRelation.Kind's labels share their translations.
LABELS = {
    "needs first": gettext_lazy("needs first"),
    "needed by": gettext_lazy("needed by"),
    "see also": gettext_lazy("see also"),
    "contrasts with": gettext_lazy("contrasts with"),
}
KIND_ORDER = {label: place for place, label in enumerate(LABELS)}


def relation_label(kind: str, outgoing: bool) -> str:
    """How the other topic bears on this one, in English: "needs first" when this topic
    needs it first, "needed by" when it needs this one first; "see also" and
    "contrasts with" read the same both ways."""
    if kind == TopicRelation.Kind.PREREQUISITE:
        return "needs first" if outgoing else "needed by"
    return "contrasts with" if kind == TopicRelation.Kind.CONTRASTS else "see also"


def never_suggested(tree: dict[int, Topic]) -> set[int]:
    """The topics not linked automatically (Python): read from ``tree`` when it holds
    ``autolink``, else in one query."""
    some = next(iter(tree.values()), None)
    if some is None:
        return set()
    if "autolink" in some.get_deferred_fields():
        return set(Topic.objects.filter(autolink=False).values_list("pk", flat=True))
    return {pk for pk, topic in tree.items() if not topic.autolink}


def related_topics(
    topic: Topic,
    tree: dict[int, Topic],
    subtree: set[int],
    user,
    *,
    limit: int,
    sample: int,
    elsewhere: Collection[int] = (),
) -> list[Topic]:
    """What a topic page suggests reading next, as topics of ``tree``.

    First the topics named in a relation either way, each with ``relation``: "needs
    first", "needed by" (a topic that needs this one first), "see also" or
    "contrasts with", in the interface's language.
    Then up to ``limit`` topics mentioned in the same notes more often than chance
    (``notes.related_score``), counted over the ``sample`` notes ``user`` may see that
    mention this topic most, so a topic found in every note costs the same as one found
    in ten. Then, if the list is still short, the topic's siblings on the map.

    Each carries ``shared``: the notes of the sample that mention both (None for a named
    relation), and ``relation`` ("" when not named). The topic's parent and its own
    subtopics are on the map beside the list already, so they are never suggested, nor
    are the topics ``elsewhere`` on the page (what to learn before it and next).
    Three queries at most, two when ``tree`` holds ``autolink``.
    """
    shown = {topic.pk, *subtree, *elsewhere}
    if topic.parent_id is not None:
        shown.add(topic.parent_id)
    suggested: list[Topic] = []

    def suggest(other: Topic, relation: str, shared: int | None) -> None:
        # The ignores: set for the page on these objects only; Topic does not declare them.
        other.relation = relation  # type: ignore[attr-defined]
        other.shared = shared  # type: ignore[attr-defined]
        suggested.append(other)
        shown.add(other.pk)

    named = TopicRelation.objects.filter(Q(topic=topic) | Q(other=topic)).values_list(
        "topic_id", "kind", "other_id"
    )
    labelled: dict[int, str] = {}
    for source, kind, target in named:
        outgoing = source == topic.pk
        other_pk = target if outgoing else source
        if other_pk not in shown and other_pk in tree:
            labelled.setdefault(other_pk, relation_label(kind, outgoing))
    for pk in sorted(labelled, key=lambda pk: (KIND_ORDER[labelled[pk]], tree[pk].name)):
        suggest(tree[pk], str(LABELS[labelled[pk]]), None)

    notes_here = (
        Mention.objects.filter(visible_note_filter(user, "note__"), topic=topic)
        .order_by("-count", "-note_id")
        .values("note")[:sample]
    )
    mentions: defaultdict[int, set[int]] = defaultdict(set)
    for note_id, topic_id in Mention.objects.filter(note__in=notes_here).values_list(
        "note_id", "topic_id"
    ):
        mentions[note_id].add(topic_id)
    shared = Counter(pk for mentioned in mentions.values() for pk in mentioned)
    quiet = never_suggested(tree)
    field = count_field(user)
    facts = {
        pk: TopicFacts(notes=getattr(other, field), suggestible=pk not in quiet)
        for pk, other in tree.items()
    }
    ranked = co_mention_scores(topic.pk, mentions, facts, exclude=shown)
    for pk, _score in ranked[:limit]:
        if pk in tree:
            suggest(tree[pk], "", shared[pk])

    if topic.parent_id is not None:
        siblings = sorted(
            (other for other in tree.values() if other.parent_id == topic.parent_id),
            key=lambda other: (other.position, other.name),
        )
        for other in siblings:
            if len(suggested) >= min(limit, FILL_TO):
                break
            if other.pk not in shown:
                suggest(other, "", shared[other.pk])
    return suggested
