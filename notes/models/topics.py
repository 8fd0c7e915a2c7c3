"""Topics of the mind map, their aliases, and the notes' mentions of them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Max, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..control_characters import html_with_terminal_colours, validate_visible_name
from ..docs_references import docs_lines, reference_problem
from ..learning_order import prerequisite_loop
from ..linking import LinkTarget, TopicMatcher, link_html
from ..markdown import render_markdown
from .trees import NamedTreeNode, descendant_ids, sits_below_itself

_MATCHER_CACHE: dict[str, tuple[tuple, TopicMatcher]] = {}
# Set while an import runs, so ten thousand saves do not each ask whether topics changed.
_FROZEN_MATCHER: ContextVar[TopicMatcher | None] = ContextVar("frozen_matcher", default=None)


class TopicQuerySet(models.QuerySet):
    def version(self) -> tuple:
        """Changes whenever a topic or alias is added, edited or removed."""
        topics = Topic.objects.aggregate(count=Count("pk"), latest=Max("updated"))
        aliases = TopicAlias.objects.aggregate(count=Count("pk"), latest=Max("updated"))
        return (topics["count"], topics["latest"], aliases["count"], aliases["latest"])

    def matcher(self) -> TopicMatcher:
        """One matcher for every name and alias, rebuilt only when topics change."""
        frozen = _FROZEN_MATCHER.get()
        if frozen is not None:
            return frozen
        version = self.version()
        cached = _MATCHER_CACHE.get(self.db)
        if cached is not None and cached[0] == version:
            return cached[1]
        targets, autolinked = {}, set()
        chinese_names = []
        for topic in Topic.objects.only("pk", "name", "name_zh", "slug", "autolink"):
            targets[topic.pk] = LinkTarget("topic", topic.pk, topic.name, topic.get_absolute_url())
            if topic.autolink:
                autolinked.add(topic.pk)
            if topic.name_zh:
                chinese_names.append((topic.name_zh, targets[topic.pk]))
        # A topic's Chinese name is one of the names notes use for it, as an alias is.
        terms = [(target.title, target) for target in targets.values()] + chinese_names
        whole_word = []
        for name, topic_id, alone in TopicAlias.objects.values_list(
            "name", "topic_id", "whole_word"
        ):
            terms.append((name, targets[topic_id]))
            if alone:
                whole_word.append(name)
        matcher = TopicMatcher(
            [term for term in terms if term[1].key in autolinked],
            count_only=[term for term in terms if term[1].key not in autolinked],
            whole_word=whole_word,
        )
        _MATCHER_CACHE[self.db] = (version, matcher)
        return matcher

    def frozen_matcher(self) -> AbstractContextManager[TopicMatcher]:
        """Use one matcher for every save inside the block (bulk imports)."""
        return _frozen(self.matcher())


class Topic(NamedTreeNode):
    """A node of the mind map: GIL, closures, garbage collection..."""

    name_zh = models.CharField(
        _("Chinese name"), max_length=100, blank=True,
        help_text=_(
            "Shown instead of the name when the interface is in Chinese: 垃圾回收 for "
            "Garbage collection. Left blank, the name is shown."
        ),
    )  # fmt: skip
    summary = models.TextField(_("summary"), blank=True, help_text=_("Markdown."))
    summary_html = models.TextField(editable=False, blank=True)
    summary_zh = models.TextField(
        _("Chinese summary"), blank=True,
        help_text=_("Markdown, shown in a Chinese interface; left blank, the summary is."),
    )  # fmt: skip
    summary_zh_html = models.TextField(editable=False, blank=True)
    docs = models.TextField(
        _("Python documentation"), blank=True,
        help_text=_(
            "Pages of the Python documentation to link from the topic's page, one per "
            "line: a name the documentation indexes (gc, object.__hash__, "
            "threading.Lock, or a glossary term such as “term: global interpreter "
            "lock”), or a page's address."
        ),
    )  # fmt: skip
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Order among its siblings on the map.")
    )
    autolink = models.BooleanField(
        _("link mentions automatically"),
        default=True,
        help_text=_(
            "Off for broad topics such as “Python” that almost every note mentions: their "
            "mentions are still counted, and [[explicit links]] still reach them."
        ),
    )
    # Notes that mention this topic or any topic below it, each counted once (notes.counts).
    subtree_count = models.PositiveIntegerField(default=0, editable=False)
    subtree_published_count = models.PositiveIntegerField(default=0, editable=False)
    updated = models.DateTimeField(auto_now=True)

    objects = TopicQuerySet.as_manager()
    # Every change is kept, as for notes; the rendered summaries and counts are derived.
    history = HistoricalRecords(
        excluded_fields=[
            "summary_html", "summary_zh_html", "note_count", "published_count",
            "subtree_count", "subtree_published_count", "updated",
        ],
        cascade_delete_history=False,
    )  # fmt: skip

    slug_fallback = "topic"

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def save(self, *args, **kwargs) -> None:
        self.summary_html = self._summary_as_html(self.summary)
        self.summary_zh_html = self._summary_as_html(self.summary_zh)
        super().save(*args, **kwargs)

    def _summary_as_html(self, summary: str) -> str:
        if not summary:
            return ""
        html = html_with_terminal_colours(render_markdown(summary).html)
        return link_html(html, Topic.objects.matcher(), exclude_topic=self.pk).html

    @property
    def display_name(self) -> str:
        """The name in the interface's language: the Chinese name, if any, in Chinese."""
        return localised(self.name, self.name_zh)

    @property
    def display_summary_html(self) -> str:
        """The summary in the interface's language, or the other one if it has none."""
        return localised(self.summary_html, self.summary_zh_html)

    def get_absolute_url(self) -> str:
        return reverse("notes:topic-detail", kwargs={"slug": self.slug})

    def descendant_ids(self) -> set[int]:
        """This topic and every topic below it (topics are few: one query)."""
        return descendant_ids(self.pk, Topic.objects.values_list("pk", "parent_id"))

    def clean(self) -> None:
        if sits_below_itself(self):
            raise ValidationError({"parent": _("A topic cannot sit below itself.")})
        validate_visible_name(self.name, field="name")
        self.docs = "\n".join(docs_lines(self.docs or ""))
        for reference in docs_lines(self.docs):
            if reference_problem(reference):
                refusal = gettext(
                    "“%(line)s” is not a name the Python documentation indexes (gc, "
                    "object.__hash__), a glossary term (term: hashable), a page of the "
                    "documentation (library/gc.html) or an https:// address."
                )
                raise ValidationError({"docs": refusal % {"line": reference}})
        clash = TopicAlias.objects.filter(name__iexact=self.name.strip())
        if self.pk is not None:
            clash = clash.exclude(topic=self)
        if clash.exists():
            message = _("“%(name)s” is already an alias of another topic.")
            raise ValidationError({"name": message % {"name": self.name}})


