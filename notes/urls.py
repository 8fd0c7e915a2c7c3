from django.urls import path

from . import views
from .caching import cache_for_readers as cached

app_name = "notes"

# The query parameters each cached page reads; it sees no other (see cache_for_readers).
PAGED = ("page",)
DOWNLOAD = ("download",)

urlpatterns = [
    path("", cached(views.HomeView.as_view()), name="home"),
    path("notes/", cached(views.NoteListView.as_view(), params=PAGED), name="note-list"),
    path("notes/<str:slug>/", cached(views.NoteDetailView.as_view()), name="note-detail"),
    path(
        "notes/<str:slug>/map/",
        cached(views.NoteMapView.as_view(), params=("fold",)),
        name="note-map",
    ),
    path(
        "notes/<str:slug>/map.opml",
        cached(views.note_map_opml, params=DOWNLOAD),
        name="note-map-opml",
    ),
    path(
        "notes/<str:slug>/map.mm",
        cached(views.note_map_freemind, params=DOWNLOAD),
        name="note-map-freemind",
    ),
    path("categories/", cached(views.CategoryListView.as_view()), name="category-list"),
    path(
        "categories/<str:slug>/",
        cached(views.CategoryDetailView.as_view(), params=PAGED),
        name="category-detail",
    ),
    path("tags/", cached(views.TagListView.as_view()), name="tag-list"),
    path(
        "tags/<str:slug>/", cached(views.TagDetailView.as_view(), params=PAGED), name="tag-detail"
    ),
    path(
        "topics/<str:slug>/",
        cached(views.TopicDetailView.as_view(), params=PAGED),
        name="topic-detail",
    ),
    path("map/", cached(views.MapView.as_view(), params=("fold", "arrows")), name="map"),
    path("learn/", cached(views.LearnView.as_view()), name="learn"),
    path("learn/<str:slug>/", cached(views.LearnPathView.as_view()), name="learn-path"),
    # Never cached: each reader's own progress.
    path("review/", views.review, name="review"),
    path("review/anki.apkg", views.anki_deck, name="review-anki"),
    path("map/find/", views.find_topic, name="topic-find"),
    path("map.opml", cached(views.map_opml, params=DOWNLOAD), name="map-opml"),
    path("map.mm", cached(views.map_freemind, params=DOWNLOAD), name="map-freemind"),
    path("map.json", cached(views.map_json, params=DOWNLOAD), name="map-json"),
    # Cached like the other pages: a results page is the same for every reader until
    # anything changes, and paging back and forth or a popular query asks it again.
    path(
        "search/",
        cached(views.SearchView.as_view(), params=("q", "tag", "category", "page")),
        name="search",
    ),
    path("search/tags.json", views.tag_autocomplete, name="tag-autocomplete"),
    path("language/", views.switch_language, name="switch-language"),
]
