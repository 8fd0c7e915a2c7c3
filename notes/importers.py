"""Reading notes from files: Jekyll posts with YAML front matter and plain text.

Parsing (``parse_note_bytes``, ``parse_note_text``) is pure: bytes or text in, a
``ParsedNote`` out, no database. Writing goes through ``NoteImporter``, each file
all or nothing, shared by the ``import_notes`` command, the admin upload page and
``load_sample_content``.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import enum
import hashlib
import itertools
import multiprocessing
import os
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import yaml
from django.db import transaction
from django.db.models.signals import m2m_changed
from django.utils import timezone

from .caching import content_version_bumped_at_end
from .counts import counted_at_end
from .linking import explicit_link_titles
from .models import Category, Note, NoteQuerySet, Tag, Topic
from .note_rendering import RenderedNote, render_note
from .slugs import slugify_unicode, unique_slug

MiB = 1024 * 1024
# A note is text: the largest real note in the seeds is 10 KB. Anything bigger than
# this is almost certainly a log, a dump or a mistake, and is refused unread.
MAX_FILE_BYTES = 5 * MiB
# Zip uploads are decompressed in memory, so both the number of members and their
# total uncompressed size are bounded before anything is read.
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_BYTES = 100 * MiB
NOTE_SUFFIXES = (".md", ".markdown", ".txt")
# Folders that hold no notes of their own: Jekyll's generated site, macOS zip residue.
SKIPPED_FOLDERS = {"_site", "__MACOSX", "node_modules"}

TITLE_MAX_LENGTH = Note._meta.get_field("title").max_length
SLUG_MAX_LENGTH = Note._meta.get_field("slug").max_length
CATEGORY_NAME_MAX_LENGTH = Category._meta.get_field("name").max_length
# A "first line" longer than a title can be is a paragraph: its start names the
# note and the line stays in the body, so no text is lost.
SHORT_TITLE_LENGTH = 80

FRONT_MATTER_FIELDS = {
    "title", "slug", "date", "updated", "categories", "category", "tags", "status",
    "published", "excerpt", "source",
}  # fmt: skip

_SLUG = re.compile(r"^[-\w]+\Z")
_LINE = re.compile(r".*?(?:\r\n|\r|\n)|.+", re.DOTALL)
_LEADING_BREAK = re.compile(r"\r\n|\r|\n")
_TRAILING_BREAK = re.compile(r"(?:\r\n|\r|\n)\Z")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
# `##Title` counts as a heading, as it does when notes are rendered (markdown.py).
_ATX_HEADING = re.compile(r"^#{1,6}(?!#)")
_ATX_CLOSING = re.compile(r"(?:^|\s+)#+$")
_JEKYLL_DATE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
_SPACE_BEFORE_OFFSET = re.compile(r"\s+(?=[+-]\d{2}:?\d{2}$)")
# C0 controls other than tab, line breaks, form feed and escape: plenty of them
# means the bytes decoded by luck and are not text.
_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")


class NoteFileError(ValueError):
    """A file that cannot become a note; the message says why."""


@dataclass
class ParsedNote:
    """A note as read from a file. ``None`` means the file does not say."""

    title: str
    body: str
    categories: list[str] | None = None
    tags: list[str] | None = None
    date: dt.datetime | None = None
    updated: dt.datetime | None = None
    status: str | None = None
    slug: str = ""
    excerpt: str | None = None
    # The ``source`` key written by export_notes: which note an exported file stands for.
    source: str | None = None
    # Front-matter keys without a field of their own; ``None`` for plain text.
    extra: dict[str, Any] | None = None
    encoding: str = "utf-8"


# --- decoding ---------------------------------------------------------------------


def decode_note_bytes(raw: bytes) -> tuple[str, str]:
    """The text of a note file and the encoding found: UTF-8 (with or without BOM),
    UTF-16 with BOM, else GB18030 (a superset of GBK and GB2312). Binary and
    undecodable files are refused rather than guessed at."""
    if len(raw) > MAX_FILE_BYTES:
        raise NoteFileError(_too_large(len(raw)))
    if not raw.strip():
        raise NoteFileError("the file is empty")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise NoteFileError("starts like UTF-16 text but does not decode") from error
    if b"\x00" in raw:
        raise NoteFileError("binary file (it contains NUL bytes), not a text note")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(_CONTROL.findall(text)) > len(text) // 100:
            raise NoteFileError("binary file (it is full of control characters)")
        return text, "utf-8" if encoding == "utf-8-sig" else encoding
    raise NoteFileError("not text in UTF-8 or GB18030/GBK: cannot decode it")


def _too_large(size: int) -> str:
    return f"larger than the {MAX_FILE_BYTES // MiB} MiB limit for a note ({size:,} bytes)"


# --- parsing ----------------------------------------------------------------------


class _QuotedName(str):
    """A YAML string written in quotes; as a tag or category it is kept whole."""


class _FrontMatterLoader(yaml.SafeLoader):
    def compose_node(self, parent, index):
        # Aliases let a few hundred bytes expand into gigabytes once the data is
        # copied into JSON; notes have no use for them.
        if self.check_event(yaml.AliasEvent):
            raise NoteFileError("the front matter uses YAML aliases (*name), not supported")
        return super().compose_node(parent, index)


def _construct_str(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    return _QuotedName(value) if node.style in {"'", '"'} else value


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)


class _FastFrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml, ten times faster, for front matter that cannot hold an alias."""


_FastFrontMatterLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)


def _load_front_matter(raw: str) -> Any:
    # Aliases are refused by _FrontMatterLoader; without "*" there can be none.
    loader = _FrontMatterLoader if "*" in raw else _FastFrontMatterLoader
    # Both are SafeLoaders: they build plain data, never objects.
    return yaml.load(raw, Loader=loader)  # noqa: S506


def _lines(text: str) -> list[str]:
    """Lines with their own line breaks (CRLF, LF or CR), so joining them is exact."""
    return _LINE.findall(text)


def _is_blank(line: str) -> bool:
    return not line.strip()


def _drop_one_line_break(text: str, *, at_start: bool) -> str:
    match = _LEADING_BREAK.match(text) if at_start else _TRAILING_BREAK.search(text)
    if match is None:
        return text
    return text[match.end() :] if at_start else text[: match.start()]


def split_front_matter(text: str) -> tuple[dict | None, str]:
    """Split ``---`` YAML front matter from the body; ``None`` when there is none.

    The body is returned exactly as written below the closing ``---``, except for
    one empty line right after it and the file's final line break, which are the
    file's layout rather than part of the note (export_notes writes both).
    """
    lines = _lines(text)
    if not lines or lines[0].rstrip() != "---":
        return None, text
    for index, line in enumerate(lines[1:], start=1):
        # At the start of the line only: an indented `---` belongs to a YAML block.
        if line.rstrip() in {"---", "..."}:
            raw = "".join(lines[1:index])
            try:
                data = _load_front_matter(raw) if raw.strip() else {}
            except yaml.YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                where = f" (line {mark.line + 2})" if mark else ""
                problem = getattr(error, "problem", None) or str(error)
                raise NoteFileError(f"malformed YAML front matter{where}: {problem}") from error
            if data is None:
                data = {}
            if not isinstance(data, dict):
                raise NoteFileError("the front matter is not a set of `key: value` lines")
            body = _drop_one_line_break("".join(lines[index + 1 :]), at_start=True)
            return data, _drop_one_line_break(body, at_start=False)
    raise NoteFileError("the front matter starts with --- but never ends")


def as_name_list(value: Any, *, split_items: bool = True) -> list[str]:
    """Tag or category names from a YAML list or a space-separated string.

    ``tags: Python web`` is two tags, as in Jekyll. Learners also write list items
    such as ``- Python mechine_learning`` meaning two tags, so items are split too
    unless ``split_items`` is off; a quoted item (``- "machine learning"``) is
    always kept whole, which is how export_notes writes names with spaces.
    """
    if value is None:
        return []
    is_list = isinstance(value, list | tuple)
    names: list[str] = []
    for item in value if is_list else [value]:
        if item is None:
            continue
        keep_whole = isinstance(item, _QuotedName) or (is_list and not split_items)
        for name in [str(item).strip()] if keep_whole else str(item).split():
            if name and name not in names:
                names.append(name)
    return names


