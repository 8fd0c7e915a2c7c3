"""RSS and Atom feeds of recently published notes: all, per tag and per category.

Feeds are read by programs that never log in, so they list published notes only,
whoever asks.
"""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from .control_characters import xml_safe
from .models import Category, Note, Tag

FEED_LENGTH = 20


class _EntryLanguage(SyndicationFeed):
    """Each entry says its note's language (``xml:lang``), which may differ from the
    feed's: a Chinese note in an English feed, or the other way round."""

    def item_attributes(self, item):
        attributes = super().item_attributes(item)
        if item.get("language"):
            attributes["xml:lang"] = item["language"]
        return attributes


class _XMLSafe(SyndicationFeed):
    """The feed and its entries write only what XML 1.0 can hold: a title or excerpt
    holding a form feed or terminal colours would otherwise fail the whole feed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(_xml_safe, args), **_xml_safe(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*map(_xml_safe, args), **_xml_safe(kwargs))


def _xml_safe(value):
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, list | tuple):
        return [_xml_safe(item) for item in value]
    if isinstance(value, dict):
        return {key: _xml_safe(item) for key, item in value.items()}
    return value


class RssFeed(_XMLSafe, _EntryLanguage, Rss201rev2Feed):
    pass


class AtomFeed(_XMLSafe, _EntryLanguage, Atom1Feed):
    pass


class _NotesFeed(Feed):
    """What every feed of notes shares; each says its title and link, and which
    published notes it lists (``notes``)."""

    feed_type: type[SyndicationFeed] = RssFeed
    description = _("The latest published notes of the knowledge base.")

    def notes(self, obj):
        raise NotImplementedError

    def items(self, obj=None):
        return (
            self.notes(obj)
            .select_related("category")
            .only(
                "title",
                "slug",
                "excerpt",
                "auto_excerpt",
                "created",
                "updated",
                "category",
                "language",
                "text_language",
            )
            .order_by("-created", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item: Note) -> str:
        return item.title

    def item_description(self, item: Note) -> str:
        # RSS descriptions and Atom summaries are HTML once a reader has undone the XML
        # escaping, so the plain-text teaser is escaped as HTML first: `<script>` written
        # in a note reaches the reader as the text "<script>", never as markup.
        return escape(item.teaser)

    def item_pubdate(self, item: Note):
        return item.created

    def item_updateddate(self, item: Note):
        return item.updated

    def item_extra_kwargs(self, item: Note) -> dict:
        return {"language": item.lang}

    def item_categories(self, item: Note):
        return [item.category.name] if item.category else []


class LatestNotesFeed(_NotesFeed):
    title = _("Python Notes: latest notes")

    def link(self, obj=None):
        return reverse("notes:note-list")

    def notes(self, obj):
        return Note.objects.published()


class LatestNotesAtomFeed(LatestNotesFeed):
    feed_type = AtomFeed
    subtitle = LatestNotesFeed.description


class TagFeed(_NotesFeed):
    def get_object(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        # Like the tag page: a tag worn only by drafts does not exist for the public.
        if not tag.published_count:
            raise Http404
        return tag

    def title(self, obj):
        return _("Python Notes: notes tagged %(tag)s") % {"tag": obj.name}

    def link(self, obj):
        return obj.get_absolute_url()

    def notes(self, obj):
        return Note.objects.published().tagged([obj], reading=FEED_LENGTH)


class TagAtomFeed(TagFeed):
    feed_type = AtomFeed


class CategoryFeed(_NotesFeed):
    def get_object(self, request, slug):
        category = get_object_or_404(Category, slug=slug)
        # Like the category page: one holding only drafts does not exist for the public.
        if not self.notes(category).exists():
            raise Http404
        return category

    def title(self, obj):
        return _("Python Notes: notes in %(category)s") % {"category": obj.name}

    def link(self, obj):
        return obj.get_absolute_url()

    def notes(self, obj):
        return Note.objects.published().filter(category_id__in=obj.descendant_ids())


class CategoryAtomFeed(CategoryFeed):
    feed_type = AtomFeed
