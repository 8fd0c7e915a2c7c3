"""One import run: files written in batches, each file all or nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..caching import content_version_bumped_at_end
from ..counts import counted_at_end
from ..models import Category, Note, Tag, Topic
from ..note_rendering import RenderedNote
from ..planner_statistics import refresh_planner_statistics
from ..render_limits import RenderRefused, nested_too_deep
from . import limits
from .collection import UPLOAD_PREFIX, NoteInput
from .front_matter import as_datetime
from .git_dates import CommitDates
from .history import first_versions_written_at_end
from .parsed import DateSource, NoteFileError, ParsedNote
from .parsing import parse_note_bytes
from .report import ImportReport, ImportResult, Outcome
from .saving import (
    apply_parsed_note,
    choose_slug,
    exported_note_for,
    notes_from_source,
    save_note,
    tag_named,
)
from .workers import PreparedFile, file_digest, prepared_in_parallel


class NoteImporter:
    """One import run. It remembers what every file of the run looks up again
    (imported sources, slugs, categories, titles for duplicate warnings) and forgets
    it when a file fails, since that file's rows were rolled back.

    Files are written in batches of ``batch_size`` per transaction, each file in its
    own savepoint: a bad file is rolled back alone, and ten thousand files cost a
    few dozen commits instead of ten thousand. Counts, the content version, the first
    versions of new notes (their history) and the search index follow once per batch.
    A batch that cannot be committed is written again one file per transaction.

    A new note's written date comes from, in this order: ``written_date`` (one date for
    the whole run), the file's front matter, its ``YYYY-MM-DD-`` name, a date in its
    first lines, the git commit that added it, and only then its modification time or
    the import's time, which are guesses and marked so (``Note.created_is_guess``).
    """

    batch_size = 200

    def __init__(
        self,
        *,
        default_status: str = Note.Status.DRAFT,
        dry_run: bool = False,
        trim_clipping: bool = False,
        written_date: dt.date | None = None,
    ):
        self.default_status = default_status
        self.dry_run = dry_run
        self.trim_clipping = trim_clipping
        self.written_date = written_date
        # Midnight of that day in the site's time zone, as a date in a file name gives.
        self._given_date = as_datetime(written_date) if written_date is not None else None
        self._commit_dates = CommitDates()
        self._forget(batch=True)

    def _forget(self, *, batch: bool = False) -> None:
        """Forget what a rolled-back file may have left behind: its categories and tags
        (their rows are gone) and titles. A rolled-back batch takes its notes with it,
        so the sources and slugs it recorded go too."""
        self._categories: dict[str, Category] = {}
        self._tags: dict[str, Tag] = {}
        self._titles: dict[str, dict[int, str]] | None = None
        if batch:
            self._sources: dict[str, tuple[int, str]] | None = None
            self._slugs: set[str] | None = None

    def known_sources(self) -> dict[str, tuple[int, str]]:
        """Source -> (note id, hash of the bytes it was imported from), read once a run."""
        if self._sources is None:
            self._sources = {
                source: (pk, digest)
                for source, pk, digest in Note.objects.exclude(source="").values_list(
                    "source", "pk", "source_hash"
                )
            }
        return self._sources

    def taken_slugs(self) -> set[str]:
        if self._slugs is None:
            self._slugs = set(Note.objects.values_list("slug", flat=True))
        return self._slugs

    def run(
        self,
        items: Iterable[NoteInput | ImportResult],
        *,
        on_result: Callable[[ImportResult, int], None] | None = None,
    ) -> ImportReport:
        """Import every item, each all or nothing; a dry run rolls all of them back."""
        report = ImportReport(dry_run=self.dry_run)
        with (
            self._dry_run_rollback(),
            Topic.objects.frozen_matcher() as matcher,
            Note.objects.waiting_links_resolved_at_end(),
            prepared_in_parallel(
                items,
                matcher,
                self.known_sources,
                trim_clipping=self.trim_clipping,
                written_date=self.written_date,
            ) as prepared,
        ):
            # `prepared` may run on without end for a stream of uploads: items set the length.
            pairs = zip(items, prepared, strict=False)
            # A stream (an upload) is read while its archive is open: one file at a time.
            size = self.batch_size if isinstance(items, list) else 1
            while batch := list(itertools.islice(pairs, size)):
                for result in self._import_batch(batch):
                    report.results.append(result)
                    if on_result is not None:
                        on_result(result, len(report.results))
        if not self.dry_run and (report.counts[Outcome.CREATED] or report.counts[Outcome.UPDATED]):
            # A bulk change can change the shape of the data the planner relies on; an
            # import that wrote nothing (all unchanged or failed) leaves it as it was.
            refresh_planner_statistics()
        return report

    def _import_batch(self, batch: list[tuple]) -> list[ImportResult]:
        # Read before the transaction: a failed query inside it, outside any file's
        # savepoint, would spoil the whole batch on PostgreSQL.
        self.known_sources()
        try:
            with (
                transaction.atomic(),
                # Inside the transaction: the numbers and versions commit with the notes.
                counted_at_end(),
                content_version_bumped_at_end(),
                first_versions_written_at_end(),
            ):
                return [
                    item if isinstance(item, ImportResult) else self.import_one(item, ready)
                    for item, ready in batch
                ]
        except Exception as error:
            # Each file's own errors are caught in import_one: this is the commit
            # itself failing (a full disk, a lock held too long). Nothing of the batch
            # was kept, so its files are tried again, one transaction each.
            self._forget(batch=True)
            if len(batch) > 1:
                return [result for pair in batch for result in self._import_batch([pair])]
            return [ImportResult.failed(batch[0][0].label, _describe_error(error))]

    @contextlib.contextmanager
    def _dry_run_rollback(self) -> Iterator[None]:
        if not self.dry_run:
            yield
            return
        # Really writing and then rolling back makes the dry run report exactly what
        # a real run would do: slugs, duplicates between files, database refusals.
        with transaction.atomic():
            yield
            transaction.set_rollback(True)

    # How often a new note's address is chosen again when another import took it first.
    slug_attempts = 5

    def import_one(self, item: NoteInput, prepared: PreparedFile | None = None) -> ImportResult:
        for _attempt in range(self.slug_attempts - 1):
            try:
                return self._import_one(item, prepared)
            except _SlugTakenMeanwhile:
                # The file's savepoint is rolled back; the slugs in use are read again.
                self._slugs = None
        try:
            return self._import_one(item, prepared)
        except _SlugTakenMeanwhile:
            return ImportResult.failed(
                item.label,
                "other imports kept saving notes with the same address at the same moment; "
                "import this file again",
            )

    def _import_one(self, item: NoteInput, prepared: PreparedFile | None = None) -> ImportResult:
        if item.size > limits.MAX_FILE_BYTES:
            return ImportResult.failed(item.label, limits.too_large(item.size))
        try:
            if prepared is None:
                raw = item.read()
                digest = file_digest(
                    raw, trim_clipping=self.trim_clipping, written_date=self.written_date
                )
            else:
                digest = prepared.digest
            # Unchanged files are recognised before they are even decoded.
            known = self.known_sources().get(item.key)
            if known and known[1] == digest:
                return ImportResult(item.label, Outcome.UNCHANGED)
            if prepared is not None and prepared.parsed is not None:
                parsed = prepared.parsed
            else:
                parsed = parse_note_bytes(
                    raw if prepared is None else item.read(),
                    name=item.name,
                    trim_clipping=self.trim_clipping,
                )
            # A savepoint inside the batch's transaction: this file alone, all or nothing;
            # its note's first version is kept inside it, so that it goes if the file does.
            with counted_at_end(), transaction.atomic(), first_versions_written_at_end():
                note = Note.objects.filter(pk=known[0]).first() if known else None
                result = self._save(
                    item,
                    parsed,
                    digest,
                    note or exported_note_for(parsed),
                    rendered=prepared.rendered if prepared is not None else None,
                )
        except NoteFileError as error:
            return ImportResult.failed(item.label, str(error))
        except OSError as error:
            return ImportResult.failed(item.label, error.strerror or str(error))
        except IntegrityError as error:
            # Another import (a second upload of the same archive, say) wrote a note for
            # this file between our look-up and our insert: that one wins.
            self._forget()
            source = parsed.source or item.key
            if notes_from_source(source).exists():
                return ImportResult(
                    item.label,
                    Outcome.UNCHANGED,
                    reason="already imported, by another import running at the same time",
                )
            if "slug" in str(error):
                raise _SlugTakenMeanwhile from error
            return ImportResult.failed(item.label, _describe_error(error))
        except Exception as error:
            # One file's surprise must not stop the other ten thousand; its
            # savepoint is rolled back and the report names the error.
            self._forget()
            return ImportResult.failed(item.label, _describe_error(error))
        result.encoding = parsed.encoding
        return result

    def _save(
        self,
        item: NoteInput,
        parsed: ParsedNote,
        digest: str,
        note: Note | None,
        *,
        rendered: RenderedNote | None = None,
    ) -> ImportResult:
        """Create or update ``note`` (None: a new one) from the file."""
        if note is not None and note.source_hash == digest:
            return ImportResult(item.label, Outcome.UNCHANGED, title=note.title, slug=note.slug)
        created = note is None
        if note is None:
            note = Note(source=parsed.source or item.key, front_matter={})
        old_title = note.title
        old_created = None if created else note.created
        if self._given_date is not None:
            # The date given for the run wins over anything the file says.
            parsed.date, parsed.date_source = self._given_date, DateSource.GIVEN
        warnings: list[str] = list(parsed.warnings)
        if not created and note.source != item.key and item.key.startswith(UPLOAD_PREFIX):
            # An upload found its note through the file's `source:` (an export of it):
            # the note came from somewhere else, maybe someone else's upload, so the
            # report says whose note changed.
            warnings.append(
                f"updates the note its front matter names (source: {note.source or 'admin'})"
            )
        changed = apply_parsed_note(
            note, parsed, default_status=self.default_status, categories=self._categories
        )
        if not changed and not (parsed.slug and parsed.slug != note.slug):
            # Same note, different bytes (an export of it, say): remember the new bytes
            # without re-rendering or touching `updated`.
            Note.objects.filter(pk=note.pk).update(source_hash=digest)
            self._remember_source(note, digest)
            return ImportResult(item.label, Outcome.UNCHANGED, title=note.title, slug=note.slug)
        date_source = parsed.date_source if parsed.date is not None else None
        if parsed.date is None and (created or note.created_is_guess):
            # Not the import's day: a note written years ago must not top "Recent
            # notes" because it came in today. A note already dated keeps its date; one
            # whose date was a guess takes a better one if the file now gives it.
            date_source = self._date_found(item, parsed, note, guesses=created) or date_source
        if created:
            note.slug, clash = choose_slug(parsed.slug, parsed.title, taken=self.taken_slugs())
            warnings += [clash] if clash else []
        elif parsed.slug and parsed.slug != note.slug:
            slug, clash = choose_slug(parsed.slug, parsed.title, exclude_pk=note.pk)
            if clash:
                # An existing note keeps its address rather than take a suffixed one.
                warnings.append(f'slug "{parsed.slug}" is taken or invalid; kept "{note.slug}"')
            else:
                note.slug = slug
        note.source_hash = digest
        if rendered is not None:
            # Made by a worker process; Note.save() uses it only if the body matches.
            note.prepared_rendering = rendered
        if created:
            self.taken_slugs().add(note.slug)
        save_note(note, None if parsed.tags is None else self._tag_objects(parsed.tags))
        self._remember_source(note, digest)
        if created and parsed.updated:
            # An exported note keeps the time it last changed; save() would stamp now.
            Note.objects.filter(pk=note.pk).update(updated=parsed.updated)
            note.updated = parsed.updated
        warnings += self._duplicate_warnings(note, old_title)
        # The report says where a new note's date came from, or an old note's new date.
        dated = date_source is not None and (created or note.created != old_created)
        return ImportResult(
            item.label,
            Outcome.CREATED if created else Outcome.UPDATED,
            title=note.title,
            slug=note.slug,
            warnings=warnings,
            code_problems=list(note.code_problems or []),
            date=timezone.localdate(note.created) if dated else None,
            date_source=date_source if dated else None,
        )

    def _date_found(
        self, item: NoteInput, parsed: ParsedNote, note: Note, *, guesses: bool
    ) -> DateSource | None:
        """Date ``note`` by what the file says in its first lines, else by the commit that
        added it, else (when ``guesses`` are welcome: a new note) by the file's time.
        On later imports the file's new time is its edit, not its writing."""
        moment: dt.datetime | None = None
        if parsed.first_lines_date is not None:
            moment, source = as_datetime(parsed.first_lines_date), DateSource.FIRST_LINES
        elif item.path is not None and (added := self._commit_dates.added(item.path)):
            moment, source = added, DateSource.COMMIT
        elif not guesses:
            return None
        elif item.modified is not None:
            moment, source = item.modified, DateSource.MODIFIED
        else:
            source = DateSource.IMPORT_TIME  # the note keeps its default, now
        if moment is not None:
            note.created = moment
        note.created_is_guess = source.is_guess
        return source

    def _remember_source(self, note: Note, digest: str) -> None:
        if note.source:
            self.known_sources()[note.source] = (note.pk, digest)

    def _tag_objects(self, names: list[str]) -> list[Tag]:
        """Tags by name, as taggit finds them (case-insensitively), looked up once a run."""
        tags = []
        for name in names:
            tag = self._tags.get(name.casefold())
            if tag is None:
                tag = tag_named(name)
                self._tags[name.casefold()] = tag
            tags.append(tag)
        return tags

    def _duplicate_warnings(self, note: Note, old_title: str) -> list[str]:
        if self._titles is None:
            self._titles = {}
            for pk, title, slug in Note.objects.values_list("pk", "title", "slug"):
                self._titles.setdefault(title.casefold(), {})[pk] = slug
        self._titles.get(old_title.casefold(), {}).pop(note.pk, None)
        same = self._titles.setdefault(note.title.casefold(), {})
        others = sorted(slug for pk, slug in same.items() if pk != note.pk)
        same[note.pk] = note.slug
        if not others:
            return []
        # A few are enough to look at: two thousand files of one title must not make
        # a report of two million names.
        named = ", ".join(others[:DUPLICATES_NAMED])
        more = len(others) - DUPLICATES_NAMED
        if more > 0:
            return [f"possible duplicate of {named} and {more:,} more (same title)"]
        return [f"possible duplicate of {named} (same title)"]


DUPLICATES_NAMED = 3


class _SlugTakenMeanwhile(Exception):
    """Another import saved a note at the address chosen for this file's new note."""


def _describe_error(error: Exception) -> str:
    messages = getattr(error, "message_dict", None)
    if messages:
        return "; ".join(f"{name}: {' '.join(texts)}" for name, texts in messages.items())
    if isinstance(error, RenderRefused):
        return str(error)  # a sentence already: "This note is too complex to render..."
    if isinstance(error, RecursionError):
        return str(nested_too_deep())
    return f"{type(error).__name__}: {error}"
