"""A note's body made ready to store: Markdown rendered, sanitised and topic-linked.

Pure, like the two steps it joins (``notes.markdown`` and ``notes.linking``), so
an import can run it in worker processes while the main process writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .linking import LinkResult, LinkTarget, TopicMatcher, link_html
from .markdown import excerpt_of, plain_text, prose_text, render_markdown


@dataclass(frozen=True)
class RenderedNote:
    body: str  # the Markdown it was made from, to tell whether it still applies
    html: str
    headings: list[list]
    excerpt: str
    links: LinkResult
    # The readable text, for the excerpt and the search index (one sanitiser pass for both).
    text: str = ""


def render_note(
    body: str, matcher: TopicMatcher, *, notes_by_title: Mapping[str, LinkTarget] | None = None
) -> RenderedNote:
    rendered = render_markdown(body)
    links = link_html(rendered.html, matcher, notes_by_title=notes_by_title)
    text = plain_text(links.html)
    return RenderedNote(
        body=body,
        html=links.html,
        headings=[list(heading) for heading in rendered.headings],
        # The first paragraph of prose; a note of nothing but code keeps its start.
        excerpt=excerpt_of(prose_text(links.html) or text),
        links=links,
        text=text,
    )