def interface_in_chinese() -> bool:
    return (get_language() or "").lower().startswith("zh")


def localised(english: str, chinese: str) -> str:
    """``chinese`` for a Chinese interface, ``english`` otherwise; each falls back to
    the other when blank."""
    if interface_in_chinese():
        return chinese or english
    return english or chinese


class TopicRelation(models.Model):
    """How one topic bears on another: learn it first, read it too, or set it beside."""

    class Kind(models.TextChoices):
        # ``topic`` needs ``other`` first: closures before decorators.
        PREREQUISITE = "prerequisite", _("needs first")
        SEE_ALSO = "see_also", _("see also")
        CONTRASTS = "contrasts", _("contrasts with")

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="relations"
    )
    kind = models.CharField(_("relation"), max_length=20, choices=Kind.choices)
    other = models.ForeignKey(
        Topic, verbose_name=_("other topic"), on_delete=models.CASCADE,
        related_name="inbound_relations",
    )  # fmt: skip
    history = HistoricalRecords(cascade_delete_history=False)

    # Read the same from either end: "thread contrasts with process" is
    # "process contrasts with thread".
    SYMMETRIC = frozenset({Kind.SEE_ALSO, Kind.CONTRASTS})

    class Meta:
        ordering = ["kind", "other__name"]
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "other"],
                name="unique_topic_relation",
                violation_error_message=_("These two topics are related already."),
            ),
            models.CheckConstraint(
                condition=~Q(topic=F("other")),
                name="topic_relation_not_to_itself",
                violation_error_message=_("A topic cannot be related to itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.get_kind_display()} {self.other}"

    def clean(self) -> None:
        if not (self.topic_id and self.other_id):
            return
        if self.topic_id == self.other_id:
            raise ValidationError({"other": _("A topic cannot be related to itself.")})
        reverse_row = TopicRelation.objects.filter(topic_id=self.other_id, other_id=self.topic_id)
        existing = reverse_row.values_list("kind", flat=True).first()
        if existing is not None and (self.kind in self.SYMMETRIC or existing in self.SYMMETRIC):
            message = gettext(
                "%(other)s already names this topic (%(kind)s): one relation says it both ways."
            )
            kind = TopicRelation.Kind(existing).label
            raise ValidationError({"other": message % {"other": self.other.name, "kind": kind}})
        if self.kind == self.Kind.PREREQUISITE:
            loop = prerequisite_loop(
                TopicRelation.objects.filter(kind=self.Kind.PREREQUISITE)
                .exclude(pk=self.pk)
                .values_list("topic_id", "other_id"),
                self.topic_id,
                self.other_id,
            )
            if loop is not None:
                raise ValidationError({"other": loop_sentence(loop)})


def loop_sentence(loop: list[int]) -> str:
    """“Prerequisites cannot go round in a loop: Decorator needs Closure first, which
    needs Decorator first.”"""
    names = dict(Topic.objects.filter(pk__in=loop).values_list("pk", "name"))
    steps = [names.get(pk, str(pk)) for pk in loop]
    chain = gettext("%(topic)s needs %(other)s first") % {"topic": steps[0], "other": steps[1]}
    for step in steps[2:]:
        chain += gettext(", which needs %(other)s first") % {"other": step}
    return gettext("Prerequisites cannot go round in a loop: %(chain)s.") % {"chain": chain}


class TopicAlias(models.Model):
    """Another name a topic goes by in notes: “全局解释器锁” for the GIL."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField(_("alias"), max_length=100)
    whole_word = models.BooleanField(
        _("whole word only"), default=False,
        help_text=_(
            "For short Chinese aliases such as 锁 that also sit inside other words "
            "(抢锁, 加锁): found only where no other Chinese character touches it."
        ),
    )  # fmt: skip
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="unique_alias_name_ci",
                violation_error_message=_("This alias already belongs to a topic."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = " ".join((self.name or "").split())
        if not self.name:
            raise ValidationError({"name": _("An alias cannot be blank.")})
        validate_visible_name(self.name, field="name")
        clash = Topic.objects.filter(name__iexact=self.name)
        if self.topic_id:
            clash = clash.exclude(pk=self.topic_id)
        if clash.exists():
            raise ValidationError({"name": _("This is the name of another topic.")})


class Mention(models.Model):
    """How often a note mentions a topic, and the sentence of its first mention."""

    note = models.ForeignKey("notes.Note", on_delete=models.CASCADE, related_name="mentions")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="mentions")
    count = models.PositiveIntegerField(default=1)
    snippet = models.TextField(blank=True)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [models.UniqueConstraint(fields=["note", "topic"], name="unique_mention")]
        # The topic page's order: most mentions first, then the newest note.
        indexes = [
            models.Index(fields=["topic", "-count", "-note"], name="mention_topic_count_note")
        ]

    def __str__(self) -> str:
        return f"{self.note} → {self.topic} ×{self.count}"


@contextmanager
def _frozen(matcher: TopicMatcher) -> Iterator[TopicMatcher]:
    # A function of the module, not a decorated method: the manager made from the
    # queryset (as_manager) keeps the method's declared type for mypy.
    token = _FROZEN_MATCHER.set(matcher)
    try:
        yield matcher
    finally:
        _FROZEN_MATCHER.reset(token)


# Where Django's shell and the admin look for them, as for HistoricalNote.
HistoricalTopic = Topic.history.model
HistoricalTopic.__module__ = "notes.models"
HistoricalTopicRelation = TopicRelation.history.model
HistoricalTopicRelation.__module__ = "notes.models"