def as_datetime(value: Any) -> dt.datetime | None:
    """A front-matter date as an aware datetime; naive ones are in TIME_ZONE."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    else:
        # Jekyll writes `2014-11-06 10:00:00 +0800`, with a space before the offset.
        text = _SPACE_BEFORE_OFFSET.sub("", str(value).strip())
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError as error:
            raise NoteFileError(f"date {value!r} is not a date") from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def parse_note_bytes(raw: bytes, *, name: str = "") -> ParsedNote:
    """Decode and parse one note file; ``name`` (its file name) supplies the
    fallback title and, for Jekyll's ``YYYY-MM-DD-title.md`` names, the date."""
    text, encoding = decode_note_bytes(raw)
    stem = PurePosixPath(name).stem
    jekyll_name = _JEKYLL_DATE_NAME.match(stem)
    parsed = parse_note_text(text, fallback_title=jekyll_name.group(2) if jekyll_name else stem)
    if parsed.date is None and jekyll_name:
        with contextlib.suppress(ValueError):
            parsed.date = as_datetime(dt.date.fromisoformat(jekyll_name.group(1)))
    parsed.encoding = encoding
    return parsed


def parse_note_text(text: str, *, fallback_title: str = "") -> ParsedNote:
    """A note from the text of a Jekyll post or a plain-text/Markdown note."""
    text = text.removeprefix("\ufeff")
    data, body = split_front_matter(text)
    if data is None:
        return parse_plain_text(text, fallback_title=fallback_title)
    title = str(data.get("title") or "").strip()
    if not title:
        if _is_blank(body):
            raise NoteFileError("the front matter has no title and there is no text below it")
        plain = parse_plain_text(body, fallback_title=fallback_title)
        title, body = plain.title, plain.body
    if len(title) > TITLE_MAX_LENGTH:
        raise NoteFileError(f"the title is longer than {TITLE_MAX_LENGTH} characters")
    status = None if data.get("status") is None else str(data["status"])
    if status is not None and status not in Note.Status.values:
        raise NoteFileError(f"status {status!r} is neither 'draft' nor 'published'")
    published = data.get("published")
    if published is not None and not isinstance(published, bool):
        raise NoteFileError(f"published {published!r} is neither true nor false")
    if status is None and published is not None:
        status = Note.Status.PUBLISHED if published else Note.Status.DRAFT
    categories = data["categories"] if "categories" in data else data.get("category")
    source = data.get("source")
    excerpt = data.get("excerpt")
    return ParsedNote(
        title=title,
        body=body,
        categories=(
            as_name_list(categories, split_items=False)
            if "categories" in data or "category" in data
            else None
        ),
        tags=as_name_list(data["tags"]) if "tags" in data else None,
        date=as_datetime(data.get("date")),
        updated=as_datetime(data.get("updated")),
        status=status,
        slug=str(data.get("slug") or "").strip(),
        excerpt=None if excerpt is None else str(excerpt),
        source=None if "source" not in data else str(source or ""),
        extra={
            str(key): _jsonable(value)
            for key, value in data.items()
            if key not in FRONT_MATTER_FIELDS
        },
    )


