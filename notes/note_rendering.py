"""A note's body made ready to store: Markdown rendered, sanitised and topic-linked.

Pure, like the two steps it joins (``notes.markdown`` and ``notes.linking``), so
an import can run it in worker processes while the main process writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .linking import LinkResult, LinkTarget, TopicMatcher, link_html
from .markdown import excerpt_of, plain_text, render_markdown


@dataclass(frozen=True)
class RenderedNote:
    body: str  # the Markdown it was made from, to tell whether it still applies
    html: str
    headings: list[list]
    excerpt: str
    links: LinkResult
    # The readable text, for the excerpt and the search index (one sanitiser pass for both).
    text: str = ""
    # What else the linking depended on: the title (it names the main topic) and density.
    title: str = ""
    every_section: bool = False

    def made_for(self, body: str, title: str, every_section: bool) -> bool:
        return (self.body, self.title, self.every_section) == (body, title, every_section)


def render_note(
    body: str,
    matcher: TopicMatcher,
    *,
    notes_by_title: Mapping[str, LinkTarget] | None = None,
    title: str = "",
    every_section: bool = False,
) -> RenderedNote:
    """``title`` names the note's main topic (linked nowhere in it); ``every_section``
    links each topic at its first mention in every section instead of once."""
    rendered = render_markdown(body)
    main = matcher.first_in(title) if title else None
    links = link_html(
        rendered.html,
        matcher,
        notes_by_title=notes_by_title,
        per_section=every_section,
        main_topic=main.key if main else None,
    )
    text = plain_text(links.html)
    return RenderedNote(
        body=body,
        html=links.html,
        headings=[list(heading) for heading in rendered.headings],
        excerpt=excerpt_of(text),
        links=links,
        text=text,
        title=title,
        every_section=every_section,
    )
