"""Review cards written as an Anki deck (``.apkg``) with ``genanki``.

Every card keeps the same Anki note from one export to the next: its guid comes from
the card's row id, and the deck's and the model's ids from fixed strings, so importing
a newer deck updates the notes a learner already studies (and keeps their progress)
instead of adding copies.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape, unescape
from typing import IO
from urllib.parse import urljoin

import genanki

# Changing this string makes Anki see a new note type; it names the model, not a version.
MODEL_KEY = "pynotes-card-model"
GUID_NAMESPACE = "pynotes-card"

# What a card looks like in Anki beside the code colours the caller adds: cloze blanks
# and answers stand out, the link back to the note is quieter than the card.
CARD_CSS = """
.card { font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC",
  "Microsoft YaHei", sans-serif; font-size: 20px; line-height: 1.5; text-align: left;
  color: #1e1e1e; background: #fff; }
.card pre { overflow-x: auto; padding: 0.5em; font-size: 0.85em; }
.cloze { font-weight: bold; color: #0b57d0; }
.nightMode .cloze { color: #8ab4f8; }
mark { background: #fff3b0; color: inherit; }
.nightMode mark, .nightMode mark.cloze { background: #5c4b00; color: #fff; }
.source { margin-top: 1em; font-size: 0.75em; }
"""

_FRONT_TEMPLATE = "{{Front}}"
_BACK_TEMPLATE = '{{FrontSide}}\n<hr id="answer">\n{{Back}}\n<div class="source">{{Source}}</div>'


@dataclass(frozen=True)
class ExportCard:
    """One card ready for Anki: sanitised faces and where it comes from."""

    card_id: int
    front_html: str
    back_html: str
    source_title: str
    # The absolute address of the card's place: a note's heading or a topic page.
    source_url: str


def stable_id(key: str) -> int:
    """An id for a model or a deck, the same for the same key on every run.

    Anki keeps ids in signed 64-bit columns, but genanki's examples and some Anki
    versions expect them between 1 and 2**31, so the hash is cut to that range.
    """
    number = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
    return number % (2**31 - 1) + 1


def card_guid(card_id: int) -> str:
    """The guid of a card's Anki note: Anki updates the note with the same guid."""
    guid: str = genanki.guid_for(GUID_NAMESPACE, card_id)
    return guid


def source_html(card: ExportCard) -> str:
    return f'<a href="{escape(card.source_url)}">{escape(card.source_title)}</a>'


def _model(css: str) -> genanki.Model:
    return genanki.Model(
        stable_id(MODEL_KEY),
        "Python notes card",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Source"}],
        templates=[{"name": "Card", "qfmt": _FRONT_TEMPLATE, "afmt": _BACK_TEMPLATE}],
        css=css,
    )


def write_deck(
    cards: Iterable[ExportCard],
    path: str | os.PathLike[str] | IO[bytes],
    *,
    deck_name: str,
    deck_key: str,
    css: str = "",
) -> int:
    """Write ``cards`` as an Anki package to ``path`` (a file name or a binary file open
    for writing) and return how many were written.

    ``deck_key`` names the deck for Anki across exports (the same key, the same deck);
    ``css`` goes into the note type, for code colours and cloze blanks.
    """
    model = _model(css)
    deck = genanki.Deck(stable_id(deck_key), deck_name)
    count = 0
    for card in cards:
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[card.front_html, card.back_html, source_html(card)],
                guid=card_guid(card.card_id),
            )
        )
        count += 1
    genanki.Package(deck).write_to_file(path)
    return count


# An HTML start tag, its attributes quoted as a serialiser writes them; inside a text
# node of sanitised HTML "<" is always escaped, so a literal one starts a tag.
_TAG = re.compile(
    r"""<[a-zA-Z][^\s/>]*"""
    r"""(?P<attributes>(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>`]+))?)*)"""
    r"""\s*/?>"""
)
# One attribute of such a tag; matched one after another from the tag's name on, so
# that a quoted value holding "href=" is read as the value it is.
_ATTRIBUTE = re.compile(
    r"""(?P<before>\s+(?P<name>[^\s"'>/=]+)\s*=\s*)"""
    r"""(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>[^\s"'<>`]+))"""
    r"""|\s+[^\s"'>/=]+"""
)
_URL_ATTRIBUTES = {"href", "src"}


def absolute_links(html: str, base_url: str) -> str:
    """``html`` with its site-relative ``href`` and ``src`` addresses (``/topics/gil/``)
    made absolute on ``base_url``, for a card read outside the site.

    Addresses that are already absolute, protocol-relative (``//host``), fragments or
    relative to the page are left as they are; so is text that only looks like an
    attribute (an HTML example inside a code block).
    """

    def attribute(match: re.Match[str]) -> str:
        name = match.group("name")
        if name is None or name.lower() not in _URL_ATTRIBUTES:
            return match.group(0)
        raw = match.group("double")
        if raw is None:
            raw = match.group("single")
        if raw is None:
            raw = match.group("bare")
        value = unescape(raw)
        if not value.startswith("/") or value.startswith("//"):
            return match.group(0)
        return f'{match.group("before")}"{escape(urljoin(base_url, value))}"'

    def tag(match: re.Match[str]) -> str:
        text = match.group(0)
        name_end = match.start("attributes") - match.start(0)
        return text[:name_end] + _ATTRIBUTE.sub(attribute, text[name_end:])

    return _TAG.sub(tag, html)
