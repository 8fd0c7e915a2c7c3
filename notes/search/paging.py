"""Pages of results: the ranked ids of text results, and counting up to a limit."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import overload

from django.core.paginator import Paginator
from django.db.models import QuerySet

from ..models import Note, NoteQuerySet

COUNT_LIMIT = 1000


class RankedNotes:
    """Text search results for the paginator: the ids of every match, best first, from
    one query, then the notes of the page asked for by id.

    Counting and then fetching a page would match the words twice. On SQLite the
    ranking query reads the FTS5 table alone, besides: joined to the notes table, the
    planner (with no statistics) may run the full-text query once per note instead of
    once, which takes seconds on a large collection.
    """

    def __init__(self, ranked_ids: Iterable[int], notes: NoteQuerySet) -> None:
        self._ranked_ids = ranked_ids
        self._notes = notes
        self._ids: list[int] | None = None

    def ids(self) -> list[int]:
        if self._ids is None:
            self._ids = list(self._ranked_ids)
        return self._ids

    def count(self) -> int:
        return len(self.ids())

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Note]:
        return iter(self[:])

    @overload
    def __getitem__(self, index: int) -> Note: ...

    @overload
    def __getitem__(self, index: slice) -> list[Note]: ...

    def __getitem__(self, index: int | slice) -> Note | list[Note]:
        if isinstance(index, slice):
            wanted = self.ids()[index]
            found = self._notes.in_bulk(wanted)
            return [found[pk] for pk in wanted if pk in found]
        note: Note = self._notes.get(pk=self.ids()[index])
        return note


class SearchPaginator(Paginator):
    """Counts up to ``limit`` notes found.

    An exact count of tens of thousands of notes costs more than the rest of the page
    (PostgreSQL reads them all), and nobody pages that far: the page then says "more
    than 1,000". Text results hold at most ``limit`` + 1 notes: on SQLite the newest
    matches (``_newest_matches``), on PostgreSQL the best ranked.
    """

    limit = COUNT_LIMIT
    # Set when the number found is stored already (a tag's count of notes): counting
    # them again walked up to a thousand of them, 15 ms for a tag on 3% of 100,000.
    known_count: int | None = None
    # Set when the notes are better counted another way than listed (search_notes).
    counted: QuerySet[Note] | None = None

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return min(self.known_count, self.limit + 1)
        if isinstance(self.object_list, RankedNotes):
            return self.object_list.count()
        counted = self.counted
        if counted is None:
            assert isinstance(self.object_list, QuerySet)  # notes: a QuerySet or RankedNotes
            counted = self.object_list
        # Unordered: which notes make up the first thousand does not matter here.
        return counted.order_by()[: self.limit + 1].count()

    @property
    def count_is_capped(self) -> bool:
        return self.count > self.limit
