from django.urls import path

from . import views

app_name = "notes"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("notes/", views.NoteListView.as_view(), name="note-list"),
    path("notes/<str:slug>/", views.NoteDetailView.as_view(), name="note-detail"),
    path("categories/", views.CategoryListView.as_view(), name="category-list"),
    path("categories/<str:slug>/", views.CategoryDetailView.as_view(), name="category-detail"),
    path("tags/", views.TagListView.as_view(), name="tag-list"),
    path("tags/<str:slug>/", views.TagDetailView.as_view(), name="tag-detail"),
    path("topics/<str:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("map/", views.MapView.as_view(), name="map"),
    path("map.opml", views.map_opml, name="map-opml"),
    path("map.mm", views.map_freemind, name="map-freemind"),
    path("map.json", views.map_json, name="map-json"),
]
