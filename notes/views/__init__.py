"""The notes app's pages, one module per part of the site, all importable from ``notes.views``."""

from .language import switch_language
from .learn import LearnPathView, LearnView
from .lists import CategoryDetailView, CategoryListView, HomeView, TagDetailView, TagListView
from .maps import (
    MapView,
    NoteMapView,
    find_topic,
    map_freemind,
    map_json,
    map_opml,
    note_map_freemind,
    note_map_opml,
)
from .notes import NoteDetailView, NoteListView
from .review import anki_deck, review
from .search import SearchView, tag_autocomplete
from .topics import TopicDetailView

__all__ = [
    "CategoryDetailView",
    "CategoryListView",
    "HomeView",
    "LearnPathView",
    "LearnView",
    "MapView",
    "NoteDetailView",
    "NoteListView",
    "NoteMapView",
    "SearchView",
    "TagDetailView",
    "TagListView",
    "TopicDetailView",
    "anki_deck",
    "find_topic",
    "map_freemind",
    "map_json",
    "map_opml",
    "note_map_freemind",
    "note_map_opml",
    "review",
    "switch_language",
    "tag_autocomplete",
]