def parse_plain_text(text: str, *, fallback_title: str = "") -> ParsedNote:
    """The first non-empty line (a heading's text if it is one) is the title; the
    rest is the body, without the blank lines that led into it."""
    lines = _lines(text)
    for index, line in enumerate(lines):
        if _is_blank(line):
            continue
        rest = lines[index + 1 :]
        line = line.strip()
        if _ATX_HEADING.match(line):
            line = _ATX_CLOSING.sub("", line.lstrip("#").strip()).strip()
        elif rest and _SETEXT_UNDERLINE.match(rest[0].rstrip("\r\n")):
            rest = rest[1:]
        if len(line) > TITLE_MAX_LENGTH:
            title = line[:SHORT_TITLE_LENGTH].rstrip() + "…"
            rest = lines[index:]
        else:
            title = line or fallback_title
        while rest and _is_blank(rest[0]):
            rest = rest[1:]
        body = _drop_one_line_break("".join(rest), at_start=False)
        if not title:
            raise NoteFileError("no title: the first line is an empty heading")
        return ParsedNote(title=title, body=body)
    raise NoteFileError("the file is empty")


def _jsonable(value: Any) -> Any:
    if isinstance(value, str):
        return str(value)  # a _QuotedName becomes a plain str
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


# --- where notes come from ----------------------------------------------------------

_NOT_A_NOTE = "not a .md, .markdown or .txt file"


@dataclass(frozen=True)
class NoteInput:
    """One file to import, wherever it comes from (disk, upload, zip member)."""

    key: str  # stored in Note.source: an absolute path, or "upload:<name>"
    label: str  # how the report names it
    name: str  # the file name, for the fallback title and Jekyll's dated names
    size: int
    read: Callable[[], bytes]
    path: Path | None = None  # set for files on disk, which worker processes can read

    @classmethod
    def from_path(cls, path: Path, *, label: str | None = None) -> NoteInput:
        resolved = path.resolve()
        return cls(
            key=str(resolved),
            label=label or str(path),
            name=path.name,
            size=resolved.stat().st_size,
            read=resolved.read_bytes,
            path=resolved,
        )


def collect_paths(paths: Iterable[str | Path]) -> list[NoteInput | ImportResult]:
    """Each file named, and every note file (.md, .markdown, .txt) in each folder,
    recursively; hidden files and folders are left out. Files named explicitly are
    read whatever their suffix; what cannot be read is a failed result."""
    found: list[NoteInput | ImportResult] = []
    seen: set[Path] = set()

    def add(path: Path, label: str) -> None:
        resolved = path.resolve()
        if resolved in seen:
            return
        seen.add(resolved)
        try:
            found.append(NoteInput.from_path(path, label=label))
        except OSError as error:
            found.append(ImportResult.failed(label, error.strerror or str(error)))

    for given in paths:
        path = Path(given)
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not _is_skipped(d) and d not in SKIPPED_FOLDERS)
                for file_name in sorted(files):
                    file_path = Path(folder) / file_name
                    if _is_skipped(file_name):
                        continue
                    if file_name.lower().endswith(NOTE_SUFFIXES):
                        add(file_path, str(file_path))
                    else:
                        found.append(ImportResult.ignored(str(file_path), _NOT_A_NOTE))
        elif path.exists():
            add(path, str(path))
        else:
            found.append(ImportResult.failed(str(path), "no such file or folder"))
    return found


def _is_skipped(name: str) -> bool:
    return name.startswith(".")


def collect_uploads(files: Iterable[Any]) -> Iterator[NoteInput | ImportResult]:
    """Note files uploaded one by one or inside ``.zip`` archives.

    Members are read lazily, while the archive is still open.
    """
    for upload in files:
        name = PurePosixPath(upload.name.replace("\\", "/")).name
        if name.lower().endswith(".zip"):
            yield from _zip_members(upload, name)
        elif name.lower().endswith(NOTE_SUFFIXES):
            yield NoteInput(
                key=f"upload:{name}", label=name, name=name, size=upload.size, read=upload.read
            )
        else:
            yield ImportResult.ignored(name, "not a .md, .markdown, .txt or .zip file")


