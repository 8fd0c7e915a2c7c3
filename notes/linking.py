"""Topic linking: every mention of a topic's name or alias in rendered HTML becomes a link.

Pure functions over plain data. The matcher is built once from all aliases and
reused for every note until topics change; ``link_html`` walks sanitised HTML,
leaves code, preformatted text, headings and existing links alone, and returns
the linked HTML with what it found (mentions, explicit ``[[links]]``).
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

from .render_limits import Deadline

# Text inside these is never linked (and, but for headings, not counted either).
SKIP_TAGS = frozenset({"a", "code", "pre", "kbd", "samp", "script", "style"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Snippets quote the whole block a mention sits in, not just its text node.
BLOCK_TAGS = frozenset(
    {"p", "li", "td", "th", "dd", "dt", "blockquote", "div", "pre", "table", "ul", "ol"}
    | HEADING_TAGS
)
VOID_TAGS = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "col", "source"})

_WORD = "A-Za-z0-9_"
_END = ""  # trie key that marks the end of a term
# A trie of terms: each character leads to the node after it; _END, where a term ends,
# to whether that term ends on a word character (so it must end at a word boundary).
_Trie = dict[str, Any]
_EXPLICIT_LINK = re.compile(r"\[\[([^\[\]|\n]{1,200})(?:\|([^\[\]\n]{1,200}))?\]\]")
# Code blocks hold no links and most of a code-heavy note's tags (one span per token):
# they are set aside before parsing and put back untouched. Sanitised HTML has no
# comments, so a comment is a safe placeholder.
_PRE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.DOTALL)
_PLACEHOLDER_PREFIX = "notes-pre-block:"
_SENTENCE_END = re.compile(r"[。！？!?；;\n]|\.(?:\s|$)")
SNIPPET_RADIUS = 80


@dataclass(frozen=True)
class LinkTarget:
    """Something a note can link to: a topic or another note."""

    kind: str  # "topic" or "note"
    key: int
    title: str
    url: str


@dataclass
class LinkResult:
    html: str
    mentions: dict[int, int] = field(default_factory=dict)  # topic key -> count
    snippets: dict[int, str] = field(default_factory=dict)  # topic key -> first sentence
    explicit: list[LinkTarget] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def normalize_term(term: str) -> str:
    return " ".join(term.split()).casefold()


def _is_word_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def term_pattern(term: str) -> str:
    """A regular expression finding ``term`` as the matcher does: an edge that is a
    Latin letter or digit on a word boundary ("GC" is not in "GCC"), any run of
    spaces between words, Chinese anywhere."""
    pattern = r"\s+".join(re.escape(word) for word in term.split())
    if term[:1] and _is_word_char(term[0]):
        pattern = f"(?<![{_WORD}])" + pattern
    if term[-1:] and _is_word_char(term[-1]):
        pattern += f"(?![{_WORD}])"
    return pattern


class TopicMatcher:
    """One compiled regular expression for every alias of every topic.

    The aliases are folded into a trie so the expression stays fast with thousands
    of them; at each position the longest alias wins. Terms that start or end with
    a Latin letter or digit must sit on word boundaries ("GC" is not in "GCC"),
    while Chinese terms match anywhere, since Chinese has no spaces between words,
    unless they are ``whole_word`` terms: a one-character alias such as 锁 would
    otherwise match inside 抢锁 or 加锁, so such a term matches only where no other
    Chinese character touches it.
    """

    def __init__(
        self,
        terms: Iterable[tuple[str, LinkTarget]],
        *,
        count_only: Iterable[tuple[str, LinkTarget]] = (),
        whole_word: Iterable[str] = (),
    ):
        """``count_only`` terms (topics too broad to link, such as "Python") are found
        and counted as mentions but never linked; ``[[explicit]]`` links reach them."""
        self._targets: dict[str, LinkTarget] = {}
        self.count_only_keys: set[int] = set()
        self._terms_by_target: dict[LinkTarget, list[str]] | None = None
        for term, target in terms:
            key = normalize_term(term)
            if key:
                self._targets.setdefault(key, target)
        for term, target in count_only:
            key = normalize_term(term)
            if key and key not in self._targets:
                self._targets[key] = target
                self.count_only_keys.add(target.key)
        self.whole_word = {normalize_term(term) for term in whole_word}
        self.pattern = self._compile(self._targets)

    def target_for(self, term: str) -> LinkTarget | None:
        return self._targets.get(normalize_term(term))

    def links(self, target: LinkTarget) -> bool:
        """Whether a mention of ``target`` in running text becomes a link."""
        return target.kind != "topic" or target.key not in self.count_only_keys

    def terms_of(self, target: LinkTarget) -> list[str]:
        """Every normalised name and alias that leads to ``target``, longest first."""
        if self._terms_by_target is None:
            by_target: dict[LinkTarget, list[str]] = {}
            for term, found in self._targets.items():
                by_target.setdefault(found, []).append(term)
            for terms in by_target.values():
                terms.sort(key=lambda term: (-len(term), term))
            self._terms_by_target = by_target
        return list(self._terms_by_target.get(target, ()))

    @staticmethod
    def _compile(targets: Mapping[str, LinkTarget]) -> re.Pattern[str] | None:
        if not targets:
            return None
        latin: _Trie = {}
        other: _Trie = {}
        for term in targets:
            node = latin if _is_word_char(term[0]) else other
            for char in term:
                node = node.setdefault(char, {})
            node[_END] = _is_word_char(term[-1])
        branches = []
        if latin:
            branches.append(f"(?<![{_WORD}])" + _trie_pattern(latin))
        if other:
            branches.append(_trie_pattern(other))
        return re.compile("|".join(branches), re.IGNORECASE)

    def finditer(self, text: str) -> Iterable[tuple[int, int, LinkTarget]]:
        if self.pattern is None:
            return
        for match in self.pattern.finditer(text):
            term = normalize_term(match.group())
            target = self._targets.get(term)
            if target is None:
                continue
            if term in self.whole_word and _touches_cjk(text, match.start(), match.end()):
                continue
            yield match.start(), match.end(), target

    def first_in(self, text: str) -> LinkTarget | None:
        """The first topic named in ``text`` (a note's title names its main topic)."""
        for _, _, target in self.finditer(text):
            if target.kind == "topic":
                return target
        return None


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _touches_cjk(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return bool(_CJK.match(before) or _CJK.match(after))


def _trie_pattern(node: _Trie) -> str:
    alternatives = []
    for char in sorted(key for key in node if key != _END):
        step = r"\s+" if char == " " else re.escape(char)
        alternatives.append(step + _trie_pattern(node[char]))
    if _END in node:
        # Last, so that a longer term is always tried before this one ends.
        alternatives.append(f"(?![{_WORD}])" if node[_END] else "")
    if len(alternatives) == 1:
        return alternatives[0]
    return "(?:" + "|".join(alternatives) + ")"


def explicit_link_titles(markdown_text: str) -> set[str]:
    """The targets of the ``[[target]]`` links in a text, for looking them up in one go."""
    return {match.group(1).strip() for match in _EXPLICIT_LINK.finditer(markdown_text)}


class _Sentences:
    """Where the sentences of a block end, found once for every mention in it."""

    def __init__(self, text: str):
        self.text = text
        matches = list(_SENTENCE_END.finditer(text))
        self.starts = [match.start() for match in matches]
        self.ends = [match.end() for match in matches]

    def snippet(self, start: int, end: int) -> str:
        """The sentence around text[start:end], trimmed to a readable length."""
        text = self.text
        # The last sentence end before the mention; a full stop right before it ends a
        # sentence too, as the expression finds it in text[:start].
        before = bisect.bisect_right(self.ends, start)
        left = self.ends[before - 1] if before else 0
        if start and text[start - 1] == ".":
            left = start
        # The first sentence end from the mention's end on: one starting right there may
        # overlap the last found before it (".\n"), so it is tried first.
        at_end = _SENTENCE_END.match(text, end)
        after = bisect.bisect_left(self.starts, end)
        if at_end:
            right = at_end.end()
        else:
            right = self.ends[after] if after < len(self.starts) else len(text)
        cut_left, cut_right = start - SNIPPET_RADIUS > left, end + SNIPPET_RADIUS < right
        if cut_left:
            left = start - SNIPPET_RADIUS
        if cut_right:
            right = end + SNIPPET_RADIUS
        sentence = " ".join(text[left:right].split())
        return ("…" if cut_left else "") + sentence + ("…" if cut_right else "")


class _Linker(HTMLParser):
    def __init__(
        self,
        matcher: TopicMatcher,
        notes_by_title: Mapping[str, LinkTarget],
        first_mention_only: bool,
        exclude_key: int | None,
        set_aside: list[str],
        *,
        per_section: bool = False,
        unlinked_key: int | None = None,
        deadline: Deadline | None = None,
    ):
        super().__init__(convert_charrefs=True)
        self.deadline = deadline or Deadline()
        self.set_aside = set_aside
        self.matcher = matcher
        self.notes_by_title = notes_by_title
        self.first_mention_only = first_mention_only
        self.exclude_key = exclude_key
        self.per_section = per_section
        self.unlinked_key = unlinked_key
        self.out: list[str] = []
        self.stack: list[str] = []
        self.skip_depth = 0
        self.heading_depth = 0
        self.linked_in_section: set[int] = set()
        self.result = LinkResult(html="")
        self.block_text: list[str] = []
        self.block_length = 0
        # Topic key -> where its first mention in the block is: only the first is quoted.
        self.pending_snippets: dict[int, tuple[int, int]] = {}

    def _end_block(self) -> None:
        if self.pending_snippets:
            sentences = _Sentences("".join(self.block_text))
            for key, (start, end) in self.pending_snippets.items():
                self.result.snippets.setdefault(key, sentences.snippet(start, end))
            self.pending_snippets = {}
        self.block_text = []
        self.block_length = 0

    # Tags are written back exactly as they came; only text is rewritten.
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.deadline.check()
        self.out.append(self._starttag_text())
        if tag in BLOCK_TAGS:
            self._end_block()
        if tag in VOID_TAGS:
            return
        if tag in HEADING_TAGS:
            if self.per_section:
                self.linked_in_section.clear()
            self.heading_depth += 1
        if tag in SKIP_TAGS:
            self.skip_depth += 1
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._starttag_text())

    def _starttag_text(self) -> str:
        text = self.get_starttag_text()
        assert text is not None  # the parser sets it before it reports a start tag
        return text

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        if tag in BLOCK_TAGS:
            self._end_block()
        if tag not in self.stack:
            return
        while self.stack:
            open_tag = self.stack.pop()
            if open_tag in SKIP_TAGS:
                self.skip_depth -= 1
            if open_tag in HEADING_TAGS:
                self.heading_depth -= 1
            if open_tag == tag:
                break

    def handle_entityref(self, name: str) -> None:  # only reached with convert_charrefs=False
        self.out.append(f"&{name};")

    def handle_comment(self, data: str) -> None:
        if data.startswith(_PLACEHOLDER_PREFIX):
            self._end_block()
            self.out.append(self.set_aside[int(data[len(_PLACEHOLDER_PREFIX) :])])

    def handle_data(self, data: str) -> None:
        self.deadline.check()
        if self.skip_depth:
            self.out.append(html.escape(data, quote=False))
        else:
            self.out.append(self._link_text(data))
        self.block_text.append(data)
        self.block_length += len(data)

    def _link_text(self, text: str) -> str:
        pieces: list[str] = []
        position = 0
        for start, end, replacement in self._replacements(text):
            pieces.append(html.escape(text[position:start], quote=False))
            pieces.append(replacement)
            position = end
        pieces.append(html.escape(text[position:], quote=False))
        return "".join(pieces)

    def _replacements(self, text: str) -> Iterable[tuple[int, int, str]]:
        explicit = list(_EXPLICIT_LINK.finditer(text))
        found = [(match.start(), match.end(), self._explicit_link(match)) for match in explicit]
        # Both in order of position: the explicit links a mention may overlap are found
        # walking along, not by trying them all for each mention.
        covering = 0
        for start, end, target in self.matcher.finditer(text):
            while covering < len(explicit) and explicit[covering].end() <= start:
                covering += 1
            if covering < len(explicit) and explicit[covering].start() < end:
                continue
            if target.kind == "topic" and target.key == self.exclude_key:
                continue
            self._count(target, start, end)
            if (
                self.heading_depth
                or target.key == self.unlinked_key
                or not self.matcher.links(target)
                or (self.first_mention_only and target.key in self.linked_in_section)
            ):
                continue
            self.linked_in_section.add(target.key)
            found.append((start, end, _anchor(target, text[start:end], "topic-link")))
        return sorted(found, key=lambda item: item[0])

    def _count(self, target: LinkTarget, start: int, end: int) -> None:
        mentions = self.result.mentions
        mentions[target.key] = mentions.get(target.key, 0) + 1
        if not self.heading_depth and target.key not in self.result.snippets:
            # A heading is a poor example of how a topic is used: quote the prose.
            offset = self.block_length
            self.pending_snippets.setdefault(target.key, (offset + start, offset + end))

    def _explicit_link(self, match: re.Match[str]) -> str:
        wanted = match.group(1).strip()
        label = (match.group(2) or wanted).strip()
        target = self.matcher.target_for(wanted)
        if target is None:
            target = self.notes_by_title.get(normalize_term(wanted))
        if target is None:
            self.result.missing.append(wanted)
            return _missing_anchor(wanted, label)
        self.result.explicit.append(target)
        if target.kind == "topic":
            self._count(target, match.start(), match.end())
            self.linked_in_section.add(target.key)
            return _anchor(target, label, "topic-link explicit-link")
        # A note link's title is the text as written, as on a missing link: readers
        # who may not see the target (a draft) get it back as a missing link, word
        # for word (hide_note_links), so the target's exact title never reaches them.
        return _anchor(target, label, "note-link explicit-link", title=wanted)


def _anchor(target: LinkTarget, label: str, css_class: str, *, title: str | None = None) -> str:
    return (
        f'<a class="{css_class}" href="{html.escape(target.url)}" '
        f'title="{html.escape(target.title if title is None else title)}">'
        f"{html.escape(label, quote=False)}</a>"
    )


def _missing_anchor(wanted: str, label: str) -> str:
    return (
        f'<a class="missing-link" title="{html.escape(wanted)}">'
        f"{html.escape(label, quote=False)}</a>"
    )


_NOTE_ANCHOR = re.compile(
    r'<a class="note-link explicit-link" href="(?P<href>[^"]*)" title="(?P<title>[^"]*)">'
    r"(?P<label>[^<]*)</a>"
)


def hide_note_links(linked_html: str, hidden_urls: Iterable[str]) -> str:
    """``linked_html`` with its ``[[links]]`` to ``hidden_urls`` shown as missing links.

    For readers who may not see those notes (drafts): the result is the markup a link
    to nothing would have had, so it tells them nothing about the note behind it.
    """
    hidden = {html.escape(url) for url in hidden_urls}
    if not hidden or "note-link" not in linked_html:
        return linked_html

    def replace(match: re.Match[str]) -> str:
        if match["href"] not in hidden:
            return match.group()
        return f'<a class="missing-link" title="{match["title"]}">{match["label"]}</a>'

    return _NOTE_ANCHOR.sub(replace, linked_html)


_MISSING_ANCHOR = re.compile(r'<a class="missing-link" title="(?P<title>[^"]*)">')


def offer_missing_notes(linked_html: str, add_url: str) -> str:
    """``linked_html`` with each missing link leading to ``add_url?title=<wanted>``.

    For staff who may add notes, as Obsidian creates a note from a link to nothing;
    readers keep the plain, unclickable missing link.
    """
    if "missing-link" not in linked_html:
        return linked_html

    def replace(match: re.Match[str]) -> str:
        href = f"{add_url}?{urlencode({'title': html.unescape(match['title'])})}"
        return (
            f'<a class="missing-link create-note" title="{match["title"]}" '
            f'href="{html.escape(href)}">'
        )

    return _MISSING_ANCHOR.sub(replace, linked_html)


def link_html(
    rendered_html: str,
    matcher: TopicMatcher,
    *,
    notes_by_title: Mapping[str, LinkTarget] | None = None,
    first_mention_only: bool = True,
    per_section: bool = False,
    exclude_topic: int | None = None,
    main_topic: int | None = None,
    deadline: Deadline | None = None,
) -> LinkResult:
    """Link topic mentions and ``[[explicit]]`` links in sanitised HTML.

    ``notes_by_title`` maps normalised note titles to their targets, for
    ``[[Note title]]``; topics win over notes of the same name.
    A topic is linked at its first mention in the text (``per_section``: in each
    section; ``first_mention_only=False``: everywhere), never inside a heading.
    ``main_topic``, what the note is about, is counted but never linked: a note about
    the GIL does not send its reader to the GIL's page at every line.
    ``exclude_topic`` keeps a topic's own summary from linking to, or counting, itself.
    Raises ``RenderRefused`` once ``deadline`` (by default, DEFAULT_BUDGET_SECONDS
    from now) has passed.
    """
    set_aside: list[str] = []

    def set_block_aside(match: re.Match[str]) -> str:
        set_aside.append(match.group())
        return f"<!--{_PLACEHOLDER_PREFIX}{len(set_aside) - 1}-->"

    linker = _Linker(
        matcher, notes_by_title or {}, first_mention_only, exclude_topic, set_aside,
        per_section=per_section, unlinked_key=main_topic, deadline=deadline,
    )  # fmt: skip
    linker.feed(_PRE_BLOCK.sub(set_block_aside, rendered_html))
    linker.close()
    linker._end_block()
    linker.result.html = "".join(linker.out)
    return linker.result
