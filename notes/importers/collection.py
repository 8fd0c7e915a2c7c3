"""Where notes come from: files and folders on disk, uploads, zip archives."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.utils import timezone

from . import limits
from .parsed import NoteFileError
from .report import ImportResult

NOTE_SUFFIXES = (".md", ".markdown", ".txt")
# Folders that hold no notes of their own: Jekyll's generated site, macOS zip residue.
SKIPPED_FOLDERS = {"_site", "__MACOSX", "node_modules"}


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
    # When the file was last changed, if its source says (a file on disk, a zip member).
    modified: dt.datetime | None = None

    @classmethod
    def from_path(cls, path: Path, *, label: str | None = None) -> NoteInput:
        resolved = path.resolve()
        stat = resolved.stat()
        return cls(
            key=str(resolved),
            label=label or str(path),
            name=path.name,
            size=stat.st_size,
            read=resolved.read_bytes,
            path=resolved,
            modified=dt.datetime.fromtimestamp(stat.st_mtime, tz=dt.UTC),
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


def unpacked_bytes(files: Iterable[Any]) -> int:
    """The bytes that uploads hold once unpacked: a zip's members by its directory
    (nothing is decompressed), other files by their size."""
    total = 0
    for upload in files:
        if upload.name.lower().endswith(".zip"):
            try:
                with zipfile.ZipFile(upload) as archive:
                    total += sum(info.file_size for info in archive.infolist())
            except (zipfile.BadZipFile, OSError):
                total += upload.size  # reported as unreadable when it is imported
            finally:
                upload.seek(0)
        else:
            total += upload.size
    return total


UPLOAD_PREFIX = "upload:"


def upload_key(uploader: str, *names: str) -> str:
    """The ``source`` of an uploaded note: who uploaded it, and the names of the
    upload and of the member inside it. Two people's ``notes.md``, or the
    ``notes.md`` of two archives, are different notes; the same file uploaded
    again by the same person is the same note."""
    who = f"{uploader}/" if uploader else ""
    return UPLOAD_PREFIX + who + "/".join(names)


def collect_uploads(
    files: Iterable[Any], *, uploader: str = ""
) -> Iterator[NoteInput | ImportResult]:
    """Note files uploaded one by one or inside ``.zip`` archives.

    Members are read lazily, while the archive is still open.
    """
    for upload in files:
        name = PurePosixPath(upload.name.replace("\\", "/")).name
        if name.lower().endswith(".zip"):
            yield from _zip_members(upload, name, uploader)
        elif name.lower().endswith(NOTE_SUFFIXES):
            yield NoteInput(
                key=upload_key(uploader, name),
                label=name,
                name=name,
                size=upload.size,
                read=upload.read,
            )
        else:
            yield ImportResult.ignored(name, "not a .md, .markdown, .txt or .zip file")


def _zip_members(
    upload: IO[bytes], zip_name: str, uploader: str
) -> Iterator[NoteInput | ImportResult]:
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError) as error:
        yield ImportResult.failed(zip_name, f"not a readable zip file ({error})")
        return
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > limits.MAX_ZIP_MEMBERS:
            yield ImportResult.failed(
                zip_name,
                f"holds {len(members):,} files, more than the {limits.MAX_ZIP_MEMBERS:,} allowed",
            )
            return
        total = sum(info.file_size for info in members)
        if total > limits.MAX_ZIP_BYTES:
            yield ImportResult.failed(
                zip_name,
                f"unpacks to {total:,} bytes, more than the "
                f"{limits.MAX_ZIP_BYTES // limits.MiB} MiB allowed",
            )
            return
        for info in members:
            member = _member_name(info)
            label = f"{zip_name}: {member}"
            parts = PurePosixPath(member).parts
            if _is_unsafe(member):
                yield ImportResult.failed(
                    label, "unsafe path: it points outside the archive (../ or an absolute path)"
                )
            elif any(part in SKIPPED_FOLDERS or _is_skipped(part) for part in parts):
                yield ImportResult.ignored(label, "hidden file or macOS metadata")
            elif not member.lower().endswith(NOTE_SUFFIXES):
                yield ImportResult.ignored(label, _NOT_A_NOTE)
            else:
                yield NoteInput(
                    key=upload_key(uploader, zip_name, member),
                    label=label,
                    name=PurePosixPath(member).name,
                    size=info.file_size,
                    read=_member_reader(archive, info),
                    modified=_member_time(info),
                )


_UNSAFE_PART = re.compile(r"^(?:\.\.|[A-Za-z]:)$")


def _is_unsafe(member: str) -> bool:
    """A name that would climb out of the folder it is unpacked in: ``../x``, ``/etc/x``
    or ``C:\\x``. Nothing is ever written to disk here, but such a name is a sign of a
    crafted archive, and the person uploading it should hear so."""
    name = member.replace("\\", "/")
    return name.startswith("/") or any(_UNSAFE_PART.match(part) for part in name.split("/"))


def _member_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    def read() -> bytes:
        # A member that lies about its size still stops here, one byte past the limit.
        try:
            with archive.open(info) as member:
                return member.read(limits.MAX_FILE_BYTES + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise NoteFileError(
                "this file is damaged inside the archive (its bytes do not match the "
                "archive's checksum or cannot be unpacked); zip the notes again"
            ) from error
        except NotImplementedError as error:
            raise NoteFileError(
                "this file is packed with a compression method that cannot be read here"
            ) from error
        except RuntimeError as error:  # zipfile's way of saying "encrypted"
            raise NoteFileError("this file is encrypted in the archive") from error

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
    return name


def _member_time(info: zipfile.ZipInfo) -> dt.datetime | None:
    """A zip member's modification time; zips store local time without a zone, so
    it is read in the site's time zone. A zero or impossible stamp says nothing."""
    with contextlib.suppress(ValueError, OverflowError):
        if info.date_time[0] > 1980 or info.date_time[1:3] != (1, 1):
            return timezone.make_aware(dt.datetime(*info.date_time))
    return None
