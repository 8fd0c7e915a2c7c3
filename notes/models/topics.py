"""Topics of the mind map, their aliases, and the notes' mentions of them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..control_characters import html_with_terminal_colours, validate_visible_name
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
        for topic in Topic.objects.only("pk", "name", "slug", "autolink"):
            targets[topic.pk] = LinkTarget("topic", topic.pk, topic.name, topic.get_absolute_url())
            if topic.autolink:
                autolinked.add(topic.pk)
        terms = [(target.title, target) for target in targets.values()]
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

    summary = models.TextField(_("summary"), blank=True, help_text=_("Markdown."))
    summary_html = models.TextField(editable=False, blank=True)
    related = models.ManyToManyField("self", verbose_name=_("related topics"), blank=True)
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

    slug_fallback = "topic"

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def save(self, *args, **kwargs) -> None:
        summary = html_with_terminal_colours(render_markdown(self.summary).html)
        self.summary_html = link_html(summary, Topic.objects.matcher(), exclude_topic=self.pk).html
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("notes:topic-detail", kwargs={"slug": self.slug})

    def descendant_ids(self) -> set[int]:
        """This topic and every topic below it (topics are few: one query)."""
        return descendant_ids(self.pk, Topic.objects.values_list("pk", "parent_id"))

    def clean(self) -> None:
        if sits_below_itself(self):
            raise ValidationError({"parent": _("A topic cannot sit below itself.")})
        validate_visible_name(self.name, field="name")
        clash = TopicAlias.objects.filter(name__iexact=self.name.strip())
        if self.pk is not None:
            clash = clash.exclude(topic=self)
        if clash.exists():
            message = _("“%(name)s” is already an alias of another topic.")
            raise ValidationError({"name": message % {"name": self.name}})


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
