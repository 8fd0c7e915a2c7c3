"""Bytes to text: which encoding a note file is in, and refusing what is not text."""

from __future__ import annotations

import codecs
import re

from . import limits
from .parsed import NoteFileError

# C0 controls other than tab, line breaks, form feed and escape: plenty of them
# means the bytes decoded by luck and are not text.
_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def decode_note_bytes(raw: bytes) -> tuple[str, str]:
    """The text of a note file and the encoding found: UTF-8 (with or without BOM),
    UTF-16 with BOM, else GB18030 (a superset of GBK and GB2312). Binary and
    undecodable files are refused rather than guessed at."""
    if len(raw) > limits.MAX_FILE_BYTES:
        raise NoteFileError(limits.too_large(len(raw)))
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
