"""Finding notes by words, tags and category, on SQLite and on PostgreSQL.

Each note has one ``SearchEntry`` row: its title, its tag names and the plain text
of its rendered body, all case-folded. On SQLite that table is an FTS5 virtual table
with the trigram tokenizer, which finds any run of three or more characters, so
Chinese needs no word segmentation, and ranks by bm25. On PostgreSQL it is an
ordinary table whose pg_trgm GIN indexes answer the same substring matches
(``LIKE '%垃圾回收%'``), ranked by where the words were found.

A word of one or two characters (协程, GC) holds no trigram. SQLite looks it up as
the indexed trigrams that start with it; PostgreSQL scans for it, among the notes
that any longer word of the query found.

A query word or phrase that is a topic's name or alias (``parse_query``, with the
topic linking's matcher) matches any of the topic's names, and the notes whose entry
carries the topic's marker: the index records, after the tag names, which topics a
note mentions and which are its main subject (``topic_markers``).

The package holds one module per concern (query, indexed_text, index, highlighting,
ranking, fts5, trigram, paging, tags, cards, results); what the rest of the project
uses is importable from ``notes.search``. The limits stay in their modules: a test
that changes one sets it there, where it is read.
"""

from .cards import topic_cards
from .highlighting import Segments, Span, add_highlights, highlight, snippet
from .index import (
    Rendered,
    SearchEntry,
    index_notes,
    rebuild_index,
    schedule_index,
    update_index,
)
from .indexed_text import document_text, index_fields, topic_marker, topic_markers
from .paging import RankedNotes, SearchPaginator
from .query import (
    QueryTerm,
    clean_input,
    clean_name,
    fts_expression,
    make_fts_query,
    parse_query,
    searchable_alias,
    split_terms,
    title_holds,
    title_test,
)
from .results import MAX_QUERY_LENGTH, SearchResults, search_notes
from .tags import suggest_tags

__all__ = [
    "MAX_QUERY_LENGTH",
    "QueryTerm",
    "RankedNotes",
    "Rendered",
    "SearchEntry",
    "SearchPaginator",
    "SearchResults",
    "Segments",
    "Span",
    "add_highlights",
    "clean_input",
    "clean_name",
    "document_text",
    "fts_expression",
    "highlight",
    "index_fields",
    "index_notes",
    "make_fts_query",
    "parse_query",
    "rebuild_index",
    "schedule_index",
    "search_notes",
    "searchable_alias",
    "snippet",
    "split_terms",
    "suggest_tags",
    "title_holds",
    "title_test",
    "topic_cards",
    "topic_marker",
    "topic_markers",
    "update_index",
]
