"""The sitemap lists what anyone may read: published notes and the pages built from them."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.urls import reverse

from .models import Category, Note, Tag, TaggedNote, Topic, subtree_totals


class NoteSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Note.objects.published().only("slug", "updated").order_by("pk")

    def lastmod(self, note: Note):
        return note.updated


class CategorySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        categories = list(Category.objects.order_by("pk"))
        totals = subtree_totals((c.pk, c.parent_id, c.published_count) for c in categories)
        return [category for category in categories if totals[category.pk]]


class TagSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        published = TaggedNote.objects.filter(
            tag=OuterRef("pk"), content_object__status=Note.Status.PUBLISHED
        )
        return Tag.objects.filter(Exists(published)).order_by("pk")


class TopicSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Topic.objects.order_by("pk").only("slug")


class PageSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["notes:home", "notes:note-list", "notes:category-list", "notes:tag-list",
                "notes:map"]  # fmt: skip

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "notes": NoteSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "topics": TopicSitemap,
}
