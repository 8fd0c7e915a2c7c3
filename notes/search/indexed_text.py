"""What the index holds for a note: its case-folded text and the markers of its topics."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..markdown import plain_text

_PAD = "  "
# Topic markers in the index (``topic_marker``): private-use characters.
_MARK, _MAIN_MARK, _MARK_END = "\ue000", "\ue002", "\ue001"


def document_text(body_html: str, plain: str | None = None) -> str:
    """The readable text of a rendered body, without the headings' permalink signs.

    ``plain``, the body's ``plain_text`` when the caller has it, saves computing it again.
    """
    if plain is None:
        plain = plain_text(body_html)
    return " ".join(plain.replace("¶", " ").split())


def index_fields(
    title: str,
    body_html: str,
    tag_names: Iterable[str],
    plain: str | None = None,
    markers: str = "",
) -> dict[str, str]:
    """The columns of a note's ``SearchEntry``.

    Case-folded here, in Python, so that SQLite and PostgreSQL compare them with the
    query's case-folded terms in exactly the same way. Each ends with two spaces, so
    that every character, the last included, starts a trigram (see ``_expand``).
    ``markers`` (``topic_markers``) follow the tag names.
    """
    tags = " ".join(sorted(name.casefold() for name in tag_names))
    return {
        "title": title.casefold() + _PAD,
        "tags": " ".join(filter(None, [tags, markers])) + _PAD,
        "body": document_text(body_html, plain).casefold() + _PAD,
    }


def topic_marker(key: int, *, main: bool = False) -> str:
    """The token that records in the index that a note mentions topic ``key`` (or, with
    ``main``, is mainly about it). Private-use characters, which queries never hold."""
    return f"{_MAIN_MARK if main else _MARK}t{key}{_MARK_END}"


def topic_markers(mentions: Mapping[int, int], main_topics: Iterable[int] = ()) -> str:
    """The markers of a note that mentions topics (key -> count): one for each, and one
    more for its main subjects, the topics it mentions most and ``main_topics`` (the
    topic its category is named after)."""
    most = max(mentions.values(), default=0)
    main = {key for key, count in mentions.items() if count == most} | set(main_topics)
    markers = [topic_marker(key) for key in sorted(set(mentions) | main)]
    markers += [topic_marker(key, main=True) for key in sorted(main)]
    return " ".join(markers)
