"""Markdown to safe HTML.

A pure function: text in, sanitised HTML out. It imports no models and never
sees a request, so the admin preview, the importer and ``Note.save()`` share it
and it is tested without a database.
"""

from __future__ import annotations

import functools
import html
import re
import threading
import urllib.parse
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, TypeVar

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from pygments.formatters.html import HtmlFormatter
from pymdownx.magiclink import RE_LINK, MagiclinkPattern

from .render_limits import (
    Deadline,
    bound_html_nesting,
    bound_markdown,
    check_deadline,
    deadline_in_effect,
    nested_too_deep,
)

EXTENSIONS = [
    "markdown.extensions.fenced_code",
    "markdown.extensions.tables",
    "markdown.extensions.sane_lists",
    "markdown.extensions.codehilite",
    "markdown.extensions.toc",
    # Bare addresses (https://…, www.…, name@host) become links; never inside code.
    "pymdownx.magiclink",
    # ==text== is a highlight to read, and a cloze card that hides it (notes.cards).
    "pymdownx.mark",
]


_T = TypeVar("_T")

# Pygments' stubs make the formatter generic in what it writes; at run time it is not.
if TYPE_CHECKING:
    _HtmlFormatter = HtmlFormatter[str]
else:
    _HtmlFormatter = HtmlFormatter