def _zip_members(upload: IO[bytes], zip_name: str) -> Iterator[NoteInput | ImportResult]:
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError) as error:
        yield ImportResult.failed(zip_name, f"not a readable zip file ({error})")
        return
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            yield ImportResult.failed(
                zip_name, f"holds {len(members):,} files, more than the {MAX_ZIP_MEMBERS:,} allowed"
            )
            return
        total = sum(info.file_size for info in members)
        if total > MAX_ZIP_BYTES:
            yield ImportResult.failed(
                zip_name,
                f"unpacks to {total:,} bytes, more than the {MAX_ZIP_BYTES // MiB} MiB allowed",
            )
            return
        for info in members:
            member = _member_name(info)
            label = f"{zip_name}: {member}"
            parts = PurePosixPath(member).parts
            if any(part in SKIPPED_FOLDERS or _is_skipped(part) for part in parts):
                yield ImportResult.ignored(label, "hidden file or macOS metadata")
            elif not member.lower().endswith(NOTE_SUFFIXES):
                yield ImportResult.ignored(label, _NOT_A_NOTE)
            else:
                yield NoteInput(
                    key=f"upload:{member}",
                    label=label,
                    name=PurePosixPath(member).name,
                    size=info.file_size,
                    read=_member_reader(archive, info),
                )


def _member_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    def read() -> bytes:
        # A member that lies about its size still stops here, one byte past the limit.
        with archive.open(info) as member:
            return member.read(MAX_FILE_BYTES + 1)

    return read


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name; zips made on Chinese Windows store names in GBK without
    saying so, which zipfile reads as CP437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeError):
            raw = name.encode("cp437")
            for encoding in ("utf-8", "gb18030"):
                with contextlib.suppress(UnicodeDecodeError):
                    name = raw.decode(encoding)
                    break
    return name.lstrip("/")


# --- results ------------------------------------------------------------------------


