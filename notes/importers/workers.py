"""Parsing and rendering files in worker processes while the main one writes."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from ..linking import explicit_link_titles
from ..models import PythonObject
from ..note_rendering import RenderedNote, render_note
from ..render_limits import RenderRefused
from . import limits
from .collection import NoteInput
from .parsed import NoteFileError, ParsedNote
from .parsing import parse_note_bytes
from .report import ImportResult

# --- parallel preparation ------------------------------------------------------------

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 200


@dataclass
class PreparedFile:
    """What a worker process made of a file: its hash and, if it changed, the parsed
    note and its rendering (``None`` when the main process must render it: a file
    with ``[[links]]`` needs the database to resolve them)."""

    digest: str
    parsed: ParsedNote | None = None
    rendered: RenderedNote | None = None


# Handed to the worker processes by fork: the matcher, the Python documentation's index
# and the hashes already stored.
_worker_state: dict[str, Any] = {}


def _prepare_file(job: tuple[str, str, int]) -> PreparedFile | None:
    """Read, hash, parse and render one file; ``None`` leaves it all to the main process
    (which then reports any error the usual way)."""
    path, name, size = job
    if size > limits.MAX_FILE_BYTES:
        return None
    try:
        raw = Path(path).read_bytes()
        trim = _worker_state["trim_clipping"]
        digest = file_digest(raw, trim_clipping=trim, written_date=_worker_state["written_date"])
        if _worker_state["known"].get(path) == digest:
            return PreparedFile(digest)
        parsed = parse_note_bytes(raw, name=name, trim_clipping=trim)
    except (OSError, NoteFileError):
        return None
    rendered = None
    if not explicit_link_titles(parsed.body):
        # A body too complex to render is left to the main process, which reports it
        # with the file: raised here, it would end the whole import.
        with contextlib.suppress(RenderRefused):
            rendered = render_note(
                parsed.body, _worker_state["matcher"], format=parsed.format, title=parsed.title,
                every_section=bool(parsed.link_every_section),
                budget=settings.RENDER_BUDGET_SECONDS,
                python_docs=_worker_state["python_docs"],
            )  # fmt: skip
    return PreparedFile(digest, parsed, rendered)


def file_digest(
    raw: bytes, *, trim_clipping: bool = False, written_date: dt.date | None = None
) -> str:
    """What tells a file unchanged since its last import. Trimming a clipping makes a
    different note of the same bytes, so it is part of the digest: asking for the
    trim re-imports a file imported whole, and leaving it out again restores it. So is
    a date given for the whole import: giving it dates notes already imported."""
    digest = hashlib.sha256(raw)
    if trim_clipping:
        digest.update(b"\0trim-clipping")
    if written_date is not None:
        digest.update(b"\0written-date-" + written_date.isoformat().encode())
    return digest.hexdigest()


@contextlib.contextmanager
def prepared_in_parallel(
    items: Iterable[NoteInput | ImportResult],
    matcher,
    known_sources: Callable[[], dict[str, tuple[int, str]]],
    *,
    trim_clipping: bool = False,
    written_date: dt.date | None = None,
) -> Iterator[Iterable[PreparedFile | None]]:
    """Parse and render files in worker processes while this one writes to the database.

    Rendering (Markdown, Pygments, topic linking) is most of an import's work and needs
    no database, so on a machine with several cores it runs ahead in other processes.
    Uploads (a stream read while it is imported) and small imports are prepared here,
    one by one.
    """
    if not isinstance(items, list):
        yield itertools.repeat(None)
        return
    on_disk = [item for item in items if isinstance(item, NoteInput) and item.path]
    workers = min(2, (os.cpu_count() or 1))
    if len(on_disk) < PARALLEL_MIN_FILES or workers < 2 or "fork" not in _start_methods():
        yield [None] * len(items)
        return
    _worker_state["matcher"] = matcher
    # Read here, before the fork: the children never touch the database.
    _worker_state["python_docs"] = PythonObject.objects.index()
    _worker_state["trim_clipping"] = trim_clipping
    _worker_state["written_date"] = written_date
    _worker_state["known"] = {source: digest for source, (_, digest) in known_sources().items()}
    jobs = [
        (str(item.path), item.name, item.size) if isinstance(item, NoteInput) and item.path
        else ("", "", limits.MAX_FILE_BYTES + 1)
        for item in items
    ]  # fmt: skip
    context = multiprocessing.get_context("fork")
    # The children never touch the database connection they inherit.
    with context.Pool(workers, initializer=_yield_to_the_writer) as pool:
        try:
            yield pool.imap(_prepare_file, jobs, chunksize=16)
        finally:
            _worker_state.clear()


def _yield_to_the_writer() -> None:
    """Run the workers at a lower priority than the process writing to the database.

    With two cores and three busy processes, each would get two thirds of a core; the
    writer, whose work cannot be shared, then becomes the bottleneck while the workers
    race ahead. Niced, they take what the writer leaves.
    """
    with contextlib.suppress(OSError):
        os.nice(10)


def _start_methods() -> list[str]:
    return multiprocessing.get_all_start_methods()
