"""Lines that keep their own line breaks, so that joining them gives the text back exactly."""

from __future__ import annotations

import re

_LINE = re.compile(r".*?(?:\r\n|\r|\n)|.+", re.DOTALL)
_LEADING_BREAK = re.compile(r"\r\n|\r|\n")
_TRAILING_BREAK = re.compile(r"(?:\r\n|\r|\n)\Z")


def lines_of(text: str) -> list[str]:
    """Lines with their own line breaks (CRLF, LF or CR), so joining them is exact."""
    return _LINE.findall(text)


def is_blank(line: str) -> bool:
    return not line.strip()


def drop_one_line_break(text: str, *, at_start: bool) -> str:
    match = _LEADING_BREAK.match(text) if at_start else _TRAILING_BREAK.search(text)
    if match is None:
        return text
    return text[match.end() :] if at_start else text[: match.start()]
