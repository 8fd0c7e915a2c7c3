from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from notes import feeds
from notes.sitemaps import SITEMAPS

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("feeds/rss/", feeds.LatestNotesFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.LatestNotesAtomFeed(), name="feed-atom"),
    path("feeds/tags/<str:slug>/rss/", feeds.TagFeed(), name="feed-tag-rss"),
    path("feeds/tags/<str:slug>/atom/", feeds.TagAtomFeed(), name="feed-tag-atom"),
    path("feeds/categories/<str:slug>/rss/", feeds.CategoryFeed(), name="feed-category-rss"),
    path("feeds/categories/<str:slug>/atom/", feeds.CategoryAtomFeed(), name="feed-category-atom"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("notes.urls")),
]
