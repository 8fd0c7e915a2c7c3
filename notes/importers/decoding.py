"""Bytes to text: which encoding a note file is in, and refusing what is not text.

UTF-8 (with or without a BOM) and UTF-16 with a BOM are certain. Anything else is
handed to charset-normalizer, limited to the encodings learners' notes come in
(GB18030, a superset of GBK and GB2312; Big5, Traditional Chinese; UTF-16 without
a BOM), and its reading is accepted only when it is coherent text. A file that
starts like a known binary format is refused before any of that: a PNG named
``.md`` must not become a note titled "塒ng".
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from . import limits
from .parsed import NoteFileError

# C0 controls other than tab, line breaks, form feed and escape: plenty of them
# means the bytes decoded by luck and are not text.
_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")

# How binary formats begin (their "magic numbers"), and what to call them.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (or a Word, Excel or EPUB file)"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"\x7fELF", "an ELF program"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\xca\xfe\xba\xbe", "a Java class or Mach-O program"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O program"),
    (b"\x00asm", "a WebAssembly module"),
    (b"OggS", "an Ogg audio file"),
    (b"fLaC", "a FLAC audio file"),
    (b"ID3", "an MP3 audio file"),
)
# RIFF (WebP, WAV, AVI) and ISO media (MP4, MOV, HEIC) say what they are a few bytes in.
_RIFF = re.compile(rb"^RIFF....(WEBP|WAVE|AVI )", re.DOTALL)
_ISO_MEDIA = re.compile(rb"^....ftyp", re.DOTALL)

ACCEPTED = "UTF-8, UTF-16, GB18030/GBK or Big5"
# charset-normalizer's names for the encodings tried when a file is not UTF-8.
_CANDIDATES = ["gb18030", "big5", "utf_16_le", "utf_16_be"]
_NAMES = {"gb18030": "gb18030", "big5": "big5", "utf_16_le": "utf-16", "utf_16_be": "utf-16"}
# How disordered a reading may be (charset-normalizer's "chaos", 0 to 1) and how
# few of its Chinese characters may be everyday ones before it counts as mojibake.
MAX_CHAOS = 0.2
MIN_COMMON_HAN = 0.75
MIN_READABLE = 0.8

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# What notes are written with: Chinese characters, ASCII, CJK and general punctuation,
# kana, Latin letters with accents. Box-drawing signs and the like are not.
_READABLE = re.compile(
    r"[\u3400-\u9fff\uf900-\ufaff\u0021-\u007e\u00a1-\u024f\u2010-\u2027\u2030-\u205e"
    r"\u3000-\u30ff\uff00-\uffef]"
)


def binary_format(raw: bytes) -> str | None:
    """What binary format ``raw`` starts like, if any."""
    for signature, name in _BINARY_SIGNATURES:
        if raw.startswith(signature):
            return name
    if _RIFF.match(raw):
        return "a RIFF media file"
    if _ISO_MEDIA.match(raw):
        return "an MP4 or QuickTime media file"
    return None


def decode_note_bytes(raw: bytes) -> tuple[str, str]:
    """The text of a note file and the encoding found: ``utf-8``, ``utf-16``,
    ``gb18030`` or ``big5``. Binary files and bytes that read as no coherent text
    in any of them are refused with a sentence saying so, never guessed at."""
    if len(raw) > limits.MAX_FILE_BYTES:
        raise NoteFileError(limits.too_large(len(raw)))
    if not raw.strip():
        raise NoteFileError("the file is empty")
    kind = binary_format(raw)
    if kind is not None:
        raise NoteFileError(f"binary file: it starts like {kind}, not a text note")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _checked(raw.decode("utf-16")), "utf-16"
        except UnicodeDecodeError as error:
            raise NoteFileError("starts like UTF-16 text but does not decode") from error
    try:
        return _checked(raw.decode("utf-8-sig")), "utf-8"
    except UnicodeDecodeError:
        pass
    text, encoding = _detect(raw)
    return _checked(text), encoding


def _checked(text: str) -> str:
    if len(_CONTROL.findall(text)) > len(text) // 100:
        raise NoteFileError("binary file (it is full of control characters)")
    if "\x00" in text:
        raise NoteFileError("binary file (it contains NUL bytes), not a text note")
    return text


def _detect(raw: bytes) -> tuple[str, str]:
    matches = list(charset_normalizer.from_bytes(raw, cp_isolation=_CANDIDATES))
    readings = []
    for match in matches:
        if match.encoding not in _NAMES:
            continue
        text = str(match)
        score = readable_share(text) * common_han_share(text) - match.chaos
        # On a tie the more common encoding wins: GB18030, then Big5, then UTF-16.
        preference = -_CANDIDATES.index(match.encoding)
        readings.append(((score, preference), match.chaos, text, match.encoding))
    if not readings:
        if b"\x00" in raw:
            raise NoteFileError("binary file (it contains NUL bytes), not a text note")
        raise NoteFileError(f"not text in {ACCEPTED}: cannot decode it")
    # Short Chinese texts decode without error as GB18030, Big5 and even UTF-16; the
    # reading made of everyday characters is the one the author wrote.
    _, chaos, text, encoding = max(readings, key=lambda reading: reading[0])
    if not text.strip():
        # Full-width spaces in GB18030 or Big5: nothing to read, as in any encoding.
        raise NoteFileError("the file is empty")
    name = _NAMES[encoding]
    if (
        chaos > MAX_CHAOS
        or common_han_share(text) < MIN_COMMON_HAN
        or readable_share(text) < MIN_READABLE
    ):
        raise NoteFileError(
            f"not text in {ACCEPTED}: read as {name.upper()} it gives garbled characters, "
            "so it was not imported rather than imported as nonsense"
        )
    return text, name


def readable_share(text: str) -> float:
    """The share of the visible characters in ``text`` that writing is made of."""
    visible = [char for char in text if not char.isspace()]
    if not visible:
        return 0.0
    return sum(1 for char in visible if _READABLE.match(char)) / len(visible)


def common_han_share(text: str) -> float:
    """The share of the Chinese characters in ``text`` that are everyday ones (1.0
    when there are none). Garbled text decoded in the wrong Chinese encoding is made
    of rare characters; a real note, Simplified or Traditional, of common ones.

    Everyday means: in the first level of GB2312 (the 3,755 most used Simplified
    characters) or among Big5's 5,401 frequently used Traditional characters.
    """
    han = _HAN.findall(text)
    if not han:
        return 1.0
    return sum(1 for char in han if _is_common(char)) / len(han)


def _is_common(char: str) -> bool:
    try:
        if 0xB0 <= char.encode("gb2312")[0] <= 0xD7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        return 0xA4 <= char.encode("big5")[0] <= 0xC6
    except UnicodeEncodeError:
        return False
