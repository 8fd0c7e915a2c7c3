"""A note's body made ready to store: Markdown or plain text rendered, sanitised and
topic-linked, and its main language told.

Pure, like the two steps it joins (``notes.markdown`` and ``notes.linking``), so
an import can run it in worker processes while the main process writes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .language import main_language
from .linking import LinkResult, LinkTarget, TopicMatcher, link_html
from .markdown import RenderedMarkdown, excerpt_of, plain_text, prose_text, render_markdown
from .note_map import same_words
from .plain_text import render_plain_text
from .python_links import link_python_docs
from .python_names import PythonIndex
from .render_limits import Deadline, nested_too_deep

MARKDOWN = "markdown"
PLAIN_TEXT = "text"
RENDERERS = {MARKDOWN: render_markdown, PLAIN_TEXT: render_plain_text}
_CODE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class RenderedNote:
    body: str  # the text it was made from, to tell whether it still applies
    html: str
    headings: list[list[Any]]  # [level, anchor id, text], lists as JSON stores them
    excerpt: str
    links: LinkResult
    # The readable text, for the excerpt and the search index (one sanitiser pass for both).
    text: str = ""
    format: str = MARKDOWN  # what the body was read as
    language: str = ""  # the main language of its prose ("zh", "en")
    # What else the linking depended on: the title (it names the main topic) and density.
    title: str = ""
    every_section: bool = False

    def made_for(self, body: str, format: str, title: str, every_section: bool) -> bool:  # noqa: A002
        return (self.body, self.format, self.title, self.every_section) == (
            body, format, title, every_section
        )  # fmt: skip


def render_note(
    body: str,
    matcher: TopicMatcher,
    *,
    notes_by_title: Mapping[str, LinkTarget] | None = None,
    format: str = MARKDOWN,  # noqa: A002 (the field's name)
    title: str = "",
    every_section: bool = False,
    budget: float | None = None,
    python_docs: PythonIndex | None = None,
) -> RenderedNote:
    """``title`` names the note's main topic (linked nowhere in it); ``every_section``
    links each topic at its first mention in every section instead of once.

    Raises ``RenderRefused`` (a sentence for the note's author) when rendering and
    linking would take more than ``budget`` seconds (``DEFAULT_BUDGET_SECONDS``).

    ``python_docs``, the Python documentation's index, links the names of code and
    inline code to it, and PEPs to peps.python.org; without it (or empty) nothing is.
    """
    deadline = Deadline(budget)
    try:
        rendered = without_title_heading(RENDERERS[format](body, deadline), title)
        main = matcher.first_in(title) if title else None
        links = link_html(
            rendered.html,
            matcher,
            notes_by_title=notes_by_title,
            per_section=every_section,
            main_topic=main.key if main else None,
            deadline=deadline,
        )
        if python_docs:
            links.html = link_python_docs(links.html, python_docs, deadline=deadline)
    except RecursionError:
        raise nested_too_deep() from None
    text = plain_text(links.html)
    # Code is mostly Latin letters whatever the language its author writes in. Only
    # letters are counted, so tags are cut out roughly rather than sanitised again.
    prose = _TAG.sub(" ", _CODE_BLOCK.sub(" ", rendered.html))
    return RenderedNote(
        body=body,
        html=links.html,
        headings=[list(heading) for heading in rendered.headings],
        # The first paragraph of prose; a note of nothing but code keeps its start.
        excerpt=excerpt_of(prose_text(links.html) or text),
        links=links,
        text=text,
        format=format,
        language=main_language(prose),
        title=title,
        every_section=every_section,
    )


def without_title_heading(rendered: RenderedMarkdown, title: str) -> RenderedMarkdown:
    """The body without a first heading that says the title again (a blog post's
    "## Pycon2014 @Shanghai" under the title "Pycon2014 @Shanghai"): the page shows the
    title above the body, so the heading would only repeat it, in Contents as well."""
    if not rendered.headings:
        return rendered
    level, anchor, text = rendered.headings[0]
    if not same_words(text, title):
        return rendered
    heading = re.compile(
        rf'<h{level} id="{re.escape(html.escape(anchor))}">.*?</h{level}>\n?', re.DOTALL
    )
    body, found = heading.subn("", rendered.html, count=1)
    if not found:
        return rendered
    return RenderedMarkdown(html=body, headings=rendered.headings[1:])
