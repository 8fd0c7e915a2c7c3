"""A topic's page."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import ListView

from ..caching import content_key
from ..counts import count_field, subtree_field
from ..mindmap_svg import render_svg
from ..models import Topic, ancestors_of, descendant_ids
from ..related_topics import related_topics
from ..reviewing import topic_has_cards
from ..tag_topics import tags_for_topic
from ..topic_page import (
    children_of,
    learning_around,
    local_map,
    mention_cards,
    notes_through_subtopics,
    topic_docs_links,
    topic_tree,
)
from .common import StoredCountMixin, VisibleNotesMixin


class TopicDetailView(StoredCountMixin, VisibleNotesMixin, ListView):
    """A topic: where it sits on the map, the notes that mention it, most first, and
    then the notes that reach it only through its subtopics."""

    paginate_by = settings.NOTES_PER_PAGE
    template_name = "notes/topic_detail.html"
    related_limit = 12
    co_mention_sample = 300
    # Of the topics it needs first and those that need it, how many its small map draws.
    local_map_linked = 5
    through_limit = 20

    def get_queryset(self):
        self.topic = get_object_or_404(
            Topic.objects.prefetch_related("aliases"), slug=self.kwargs["slug"]
        )
        self.tree = topic_tree()
        return mention_cards(self.topic, self.request.user)

    def stored_count(self) -> int:
        return int(getattr(self.topic, count_field(self.request.user)))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        topic, tree, user = self.topic, self.tree, self.request.user
        subtree = descendant_ids(topic.pk, [(t.pk, t.parent_id) for t in tree.values()])
        own = self.stored_count()
        in_subtree = getattr(topic, subtree_field(user))
        children = children_of(topic, tree, user)
        first_page = context["page_obj"].number == 1
        # "Also called": its name in the interface's other language, then its aliases,
        # leaving out the name the page is titled with.
        shown = topic.display_name.casefold()
        other_name = topic.name if topic.display_name != topic.name else topic.name_zh
        aliases = [alias for alias in topic.aliases.all() if alias.name.casefold() != shown]
        if other_name.casefold() in {alias.name.casefold() for alias in aliases}:
            other_name = ""
        learning = learning_around(topic, tree, user)
        # What to learn before it and next is listed on the page already.
        related = related_topics(
            topic, tree, subtree, user, limit=self.related_limit, sample=self.co_mention_sample,
            elsewhere={other.pk for other in learning.before + learning.next},
        )  # fmt: skip
        map_layout = local_map(
            topic, tree, children, user,
            before=learning.first[: self.local_map_linked],
            after=learning.next[: self.local_map_linked],
        )  # fmt: skip
        context.update(
            topic=topic,
            aliases=aliases,
            other_name=other_name,
            path=ancestors_of(topic, tree),
            children=children,
            related=related,
            tags=tags_for_topic(topic, user),
            docs_links=topic_docs_links(topic),
            before=learning.before,
            next_topics=learning.next,
            local_map=map_layout,
            local_map_svg=render_svg(
                map_layout,
                svg_id="local-map",
                title=_("Map around %(name)s") % {"name": topic.display_name},
            ),
            own_count=own,
            through_count=max(in_subtree - own, 0),
            through=(
                notes_through_subtopics(
                    topic, tree, subtree, self.visible_notes(), limit=self.through_limit
                )
                if first_page and in_subtree > own
                else []
            ),
            write_url=self.write_url(),
        )
        context["mentions"] = list(context["page_obj"].object_list)
        context["has_cards"] = topic_has_cards(subtree | {topic.pk}, user)
        context["content_key"] = self.content_key(context)
        context["cache_seconds"] = settings.PAGE_CACHE_SECONDS
        return context

    def content_key(self, context) -> str:
        """Everything the page's content shows (see NoteDetailView.content_key)."""
        topic, page = self.topic, context["page_obj"]

        def named(objects, *extra):
            return [(item.display_name, item.slug, *(getattr(item, name) for name in extra))
                    for item in objects]  # fmt: skip

        return content_key("topic-page", [
            get_language(), context["write_url"], sorted(self.request.GET.lists()),
            topic.pk, topic.name, topic.display_name, topic.slug, topic.display_summary_html,
            context["local_map_svg"], named(context["before"], "notes"),
            named(context["next_topics"], "notes"),
            context["other_name"], [alias.name for alias in context["aliases"]],
            named(context["path"]),
            named(context["children"], "in_subtree"),
            named(context["related"], "shared", "relation"),
            [(tag.name, tag.slug) for tag in context["tags"]],
            [(link.label, link.url, link.card) for link in context["docs_links"]],
            context["own_count"], context["through_count"], page.number, context["has_cards"],
            page.paginator.num_pages,
            [(m.count, m.snippet, m.note.title, m.note.slug, m.note.status, m.note.lang)
             for m in context["mentions"]],
            [(note.title, note.slug, note.status,
              note.via and (note.via.display_name, note.via.slug))
             for note in context["through"]],
        ])  # fmt: skip

    def write_url(self) -> str:
        """For staff: the admin's add form with this topic's name as the title."""
        user = self.request.user
        if not (user.is_active and user.is_staff and user.has_perm("notes.add_note")):
            return ""
        return f"{reverse('admin:notes_note_add')}?{urlencode({'title': self.topic.name})}"
