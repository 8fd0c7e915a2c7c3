from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from notes import feeds
from notes.caching import cache_for_readers as cached
from notes.sitemaps import SITEMAPS


def healthz(request):
    """For load balancers and uptime checks; also the benchmarks' trivial-view ceiling."""
    return HttpResponse("ok", content_type="text/plain")


def favicon(request):
    """Browsers ask for /favicon.ico wherever a page names no icon (the admin's pages)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("feeds/rss/", cached(feeds.LatestNotesFeed()), name="feed-rss"),
    path("feeds/atom/", cached(feeds.LatestNotesAtomFeed()), name="feed-atom"),
    path("feeds/tags/<str:slug>/rss/", cached(feeds.TagFeed()), name="feed-tag-rss"),
    path("feeds/tags/<str:slug>/atom/", cached(feeds.TagAtomFeed()), name="feed-tag-atom"),
    path(
        "feeds/categories/<str:slug>/rss/", cached(feeds.CategoryFeed()), name="feed-category-rss"
    ),
    path(
        "feeds/categories/<str:slug>/atom/",
        cached(feeds.CategoryAtomFeed()),
        name="feed-category-atom",
    ),
    path("sitemap.xml", cached(sitemap, params=("p",)), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("accounts/", include("config.accounts_urls")),
    path("", include("notes.urls")),
]