class DeadlineCheckingFormatter(_HtmlFormatter):
    """Pygments' HTML formatter, checking the rendering's deadline as it goes: a code
    block of megabytes takes seconds to highlight."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # Codehilite passes the fence's language as `lang_str` ("language-python"); with
        # `mark_language` (set in EXTENSION_CONFIGS below) it becomes the class of
        # <code>, so static/notes/code-blocks.js knows which blocks are Python.
        language = str(options.get("lang_str", "")) if options.get("mark_language") else ""
        # Plain text (a fence without a language) stays a bare <code>.
        plain = language in {"", "language-", "language-text"}
        self.language_class = "" if plain else html.escape(language)

    def format(self, tokensource: Iterable[tuple[Any, str]], outfile: Any) -> None:
        super().format(_checking_deadline(tokensource), outfile)

    def wrap(self, source: Any) -> Any:
        wrapped = super().wrap(source)  # type: ignore[no-untyped-call]
        if not self.language_class:
            return wrapped
        return _with_code_class(wrapped, self.language_class)


def _with_code_class(
    wrapped: Iterable[tuple[int, str]], css_class: str
) -> Iterator[tuple[int, str]]:
    marked = False
    for kind, value in wrapped:
        if not marked and kind == 0 and value == "<code>":
            value, marked = f'<code class="{css_class}">', True
        yield kind, value


def code_formatter(**options: object) -> DeadlineCheckingFormatter:
    """The formatter for these options, made once and shared.

    Making a formatter builds its style's token-to-class table, a quarter of the time
    a note full of code takes to render; and one is made for every code block. A
    formatter keeps no state between calls of ``format()``, so one instance serves
    every block and every thread.
    """
    return _shared_formatter(
        tuple(sorted((key, tuple(v) if isinstance(v, list) else v) for key, v in options.items()))
    )


@functools.lru_cache(maxsize=256)
def _shared_formatter(options: tuple[tuple[str, object], ...]) -> DeadlineCheckingFormatter:
    keywords: dict[str, Any] = dict(options)
    return DeadlineCheckingFormatter(**keywords)


def _checking_deadline(tokens: Iterable[_T]) -> Iterator[_T]:
    for count, token in enumerate(tokens):
        if not count % 256:
            check_deadline()
        yield token


EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "markdown.extensions.codehilite": {
        "css_class": "highlight",
        "guess_lang": False,
        "pygments_formatter": code_formatter,
        # Passed on to the formatter: <code class="language-python">.
        "mark_language": True,
    },
    "markdown.extensions.toc": {
        # The default slugify drops every non-ASCII character, leaving Chinese headings
        # with empty or clashing anchors.
        "slugify": slugify_unicode,
        "permalink": True,
        "permalink_class": "headerlink",
    },
    "pymdownx.magiclink": {"repo_url_shortener": False, "social_url_shortener": False},
}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "*": {"title", "lang", "dir"},
    "a": {"href", "class"},
    "img": {"src", "alt", "width", "height"},
    "code": {"class"},
    "pre": {"class"},
    "span": {"class"},
    "div": {"class"},
    "td": {"style", "colspan", "rowspan"},  # style: text-align only, made a class below
    "th": {"style", "colspan", "rowspan"},
    "ol": {"start"},
    "p": {"class"},
    # class: a plain-text section keeps its line breaks (.plain-heading).
    **{f"h{level}": {"id", "class"} for level in range(1, 7)},
}

ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# `##Title` and `###1.Python中的进程` are headings in real notes even though
# CommonMark wants a space after the hashes.
_HEADING_WITHOUT_SPACE = re.compile(r"^(#{1,6})(?=[^#\s!])", re.MULTILINE)
# A shebang or a coding line pasted from a script is code, never a heading.
_SCRIPT_COMMENT = re.compile(r"^(?=#!|#[ \t]*-\*-.*-\*-)")
# Chinese, Japanese and Korean characters and their punctuation (shared with plain_text).
CJK_CHARACTERS = "\u2e80-\u2fff\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCTUATION = "\u3000-\u303f\uff00-\uffef\u2018-\u201d\u2026"
_CJK = CJK_CHARACTERS + CJK_PUNCTUATION
# A bare address may follow Chinese with no space ("链接在http://…。") and ends where
# Chinese starts again: MagicLink's own pattern wants a space or punctuation before it.
_LINK_AFTER_CJK = re.compile(
    RE_LINK.replace("""(?<![^\\s*_~^[('"\\x03])""", f"""(?<![^\\s*_~^[('"\\x03{_CJK}])""")
)
_CJK_AFTER_LINK = re.compile(f"[{_CJK}]")


# pymdownx ships no types, so mypy sees MagiclinkPattern as Any.
class _LinkBesideChinese(MagiclinkPattern):  # type: ignore[misc]
    def handleMatch(  # noqa: N802 (Python-Markdown's name)
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        stop = _CJK_AFTER_LINK.search(data, m.end(0))
        found: tuple[etree.Element | None, int | None, int | None] = super().handleMatch(
            m, data[: stop.start()] if stop else data
        )
        return found


class _BareLinksInChinese(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        pattern = _LinkBesideChinese(_LINK_AFTER_CJK.pattern, md)
        pattern.config = {"hide_protocol": False, "repo_url_shortener": False}
        # In MagicLink's place, under its name.
        md.inlinePatterns.register(pattern, "magic-link", 85)


# A soft line break between two CJK characters (or CJK punctuation), perhaps with
# inline markup around it, is nothing at all, as in Pandoc's east_asian_line_breaks:
# "已经有\n分享" must not read "已经有 分享". Between Latin words it stays a space.
_CJK_SOFT_BREAK = re.compile(f"([{_CJK}](?:</?[a-z][^<>]*>)*)\n(?=(?:<[a-z][^<>]*>)*[{_CJK}])")
# `<img src="a.jpg"/ width="700">`, a stray slash mid-tag that browsers shrug off,
# makes Python-Markdown escape the whole tag as text.
_STRAY_SLASH_IN_TAG = re.compile(r"""(<[a-zA-Z][^<>]*?["'])/\s+(?=[a-zA-Z])""")
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
# ```python no-run: the author's word that the block is not to be run in the browser.
# Python-Markdown takes only one word after a fence, so it becomes {.python .no-run}, a
# class on the block's <div>.
_NO_RUN_FENCE = re.compile(
    r"^([ \t]{0,3}(?:`{3,}|~{3,}))[ \t]*\.?([\w#+-][\w#.+-]*)[ \t]+no-run[ \t]*$"
)


@dataclass(frozen=True)
class RenderedMarkdown:
    html: str
    headings: tuple[tuple[int, str, str], ...]  # (level, anchor id, text)


def normalize_source(text: str) -> str:
    """Mend what real notes get wrong and browsers forgive, leaving fenced code alone.

    ``##Heading`` gains its missing space; ``#!/usr/bin/python`` and
    ``# -*- coding: utf-8 -*-`` are escaped, so they stay text; a stray ``/`` inside
    an HTML tag goes; a fence's ``python no-run`` becomes ``{.python .no-run}``.
    """
    out: list[str] = []
    fence: str | None = None
    for line in text.splitlines(keepends=True):
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)[0] * len(match.group(1))
            body = line.rstrip("\r\n")
            line = _NO_RUN_FENCE.sub(r"\1{.\2 .no-run}", body) + line[len(body) :]
        elif fence is not None and match and match.group(1).startswith(fence):
            fence = None
        elif fence is None:
            if _SCRIPT_COMMENT.match(line):
                line = "\\" + line.replace("*", "\\*").replace("_", "\\_")
            line = _HEADING_WITHOUT_SPACE.sub(r"\1 ", line)
            line = _STRAY_SLASH_IN_TAG.sub(r"\1 ", line)
        out.append(line)
    return "".join(out)


# Table alignment arrives as inline style, which the Content-Security-Policy forbids;
# the sanitiser keeps only text-align, and it becomes a class the stylesheet knows.
_ALIGN_STYLE = re.compile(r' style="text-align:\s*(left|right|center);?"')


# An <img> tag as the sanitiser writes it: its attributes double-quoted and escaped.
_IMG_TAG = re.compile(r"<img\b([^<>]*)>")
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')


def present_images(clean_html: str) -> str:
    """Give every image of sanitised HTML alt text (its file name when the note gave
    none) and load it lazily, keeping its width and height. A screen reader then names
    every image, and a page of screenshots loads what the reader scrolls to.
    (static/notes/images.js shows an image that cannot load as a link to it.)"""

    def presented(match: re.Match[str]) -> str:
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        if not attributes.get("alt", "").strip():
            attributes["alt"] = html.escape(image_name(html.unescape(attributes.get("src", ""))))
        attributes.update(loading="lazy", decoding="async")
        return "<img " + " ".join(f'{name}="{value}"' for name, value in attributes.items()) + ">"

    return _IMG_TAG.sub(presented, clean_html)


def image_name(src: str) -> str:
    """The file name in an image's address, as a reader would name the image."""
    path = urllib.parse.urlsplit(src).path.rstrip("/")
    return urllib.parse.unquote(path.rsplit("/", 1)[-1]) or src or "image"


def sanitize_html(dirty: str) -> str:
    clean = nh3.clean(
        dirty,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        filter_style_properties={"text-align"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return _ALIGN_STYLE.sub(r' class="align-\1"', clean)


def _flatten_toc(
    tokens: list[dict[str, Any]], out: list[tuple[int, str, str]], restore: Callable[[str], str]
) -> None:
    for token in tokens:
        out.append((token["level"], token["id"], html.unescape(restore(token["name"]))))
        _flatten_toc(token.get("children", []), out, restore)


# A Markdown instance costs more to build than a short note costs to convert, so each
# thread keeps one and resets it between notes (an instance is not thread-safe).
_converters = threading.local()


def _converter() -> markdown.Markdown:
    md = getattr(_converters, "md", None)
    if md is None:
        md = _converters.md = markdown.Markdown(
            extensions=[*EXTENSIONS, _BareLinksInChinese()],
            extension_configs=EXTENSION_CONFIGS,
            output_format="html",
            tab_length=4,
        )
        _check_deadline_between_steps(md)
    return md.reset()


def _check_deadline_between_steps(md: markdown.Markdown) -> None:
    """Make every step of ``md`` check the thread's deadline before it runs: each
    processor in Python-Markdown's registries (inline patterns once per match, block
    processors once per block), storing raw HTML and code blocks, and telling block
    tags from inline ones."""

    def check_first(owner: object, name: str) -> None:
        method = getattr(owner, name)

        @functools.wraps(method)
        def check_then_run(*args: Any, **kwargs: Any) -> Any:
            check_deadline()
            return method(*args, **kwargs)

        # On the instance: Python-Markdown's classes stay as they are.
        setattr(owner, name, check_then_run)

    for pattern in md.inlinePatterns:
        check_first(pattern, "handleMatch")
    for block_processor in md.parser.blockprocessors:
        check_first(block_processor, "test")
        check_first(block_processor, "run")
    for registry in (md.preprocessors, md.treeprocessors, md.postprocessors):
        for processor in registry:
            check_first(processor, "run")
    check_first(md.htmlStash, "store")
    # Asked of every tag by the raw-HTML pass, a single step however long the note.
    check_first(md, "is_block_level")


def render_markdown(text: str, deadline: Deadline | None = None) -> RenderedMarkdown:
    """Render a note's Markdown body to sanitised HTML and list its headings.

    Raises ``RenderRefused`` when ``deadline`` (by default, DEFAULT_BUDGET_SECONDS from
    now) passes, or when the body nests deeper than the parser can follow.
    """
    md = _converter()
    with deadline_in_effect(deadline or Deadline()) as deadline:
        source = bound_markdown(normalize_source(text.replace("\r\n", "\n")), deadline)
        try:
            body = md.convert(source.text)
        except RecursionError:
            raise nested_too_deep() from None
        headings: list[tuple[int, str, str]] = []
        # toc_tokens is set by the toc extension, unknown to the stubs.
        _flatten_toc(md.toc_tokens, headings, source.restore)  # type: ignore[attr-defined]
        body = join_cjk_soft_breaks(source.restore(body))
        deadline.check()
    clean = present_images(sanitize_html(bound_html_nesting(body)))
    return RenderedMarkdown(html=clean, headings=tuple(headings))


def join_cjk_soft_breaks(rendered_html: str) -> str:
    """Drop the line breaks between CJK characters in rendered HTML, outside ``<pre>``."""
    parts: list[str] = []
    position = 0
    for start, end in _preformatted(rendered_html):
        parts += [
            _CJK_SOFT_BREAK.sub(r"\1", rendered_html[position:start]),
            rendered_html[start:end],
        ]
        position = end
    parts.append(_CJK_SOFT_BREAK.sub(r"\1", rendered_html[position:]))
    return "".join(parts)


def _preformatted(rendered_html: str) -> Iterator[tuple[int, int]]:
    """Where the ``<pre>`` blocks are, as ``<pre\\b.*?</pre>`` finds them; in one pass
    even when raw HTML leaves thousands of them unclosed."""
    start = rendered_html.find("<pre")
    while start >= 0:
        if (
            rendered_html[start + 4 : start + 5].isalnum()
            or rendered_html[start + 4 : start + 5] == "_"
        ):
            start = rendered_html.find("<pre", start + 4)
            continue
        end = rendered_html.find("</pre>", start)
        if end < 0:
            return
        yield start, end + len("</pre>")
        start = rendered_html.find("<pre", end + len("</pre>"))


# A tag, its quoted attribute values skipped whole (the sanitiser writes ">" in them as
# "&gt;", but HTML allows it raw). Rendered HTML has been through the sanitiser: well
# formed, with no comments, scripts or styles.
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")


def plain_text(rendered_html: str) -> str:
    """The readable text of rendered HTML, whitespace collapsed.

    The tags are dropped with a regular expression: rendered HTML is the sanitiser's
    own output, and parsing it again (nh3) took ten times as long, which a search
    page paid for each result's passage. The tests hold the two to the same text.
    """
    return " ".join(html.unescape(_TAG.sub("", rendered_html)).split())


def make_excerpt(rendered_html: str, length: int = 180) -> str:
    return excerpt_of(plain_text(rendered_html), length)


def excerpt_of(text: str, length: int = 180) -> str:
    """The start of a note's plain text (``plain_text``), cut at ``length`` characters."""
    text = text.replace("¶", "").strip()
    if len(text) <= length:
        return text
    return text[: length - 1].rstrip() + "…"


# What a summary leaves out: headings (and their ¶ marks), code, tables.
_NOT_PROSE = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "script", "style"})
_PRE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.DOTALL)
_BLOCKS = frozenset({"p", "li", "dd", "dt", "blockquote", "div", "br", "hr", "ul", "ol", "dl"})


class _ProseCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipping = 0
        self.blocks: list[str] = []
        self.current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _NOT_PROSE:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.end_block()

    def handle_endtag(self, tag: str) -> None:
        if tag in _NOT_PROSE:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in _BLOCKS:
            self.end_block()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data)

    def end_block(self) -> None:
        text = " ".join("".join(self.current).split())
        self.current = []
        if text:
            self.blocks.append(text)


def prose_text(rendered_html: str, enough: int = 400) -> str:
    """The prose of rendered HTML from its first paragraph on: headings, code blocks
    and tables left out, so a summary does not read "代码 import asyncio…".

    Stops once ``enough`` characters are found; empty when the HTML holds no prose.
    """
    # Code blocks are most of a code-heavy note's tags (a span per token): dropped before
    # parsing, they cost nothing (sanitised HTML has no <pre> inside a <pre>).
    rendered_html = _PRE_BLOCK.sub("<pre></pre>", rendered_html)
    collector = _ProseCollector()
    for start in range(0, len(rendered_html), 4096):
        collector.feed(rendered_html[start : start + 4096])
        if sum(map(len, collector.blocks)) >= enough:
            break
    else:
        collector.close()
        collector.end_block()
    return " ".join(collector.blocks)


_PRE_CONTENT = re.compile(r"<pre\b[^>]*>(.*?)</pre>", re.DOTALL)


def code_lines(rendered_html: str) -> list[str]:
    """The non-blank lines of the code blocks of rendered HTML, as text."""
    lines: list[str] = []
    for block in _PRE_CONTENT.findall(rendered_html):
        text = html.unescape(_TAG.sub("", block))
        lines.extend(stripped for line in text.splitlines() if (stripped := line.strip()))
    return lines
