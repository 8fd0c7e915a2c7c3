"""Control and invisible characters: refused in names, kept out of HTML and XML.

Pure: text in, text out. Notes pasted from a terminal hold its colour codes
(``\\x1b[31mFAILED\\x1b[0m``), and text copied from elsewhere may hold form feeds,
zero-width spaces or direction overrides. A name (a title, a topic, an alias, a tag)
is refused when it holds them; a body keeps them as written, and what is made from it
(rendered HTML, feeds, map exports) shows the colours as classes and drops the rest.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .note_rendering import RenderedNote

    Rendering = TypeVar("Rendering", bound=RenderedNote)

# What XML 1.0 cannot hold (C0 controls but tab, line feed and carriage return; lone
# surrogates; U+FFFE and U+FFFF), with DEL and the C1 controls, which it can hold but
# which mean nothing in a note and show as boxes.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# A name holds none of those, nor a tab or a line break.
_NAME_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Terminal escape sequences: CSI (colours, cursor moves) and OSC (window titles, links),
# the latter only when it ends: an ESC ] left open must not swallow the text after it.
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]{0,500}(?:\x07|\x1b\\)")
# The same in rendered HTML, where highlighting may have put tags inside a sequence
# (``\x1b<span class="p">[</span><span class="mi">31</span>m``).
_TAG = r"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"
_HTML_TOKEN = re.compile(rf"{_TAG}|[^<]+|<")
_CSI_IN_TEXT = re.compile(r"\x1b\[([0-?]*)[ -/]*([@-~])")
# A character reference to one of them (``&#27;``), which a browser would decode.
_CONTROL_REFERENCE = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,6})|0*([0-9]{1,7}));")
# Right-to-left embeddings, overrides and isolates: they can make a name read as
# something else than what it holds.
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Letters and signs that draw nothing, beside the format characters (category Cf).
_BLANK_SIGNS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5\u180e")
# Terminal colours reset where a paragraph, a list item, a cell or a code block ends.
_BLOCK_END = re.compile(r"</(?:p|pre|li|td|th|h[1-6]|blockquote|div)\s*>", re.IGNORECASE)

_COLOURS = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")


def xml_safe(text: str) -> str:
    """``text`` without terminal escape sequences and without any character XML 1.0
    cannot hold: what the feeds and the map exports write."""
    if not text:
        return text
    return _NOT_TEXT.sub("", _ESCAPE.sub("", text))


def _control_in_name(value: str) -> str | None:
    match = _NAME_CONTROL.search(value) or _BIDI_CONTROL.search(value)
    return match.group() if match else None


def is_invisible(value: str) -> bool:
    """Whether ``value`` draws nothing: spaces, zero-width and other format characters."""
    return all(
        char.isspace() or char in _BLANK_SIGNS or unicodedata.category(char) in {"Cc", "Cf"}
        for char in value
    )


def validate_visible_name(value: str, *, field: str | None = None) -> None:
    """Refuse a name holding a control character or a direction override, or drawing
    nothing; an empty name is left to the field's own ``blank`` rule. With ``field``,
    the error is that field's, as a model's ``clean()`` raises it."""
    error = _name_error(value) if value else None
    if error is not None:
        raise ValidationError({field: error} if field else error)


def _name_error(value: str) -> ValidationError | None:
    character = _control_in_name(value)
    if character is not None:
        if _BIDI_CONTROL.match(character):
            message = _(
                "This holds a character that reverses the direction of text (%(code)s), "
                "which can disguise what it says: remove it."
            )
        else:
            message = _(
                "This holds a control character (%(code)s), such as a form feed or a "
                "terminal colour code, which cannot be shown or written to feeds: remove it."
            )
        code = f"U+{ord(character):04X}"
        return ValidationError(message, code="control_character", params={"code": code})
    if is_invisible(value):
        return ValidationError(
            _("This holds only invisible characters: write something readers can see."),
            code="invisible",
        )
    return None


def name_without_controls(value: str) -> tuple[str, str]:
    """A name from a file with its control characters and direction overrides taken out
    (a tab, a line break or a form feed becomes a space), and a warning naming them, or
    ``""``."""
    removed = sorted({f"U+{ord(char):04X}" for char in value if _control_in_name(char)})
    if not removed:
        return value, ""
    cleaned = _BIDI_CONTROL.sub("", _ESCAPE.sub("", value))
    cleaned = _NAME_CONTROL.sub(lambda match: " " if match[0].isspace() else "", cleaned)
    cleaned = re.sub("  +", " ", cleaned).strip()
    return cleaned, f"removed control characters ({', '.join(removed)}) from {value!r}"


def without_control_characters(rendering: Rendering) -> Rendering:
    """A note's rendering (``RenderedNote``) with terminal colours as classes in its
    HTML and every other control character dropped from its HTML, headings, excerpt,
    text and topic snippets; the body it was made from stays as written."""
    if not _needs_cleaning(rendering.html):
        return rendering
    html = html_with_terminal_colours(rendering.html)
    return replace(
        rendering,
        html=html,
        headings=[[*heading[:-1], xml_safe(heading[-1])] for heading in rendering.headings],
        excerpt=xml_safe(rendering.excerpt),
        text=xml_safe(rendering.text),
        links=replace(
            rendering.links,
            html=html,
            snippets={key: xml_safe(text) for key, text in rendering.links.snippets.items()},
        ),
    )


def html_with_terminal_colours(html: str) -> str:
    """Sanitised HTML with terminal colour codes in its text turned into ``<span
    class="ansi-red">``-like spans (classes only: the CSP forbids inline styles), and
    every other control character, and reference to one, dropped.

    A colour runs until it is reset or its block (paragraph, code block, list item)
    ends. Tags are never split: a colour crossing one is closed before it and opened
    again after, so the HTML stays as well nested as it was.
    """
    if not _needs_cleaning(html):
        return html
    html = _CONTROL_REFERENCE.sub(lambda match: "" if _is_not_text(match) else match[0], html)
    tokens = [token[0] for token in _HTML_TOKEN.finditer(html)]
    # The text alone, where highlighting's tags no longer cut sequences in pieces.
    texts, block_ends, offset = [], {0}, 0
    for token in tokens:
        if _is_tag(token):
            if _BLOCK_END.match(token):
                block_ends.add(offset)
        else:
            texts.append(token)
            offset += len(token)
    joined = "".join(texts)
    classes = _classes_of(joined, sorted(block_ends | {len(joined)}))
    output, offset = [], 0
    for token in tokens:
        if _is_tag(token):
            output.append(xml_safe(token))
        else:
            output.append(_coloured(token, classes[offset : offset + len(token)]))
            offset += len(token)
    return "".join(output)


def _is_tag(token: str) -> bool:
    return token.startswith("<") and len(token) > 1


def _needs_cleaning(html: str) -> bool:
    return bool(_NOT_TEXT.search(html)) or any(
        _is_not_text(match) for match in _CONTROL_REFERENCE.finditer(html)
    )


def _is_not_text(reference: re.Match[str]) -> bool:
    hexadecimal, decimal = reference.groups()
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    return code > 0x10FFFF or bool(_NOT_TEXT.match(chr(code)))


def _classes_of(text: str, bounds: list[int]) -> list[str | None]:
    """For each character of ``text``, the classes of the colours in force, or None for
    a character of an escape sequence; colours start afresh at each of ``bounds``."""
    classes: list[str | None] = []
    for start, end in itertools.pairwise(bounds):
        state: dict[str, str] = {}
        position = start
        for match in _CSI_IN_TEXT.finditer(text, start, end):
            classes += [_class_names(state)] * (match.start() - position)
            classes += [None] * (match.end() - match.start())
            if match[2] == "m":
                _apply_sgr(state, match[1])
            position = match.end()
        classes += [_class_names(state)] * (end - position)
    return classes


def _coloured(text: str, classes: list[str | None]) -> str:
    parts: list[str] = []
    run: list[str] = []
    current = ""
    for char, names in zip(text, classes, strict=True):
        if names is None or _NOT_TEXT.match(char):
            continue
        if names != current and run:
            parts.append(_span(current, "".join(run)))
            run = []
        current = names
        run.append(char)
    if run:
        parts.append(_span(current, "".join(run)))
    return "".join(parts)


def _span(names: str, text: str) -> str:
    return f'<span class="{names}">{text}</span>' if names else text


def _class_names(state: dict[str, str]) -> str:
    return " ".join(state[key] for key in ("weight", "style", "line", "fg", "bg") if key in state)


_SIMPLE_SGR = {
    1: ("weight", "ansi-bold"),
    2: ("weight", "ansi-faint"),
    3: ("style", "ansi-italic"),
    4: ("line", "ansi-underline"),
    22: ("weight", None),
    23: ("style", None),
    24: ("line", None),
    39: ("fg", None),
    49: ("bg", None),
}


def _apply_sgr(state: dict[str, str], parameters: str) -> None:
    """Change ``state`` as a terminal does on ``ESC [ parameters m`` (colours and the
    common text attributes; blinking and the like are dropped)."""
    codes = [int(code) if code.isdigit() else 0 for code in parameters.split(";")]
    index = 0
    while index < len(codes):
        code = codes[index]
        index += 1
        if code == 0:
            state.clear()
        elif code in _SIMPLE_SGR:
            key, value = _SIMPLE_SGR[code]
            if value is None:
                state.pop(key, None)
            else:
                state[key] = value
        elif 30 <= code <= 37 or 90 <= code <= 97:
            state["fg"] = _colour(code % 10, bright=code >= 90)
        elif 40 <= code <= 47 or 100 <= code <= 107:
            state["bg"] = _colour(code % 10, bright=False, background=True)
        elif code in (38, 48):
            # 256 colours (5;n), of which the first sixteen have a class, or true colour
            # (2;r;g;b), which has none.
            mode = codes[index] if index < len(codes) else None
            if mode == 5 and index + 1 < len(codes) and codes[index + 1] < 16:
                colour = codes[index + 1]
                key = "fg" if code == 38 else "bg"
                state[key] = _colour(colour % 8, bright=colour >= 8, background=key == "bg")
            index += 2 if mode == 5 else 4 if mode == 2 else 0


def _colour(number: int, *, bright: bool, background: bool = False) -> str:
    if background:
        return f"ansi-bg-{_COLOURS[number]}"
    return f"ansi-{'bright-' if bright else ''}{_COLOURS[number]}"
