"""A note's main language, told from its text. Pure."""

from __future__ import annotations

import re

CHINESE = "zh"
ENGLISH = "en"

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def main_language(text: str) -> str:
    """Chinese when most of the letters in ``text`` are Chinese characters, else English.

    Give it prose: code in a Chinese note is mostly Latin letters, so the caller
    leaves code blocks out. An English word counts each of its letters, a Chinese
    word one per character, so a Chinese note full of ``Python`` and ``GIL`` stays
    Chinese as long as its sentences are.
    """
    han = len(_HAN.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    return CHINESE if han and han >= latin else ENGLISH
