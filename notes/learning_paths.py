"""Learning paths: every topic in an order to learn it, and each step's best note.

A handful of queries whatever the number of topics and notes: the topics with their
counts, the prerequisite pairs, and, for the steps shown, the notes to start from.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Lower
from django.urls import reverse

from .counts import count_field
from .learning_order import LearningPaths, TopicPlace
from .models import Mention, Note, Topic, TopicAlias, TopicRelation, visible_note_filter


@dataclass(frozen=True)
class BestNote:
    """The note to read first about a topic."""

    title: str
    slug: str
    # Its title is the topic's name or an alias: the topic's own note.
    own: bool = False

    def get_absolute_url(self) -> str:
        return reverse("notes:note-detail", kwargs={"slug": self.slug})


@dataclass
class Step:
    """One topic of an order of study, numbered, with its notes for the reader."""

    number: int
    topic: Topic
    notes: int
    best_note: BestNote | None = None
    # The topic has prerequisites, so it has a path of its own worth showing.
    has_path: bool = False


@dataclass
class BranchRun:
    """Consecutive steps of one top-level branch of the map: the whole order of study
    is these runs, one after another; a branch whose topics need another branch's
    first comes back in a later run (``continued``)."""

    branch: Topic
    steps: list[Step]
    continued: bool = False

    @property
    def start(self) -> int:
        return self.steps[0].number


@dataclass
class StudyMap:
    """Every topic (with its count of notes for the reader) and their study order."""

    topics: dict[int, Topic]
    paths: LearningPaths
    count_field: str

    def notes(self, topic: Topic) -> int:
        return int(getattr(topic, self.count_field))

    def steps(self, keys: Iterable[int], best: dict[int, BestNote]) -> list[Step]:
        return [
            Step(
                number=self.paths.number[key],
                topic=self.topics[key],
                notes=self.notes(self.topics[key]),
                best_note=best.get(key),
                has_path=bool(self.paths.first(key)),
            )
            for key in keys
        ]


def prerequisite_pairs() -> list[tuple[int, int]]:
    """Every (topic, prerequisite) pair, in one query."""
    # Unordered: the relations' default order joins the topics to sort by name.
    pairs = TopicRelation.objects.filter(kind=TopicRelation.Kind.PREREQUISITE).order_by()
    return list(pairs.values_list("topic_id", "other_id"))


def learning_paths(topics: Iterable[Topic], needs: Iterable[tuple[int, int]]) -> LearningPaths:
    """The study order of ``topics`` (Topic objects) by the prerequisites ``needs``."""
    places = [TopicPlace(t.pk, t.parent_id, t.position, t.name) for t in topics]
    return LearningPaths(places, needs)


def study_map(user) -> StudyMap:
    """Every topic with the count of notes ``user`` may see, and the study order."""
    field = count_field(user)
    topics = {
        topic.pk: topic
        for topic in Topic.objects.only("name", "name_zh", "slug", "parent", "position", field)
    }
    return StudyMap(topics, learning_paths(topics.values(), prerequisite_pairs()), field)


def top_level(topic: Topic, topics: dict[int, Topic], *, below: int | None = None) -> Topic:
    """The topic that heads the branch ``topic`` sits in: its root, or the topic just
    under ``below`` (the map's one root, whose children are its real branches). A
    parent loop stops the climb."""
    seen = {topic.pk}
    while topic.parent_id is not None and topic.parent_id in topics:
        if topic.parent_id in seen or topic.parent_id == below:
            break
        seen.add(topic.parent_id)
        topic = topics[topic.parent_id]
    return topic


def study_plan(user) -> list[BranchRun]:
    """Every topic in the order to learn it, in runs of one top-level branch each."""
    plan = study_map(user)
    best = best_notes(plan.topics, user)
    roots = [topic.pk for topic in plan.topics.values() if topic.parent_id not in plan.topics]
    # A map under one root ("Python") is grouped by the branches below it.
    below = roots[0] if len(roots) == 1 else None
    runs: list[BranchRun] = []
    shown: set[int] = set()
    for step in plan.steps(plan.paths.order, best):
        branch = top_level(step.topic, plan.topics, below=below)
        if runs and runs[-1].branch.pk == branch.pk:
            runs[-1].steps.append(step)
            continue
        runs.append(BranchRun(branch, [step], continued=branch.pk in shown))
        shown.add(branch.pk)
    return runs


def path_to_topic(topic: Topic, user) -> list[Step]:
    """The numbered steps that lead to ``topic``, ending at it."""
    plan = study_map(user)
    keys = plan.paths.path_to(topic.pk)
    best = best_notes({key: plan.topics[key] for key in keys}, user)
    steps = plan.steps(keys, best)
    # Numbered along the path itself: "1. functions 2. closures 3. decorators".
    for number, step in enumerate(steps, start=1):
        step.number = number
    return steps


def best_notes(topics: dict[int, Topic], user) -> dict[int, BestNote]:
    """For each of ``topics`` (by pk), the visible note to read first: its own note (a
    title that is its name, Chinese name or an alias) if any mentions it, else the note
    that mentions it most (the newest of those tied). Four queries, whatever the
    number of topics and notes."""
    if not topics:
        return {}
    visible = visible_note_filter(user, "note__")
    own = own_notes(topics, user)
    most = Mention.objects.filter(visible, topic=OuterRef("pk")).order_by("-count", "-note_id")
    most_mentions = {
        pk: note_id
        for pk, note_id in Topic.objects.filter(pk__in=list(topics))
        .annotate(note_id=Subquery(most.values("note_id")[:1]))
        .values_list("pk", "note_id")
        if note_id is not None and pk not in own
    }
    best = dict(own)
    rows = Note.objects.filter(pk__in=set(most_mentions.values())).values_list(
        "pk", "title", "slug"
    )
    by_pk = {pk: BestNote(title, slug) for pk, title, slug in rows}
    for pk, note_id in most_mentions.items():
        if note_id in by_pk:  # unless deleted in between
            best[pk] = by_pk[note_id]
    return best


def own_notes(topics: dict[int, Topic], user) -> dict[int, BestNote]:
    """Each topic's own note: a visible note titled with its name, Chinese name or an
    alias (case aside) that mentions it; of several, the one mentioning it most."""
    names: dict[str, set[int]] = {}
    for topic in topics.values():
        for name in (topic.name, topic.name_zh):
            if name:
                names.setdefault(name.strip().lower(), set()).add(topic.pk)
    for topic_id, alias in TopicAlias.objects.filter(topic_id__in=list(topics)).values_list(
        "topic_id", "name"
    ):
        names.setdefault(alias.strip().lower(), set()).add(topic_id)
    # The notes so titled come from the index on their lower-cased titles, inside the
    # one query: reading every mention's title took 20 ms at 10,000 notes.
    titled = Note.objects.annotate(title_key=Lower("title")).filter(title_key__in=list(names))
    rows = Mention.objects.filter(
        visible_note_filter(user, "note__"),
        topic_id__in=list(topics),
        note__in=titled.values("pk"),
    ).values_list("topic_id", "count", "note_id", "note__title", "note__slug")
    chosen: dict[int, tuple[int, int, BestNote]] = {}
    for topic_id, count, note_id, title, slug in rows:
        if topic_id not in names.get(title.strip().lower(), _NONE):
            continue
        rank = (count, note_id, BestNote(title, slug, own=True))
        if topic_id not in chosen or rank[:2] > chosen[topic_id][:2]:
            chosen[topic_id] = rank
    return {topic_id: rank[2] for topic_id, rank in chosen.items()}


_NONE: Collection[int] = frozenset()
