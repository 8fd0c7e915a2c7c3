"""The notes app's models, one module per concern, all importable from ``notes.models``."""

# isort: off
# In dependency order, which is also the order Django registers the models in.
from .trees import (
    CountedNotes,
    NamedTreeNode,
    ancestors_of,
    descendant_ids,
    parents_of,
    sits_below_itself,
    subtree_totals,
)
from .categories import Category
from .python_docs import PythonObject
from .tags import Tag, TaggedNote, attach_tags
from .notes import (
    HistoricalNote,
    Note,
    NoteHistoryExtras,
    NoteQuerySet,
    carries_one_of,
    visible_note_filter,
)
from .topics import (
    HistoricalTopic,
    HistoricalTopicRelation,
    Mention,
    Topic,
    TopicAlias,
    TopicQuerySet,
    TopicRelation,
    localised,
)
from .links import NoteLink
from .slug_aliases import NoteSlugAlias
from .content_version import ContentVersion
from .reviews import Card, CardProgress, ReviewLog

# isort: on

__all__ = [
    "Card",
    "CardProgress",
    "Category",
    "ContentVersion",
    "CountedNotes",
    "HistoricalNote",
    "HistoricalTopic",
    "HistoricalTopicRelation",
    "Mention",
    "NamedTreeNode",
    "Note",
    "NoteHistoryExtras",
    "NoteLink",
    "NoteQuerySet",
    "NoteSlugAlias",
    "PythonObject",
    "ReviewLog",
    "Tag",
    "TaggedNote",
    "Topic",
    "TopicAlias",
    "TopicQuerySet",
    "TopicRelation",
    "carries_one_of",
    "ancestors_of",
    "attach_tags",
    "descendant_ids",
    "localised",
    "parents_of",
    "sits_below_itself",
    "subtree_totals",
    "visible_note_filter",
]