class Outcome(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    IGNORED = "ignored"


_DRY_RUN_VERBS = {
    Outcome.CREATED: "would create",
    Outcome.UPDATED: "would update",
    Outcome.FAILED: "would refuse",
}


def outcome_verb(outcome: Outcome, *, dry_run: bool = False) -> str:
    return _DRY_RUN_VERBS.get(outcome, outcome.value) if dry_run else outcome.value


@dataclass
class ImportResult:
    label: str
    outcome: Outcome
    reason: str = ""  # why a file failed or was ignored
    title: str = ""
    slug: str = ""
    encoding: str = ""
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def failed(cls, label: str, reason: str) -> ImportResult:
        return cls(label, Outcome.FAILED, reason=reason)

    @classmethod
    def ignored(cls, label: str, reason: str) -> ImportResult:
        return cls(label, Outcome.IGNORED, reason=reason)

    def describe(self, *, dry_run: bool = False) -> str:
        """One line for the report: what happened to which file, and why."""
        line = f"{outcome_verb(self.outcome, dry_run=dry_run)}: {self.label}"
        if self.reason:
            line += f": {self.reason}"
        elif self.slug:
            line += f" -> {self.slug}"
            if self.encoding and self.encoding != "utf-8":
                line += f" (read as {self.encoding.upper()})"
        return line


@dataclass
class ImportReport:
    dry_run: bool = False
    results: list[ImportResult] = field(default_factory=list)

    @property
    def counts(self) -> Counter[Outcome]:
        return Counter(result.outcome for result in self.results)

    @property
    def failed(self) -> list[ImportResult]:
        return [result for result in self.results if result.outcome is Outcome.FAILED]

    def summary(self) -> str:
        """``created: 3, updated: 0, unchanged: 2, failed: 1``, and what was ignored."""
        counts = self.counts
        line = ", ".join(
            f"{outcome_verb(outcome, dry_run=self.dry_run)}: {counts[outcome]}"
            for outcome in (Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED, Outcome.FAILED)
        )
        if counts[Outcome.IGNORED]:
            line += f" ({counts[Outcome.IGNORED]} other files ignored)"
        if self.dry_run:
            line += "; dry run, nothing was written"
        return line


# --- writing ------------------------------------------------------------------------


def category_for(names: list[str], cache: dict[str, Category] | None = None) -> Category | None:
    """The last of a post's categories, each nested in the one before (Jekyll's order).

    Names are unique, so a category that exists already is reused where it stands
    rather than moved under the post's other categories.
    """
    cache = {} if cache is None else cache
    parent = None
    for name in names:
        name = name[:CATEGORY_NAME_MAX_LENGTH]
        category = cache.get(name)
        if category is None:
            category, _ = Category.objects.get_or_create(name=name, defaults={"parent": parent})
            cache[name] = category
        parent = category
    return parent


class NoteImporter:
    """One import run. It remembers what every file of the run looks up again
    (imported sources, slugs, categories, titles for duplicate warnings) and forgets
    it when a file fails, since that file's rows were rolled back.

    Files are written in batches of ``batch_size`` per transaction, each file in its
    own savepoint: a bad file is rolled back alone, and ten thousand files cost a
    few dozen commits instead of ten thousand. Counts, the content version and the
    search index follow once per batch. A batch that cannot be committed is written
    again one file per transaction.
    """

    batch_size = 200

    def __init__(self, *, default_status: str = Note.Status.DRAFT, dry_run: bool = False):
        self.default_status = default_status
        self.dry_run = dry_run
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
            prepared_in_parallel(items, matcher, self.known_sources) as prepared,
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
        return report

    def _import_batch(self, batch: list[tuple]) -> list[ImportResult]:
        # Read before the transaction: a failed query inside it, outside any file's
        # savepoint, would spoil the whole batch on PostgreSQL.
        self.known_sources()
        try:
            with (
                transaction.atomic(),
                # Inside the transaction: the numbers commit with the notes.
                counted_at_end(),
                content_version_bumped_at_end(),
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

    def import_one(self, item: NoteInput, prepared: PreparedFile | None = None) -> ImportResult:
        if item.size > MAX_FILE_BYTES:
            return ImportResult.failed(item.label, _too_large(item.size))
        try:
            if prepared is None:
                raw = item.read()
                digest = hashlib.sha256(raw).hexdigest()
            else:
                digest = prepared.digest
            # Unchanged files are recognised before they are even decoded.
            known = self.known_sources().get(item.key)
            if known and known[1] == digest:
                return ImportResult(item.label, Outcome.UNCHANGED)
            if prepared is not None and prepared.parsed is not None:
                parsed = prepared.parsed
            else:
                parsed = parse_note_bytes(raw if prepared is None else item.read(), name=item.name)
            # A savepoint inside the batch's transaction: this file alone, all or nothing.
            with counted_at_end(), transaction.atomic():
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
        if created:
            note = Note(source=parsed.source or item.key, front_matter={})
        old_title = note.title
        warnings: list[str] = []
        changed = apply_parsed_note(
            note, parsed, default_status=self.default_status, categories=self._categories
        )
        if not changed and not (parsed.slug and parsed.slug != note.slug):
            # Same note, different bytes (an export of it, say): remember the new bytes
            # without re-rendering or touching `updated`.
            Note.objects.filter(pk=note.pk).update(source_hash=digest)
            self._remember_source(note, digest)
            return ImportResult(item.label, Outcome.UNCHANGED, title=note.title, slug=note.slug)
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
        return ImportResult(
            item.label,
            Outcome.CREATED if created else Outcome.UPDATED,
            title=note.title,
            slug=note.slug,
            warnings=warnings,
        )

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
        return [f"possible duplicate of {slug} (same title)" for slug in others]


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


# Handed to the worker processes by fork: the matcher and the hashes already stored.
_worker_state: dict[str, Any] = {}


def _prepare_file(job: tuple[str, str, int]) -> PreparedFile | None:
    """Read, hash, parse and render one file; ``None`` leaves it all to the main process
    (which then reports any error the usual way)."""
    path, name, size = job
    if size > MAX_FILE_BYTES:
        return None
    try:
        raw = Path(path).read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if _worker_state["known"].get(path) == digest:
            return PreparedFile(digest)
        parsed = parse_note_bytes(raw, name=name)
    except (OSError, NoteFileError):
        return None
    rendered = None
    if not explicit_link_titles(parsed.body):
        rendered = render_note(parsed.body, _worker_state["matcher"])
    return PreparedFile(digest, parsed, rendered)


@contextlib.contextmanager
def prepared_in_parallel(
    items: Iterable[NoteInput | ImportResult],
    matcher,
    known_sources: Callable[[], dict[str, tuple[int, str]]],
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
    _worker_state["known"] = {source: digest for source, (_, digest) in known_sources().items()}
    jobs = [
        (str(item.path), item.name, item.size) if isinstance(item, NoteInput) and item.path
        else ("", "", MAX_FILE_BYTES + 1)
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


def _describe_error(error: Exception) -> str:
    messages = getattr(error, "message_dict", None)
    if messages:
        return "; ".join(f"{name}: {' '.join(texts)}" for name, texts in messages.items())
    return f"{type(error).__name__}: {error}"


def notes_from_source(source: str) -> NoteQuerySet:
    """The note imported from ``source`` (a unique key), found through its index.

    The unique index on ``source`` only covers non-empty values, and SQLite uses such
    a partial index only when the query repeats its condition; otherwise each lookup
    reads the whole table, bodies included, and a large import turns quadratic.
    """
    return Note.objects.filter(source=source).exclude(source="").order_by()


def exported_note_for(parsed: ParsedNote) -> Note | None:
    """The note a file written by export_notes stands for, if it is still here.

    A file normally updates the note imported from the same place. An exported file
    also carries its note's ``source``: it updates the note imported from there, or,
    for a note written in the admin (empty source), the note with its slug and no
    source. So re-importing an export into the same database updates the notes it
    came from instead of copying them.
    """
    if parsed.source:
        return notes_from_source(parsed.source).first()
    if parsed.source == "" and parsed.slug:
        return Note.objects.filter(slug=parsed.slug, source="").first()
    return None


def apply_parsed_note(
    note: Note,
    parsed: ParsedNote,
    *,
    default_status: str,
    categories: dict[str, Category] | None = None,
) -> bool:
    """Copy what the file says onto ``note``; True when anything differs.

    What the file does not say (a plain-text note has no tags or status) is left as
    it is on an existing note, so edits made in the admin survive a re-import.
    Tags are compared here and set by ``save_note``.
    """
    new = note.pk is None
    wanted: dict[str, Any] = {"title": parsed.title, "body": parsed.body}
    if parsed.status is not None or new:
        wanted["status"] = parsed.status or default_status
    if parsed.date is not None:
        wanted["created"] = parsed.date
    if parsed.excerpt is not None:
        wanted["excerpt"] = parsed.excerpt
    if parsed.extra is not None:
        wanted["front_matter"] = parsed.extra
    changed = new
    for name, value in wanted.items():
        if getattr(note, name) != value:
            setattr(note, name, value)
            changed = True
    if parsed.categories is not None:
        leaf = parsed.categories[-1][:CATEGORY_NAME_MAX_LENGTH] if parsed.categories else None
        if (note.category.name if note.category_id else None) != leaf:
            note.category = category_for(parsed.categories, categories)
            changed = True
    if parsed.tags is not None and not new:
        current = {name.casefold() for name in note.tags.names()}
        changed |= current != {name.casefold() for name in parsed.tags}
    return changed


def choose_slug(
    wanted: str, title: str, *, exclude_pk: int | None = None, taken: set[str] | None = None
) -> tuple[str, str]:
    """The slug a file asks for when it is a valid free slug, else one made from it
    (or from the title); the second value is a warning when the wish was not met.

    ``taken``, every slug in use (for a new note), saves asking the database.
    """
    valid = bool(wanted) and len(wanted) <= SLUG_MAX_LENGTH and _SLUG.match(wanted) is not None
    base = (
        wanted
        if valid
        else slugify_unicode(wanted or title, fallback="note", max_length=SLUG_MAX_LENGTH)
    )
    others = Note.objects.exclude(pk=exclude_pk) if exclude_pk else Note.objects.all()
    slug = base
    in_use = base in taken if taken is not None and exclude_pk is None else None
    if in_use is None:
        in_use = others.filter(slug=base).exists()
    if in_use:
        slug = unique_slug(others, base, fallback="note", max_length=SLUG_MAX_LENGTH)
    if wanted and slug != wanted:
        reason = "is taken" if valid else "is not a valid slug"
        return slug, f'slug "{wanted}" {reason}; saved as "{slug}"'
    return slug, ""


def save_note(note: Note, tags: list[str] | list[Tag] | None) -> Note:
    """Validate and save ``note`` and, when given, its tags, in one transaction."""
    # Without a savepoint: inside an import the file's own savepoint already makes
    # this all-or-nothing, and a savepoint per note is two more statements.
    with transaction.atomic(savepoint=False):
        # Uniqueness of slug and source was settled by the caller; the database
        # constraints still guard against a concurrent writer.
        note.full_clean(exclude=["category"], validate_unique=False, validate_constraints=False)
        new = note._state.adding
        if tags and new:
            tags = list({tag.pk: tag for tag in map(_tag_object, tags)}.values())
            # The first version in the history holds the tags about to be added.
            note._tag_names_when_created = ", ".join(
                sorted((tag.name for tag in tags), key=str.casefold)
            )
        note.save()
        if tags and new:
            add_tags_to_new_note(note, tags)
        elif tags is not None and not new:
            note.tags.set(tags)
    return note


def tag_named(name: str) -> Tag:
    """The tag of that name, compared case-insensitively as taggit is set to, or a new one."""
    return Tag.objects.filter(name__iexact=name).order_by("pk").first() or Tag.objects.create(
        name=name
    )


def _tag_object(tag: str | Tag) -> Tag:
    return tag if isinstance(tag, Tag) else tag_named(tag)


def add_tags_to_new_note(note: Note, unique: list[Tag]) -> None:
    """``note.tags.add()`` in one INSERT: a new note has no tags to compare with.

    ``unique`` holds each tag once. taggit's add() looks up and inserts each tag's row
    on its own; at ten thousand notes that is most of an import's queries. The same
    m2m_changed signals are sent so that anything kept in step with tags (the search
    index, the counts) still hears of it.
    """
    pk_set = {tag.pk for tag in unique}
    through = Note.tags.through
    signal_kwargs = {"sender": through, "instance": note, "reverse": False, "model": Tag,
                     "pk_set": pk_set, "using": note._state.db}  # fmt: skip
    m2m_changed.send(action="pre_add", **signal_kwargs)
    through.objects.bulk_create([through(content_object=note, tag=tag) for tag in unique])
    m2m_changed.send(action="post_add", **signal_kwargs)


def save_parsed_note(parsed: ParsedNote, *, source: str = "", default_status: str) -> Note:
    """Create a note from ``parsed`` in one transaction (load_sample_content's path)."""
    note = Note(source=source, front_matter={})
    with transaction.atomic():
        apply_parsed_note(note, parsed, default_status=default_status)
        note.slug, _ = choose_slug(parsed.slug, parsed.title)
        return save_note(note, parsed.tags)


# --- entry points -------------------------------------------------------------------


def import_paths(
    paths: Iterable[str | Path],
    *,
    dry_run: bool = False,
    default_status: str = Note.Status.DRAFT,
    on_result: Callable[[ImportResult, int], None] | None = None,
) -> ImportReport:
    """Import files and folders (recursively), one transaction per file."""
    importer = NoteImporter(default_status=default_status, dry_run=dry_run)
    return importer.run(collect_paths(paths), on_result=on_result)


def import_uploads(
    files: Iterable[Any], *, dry_run: bool = False, default_status: str = Note.Status.DRAFT
) -> ImportReport:
    """Import uploaded ``.md``/``.markdown``/``.txt`` files and ``.zip`` archives of them."""
    importer = NoteImporter(default_status=default_status, dry_run=dry_run)
    return importer.run(collect_uploads(files))


def import_note_file(
    path: str | Path, *, dry_run: bool = False, default_status: str = Note.Status.DRAFT
) -> ImportResult:
    """Import one file; its outcome says what happened (or would have)."""
    return import_paths([path], dry_run=dry_run, default_status=default_status).results[0]
