"""Rendering time grows with the body's size, not its square; past the budget, a sentence.

The bodies are those of ``bench/render_adversarial.py``. Times are compared with times
measured in the same run (a body four times as long may take up to eight times as
long; quadratic work takes sixteen), never with absolute figures.
"""

import random
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from markdown.extensions.toc import slugify_unicode

from notes import render_limits
from notes.importers import Outcome, import_paths
from notes.linking import LinkTarget, TopicMatcher, link_html
from notes.markdown import normalize_source, render_markdown
from notes.models import Note
from notes.note_rendering import PLAIN_TEXT, render_note
from notes.plain_text import _unique_anchor
from notes.render_limits import (
    MAX_HTML_DEPTH,
    MAX_NESTING,
    MAX_UNCLOSED,
    RenderRefused,
    bound_html_nesting,
    bound_markdown,
)

GIL = LinkTarget("topic", 1, "GIL", "/topics/gil/")
CLOSURE = LinkTarget("topic", 2, "Closure", "/topics/closure/")
MATCHER = TopicMatcher([("GIL", GIL), ("closure", CLOSURE), ("闭包", CLOSURE)])
SAMPLES = Path(__file__).resolve().parent.parent / "notes" / "sample"


def repeat(unit: str, head: str = "", tail: str = ""):
    return lambda size: head + unit * ((size - len(head) - len(tail)) // len(unit)) + tail


# The bodies the probe found quadratic (12 to 42 s at 16 to 220 KB), and their kin.
ADVERSARIAL = {
    "brackets": lambda size: "[" * (size // 2) + "x" + "]" * (size // 2),
    "images": repeat("![", tail="x](y)"),
    "link openers": repeat("[a]("),
    "autolinks": repeat("<http://a"),
    "topic mentions": repeat("GIL closure generator ", head="# t\n\n"),
    "attributes": repeat("<a b ", tail='z="'),
    "comments in inline tags": repeat("<b><!-- x -->"),
    "unclosed CDATA": repeat("<![CDATA[\n"),
    "unclosed fences": repeat("```a\n"),
    "backtick runs": lambda size: "".join("`" * run + "a" for run in range(1, int(size**0.5))),
    "headings in one block": repeat("# a\n"),
}
# Bodies slow per element (each heading gets an anchor and a permalink) are timed smaller.
SIZES_KB = {"headings in one block": (4, 16)}


def render_seconds(body: str, runs: int = 1) -> float:
    best = float("inf")
    for _ in range(runs):
        # This process's CPU time: what other processes on the machine do is not counted.
        started = time.process_time()
        render_note(body, MATCHER, budget=60)
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_adversarial_bodies_render_in_time_growing_linearly(name):
    make = ADVERSARIAL[name]
    small_kb, large_kb = SIZES_KB.get(name, (16, 64))
    render_seconds(make(1024))  # warm up
    small = render_seconds(make(small_kb * 1024), runs=3)
    large = render_seconds(make(large_kb * 1024), runs=2)
    # Four times the text takes less than eight times as long: a ceiling measured in
    # the same run, since the machine may be busy. bench/render_adversarial.py prints
    # the seconds themselves against the render budget.
    assert large < 8 * max(small, 0.005), (name, small, large)


def test_the_deadline_refuses_a_body_with_a_sentence():
    with pytest.raises(RenderRefused) as refused:
        render_note("# A note\n\nwith *some* text\n" * 50, MATCHER, budget=0)
    assert str(refused.value) == (
        "This note is too complex to render in 0 seconds: split it into shorter notes, "
        "or simplify its longest paragraphs and deepest nesting."
    )
    assert refused.value.params == {"seconds": "0"}


def test_the_deadline_refuses_plain_text_and_linking_too():
    with pytest.raises(RenderRefused):
        render_note("x = 1\n" * 50, MATCHER, format=PLAIN_TEXT, budget=0)
    deadline = render_limits.Deadline(60)
    html = render_markdown("GIL " * 100, deadline).html
    with pytest.raises(RenderRefused):
        link_html(html, MATCHER, deadline=render_limits.Deadline(0))


def test_a_rendering_out_of_stack_is_refused_as_nested_too_deep(monkeypatch):
    def recurse(body, deadline):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("notes.note_rendering.RENDERERS", {"markdown": recurse})
    with pytest.raises(RenderRefused, match="nests too deeply to render") as refused:
        render_note("x", MATCHER)
    assert refused.value.params == {"levels": MAX_NESTING}


@pytest.mark.parametrize(
    "body",
    [
        "".join("    " * level + f"- level {level}\n" for level in range(400)),
        "> " * 400 + "x",
        "- " * 400 + "x",
        "<div>" * 5000 + "x",
        "[" * 5000 + "x" + "]" * 5000,
    ],
    ids=["400 nested lists", "400 nested quotes", "400 bullets on a line", "5000 divs", "brackets"],
)
def test_deep_nesting_renders_flattened(body):
    rendered = render_note(body, MATCHER, budget=60)
    for tag in ("ul", "blockquote", "div"):
        assert rendered.html.count(f"<{tag}") <= MAX_HTML_DEPTH + 1


def test_lists_past_the_limit_join_the_deepest_level_and_keep_their_text():
    body = "".join("    " * level + f"- level {level}\n" for level in range(40))
    html = render_markdown(body).html
    assert html.count("<ul>") == MAX_NESTING
    for level in range(40):
        assert f"<li>level {level}" in html


def test_neutralised_openers_read_as_written():
    body = "[a" * 1000 + " `x` " + "<http://a" * 1000
    assert set(bound_markdown(body).placeholders.values()) == {"[", "&lt;"}
    html = render_markdown(body).html
    assert "[a" * 1000 in html
    assert "&lt;http://a" * 1000 in html
    assert "<code>x</code>" in html


def test_a_paragraph_dense_with_markup_is_cut_into_paragraphs():
    html = render_markdown("*a* " * 10000).html
    assert html.count("<em>a</em>") == 10000
    assert html.count("<p>") == 5
    assert render_markdown("*a* " * 1000).html.count("<p>") == 1


def test_ordinary_notes_pass_the_bounds_untouched():
    for path in sorted(SAMPLES.glob("*.md")):
        text = normalize_source(path.read_text(encoding="utf-8"))
        bounded = bound_markdown(text)
        assert (bounded.text, bounded.placeholders) == (text, {}), path.name


def test_html_nested_past_the_limit_turns_the_excess_into_text():
    assert bound_html_nesting("<div>" * 50) == "<div>" * 50
    deep = bound_html_nesting("<div>" * 20000)
    assert deep.count("<div>") == MAX_HTML_DEPTH
    assert deep.count("&lt;div>") == 20000 - MAX_HTML_DEPTH
    # Closed elements, siblings and void elements do not deepen it.
    flat = "<div><p>a<p>b<br><li>c<li>d</div>" * 20000
    assert bound_html_nesting(flat) == flat


@pytest.mark.django_db
def test_a_body_too_complex_to_render_is_the_bodys_validation_error(settings):
    settings.RENDER_BUDGET_SECONDS = 0
    note = Note(title="Deep", body="Some text.")
    with pytest.raises(ValidationError) as error:
        note.full_clean()
    assert error.value.message_dict["body"] == [
        "This note is too complex to render in 0 seconds: split it into shorter notes, "
        "or simplify its longest paragraphs and deepest nesting."
    ]


@pytest.mark.django_db
def test_a_clean_note_saves_with_the_rendering_its_validation_made(monkeypatch):
    note = Note(title="Once", body="The GIL.")
    note.full_clean()
    monkeypatch.setattr("notes.models.notes.render_note", None)  # not called again
    note.save()
    assert "The GIL." in note.body_html


@pytest.mark.django_db
def test_an_import_reports_a_file_too_complex_to_render_in_a_sentence(tmp_path, settings):
    settings.RENDER_BUDGET_SECONDS = 0
    (tmp_path / "deep.md").write_text("# Deep\n\nSome text.\n", encoding="utf-8")
    report = import_paths([tmp_path])
    (result,) = report.results
    assert result.outcome is Outcome.FAILED
    assert result.reason == (
        "body: This note is too complex to render in 0 seconds: split it into shorter "
        "notes, or simplify its longest paragraphs and deepest nesting."
    )
    assert not Note.objects.exists()


def _old_unique_anchor(text: str, taken: set[str]) -> str:
    """The anchor as first written, trying _1, _2... from the start each time."""
    base = slugify_unicode(text.lstrip(">").strip(), "-") or "section"
    anchor, number = base, 1
    while anchor in taken:
        anchor = f"{base}_{number}"
        number += 1
    taken.add(anchor)
    return anchor


def test_plain_text_anchors_for_repeated_sections_are_the_same_found_faster():
    rng = random.Random(5)
    texts = ["小结", "小结_1", "a", "a_2", "A", "section", ""]
    for _ in range(200):
        old_taken: set[str] = set()
        taken: dict[str, int] = {}
        for text in rng.choices(texts, k=30):
            assert _unique_anchor(text, taken) == _old_unique_anchor(text, old_taken)


def test_plain_text_with_thousands_of_repeated_sections_renders_in_linear_time():
    def seconds(count: int) -> float:
        # This process's CPU time: what other processes on the machine do is not counted.
        started = time.process_time()
        render_note(">v0.1 多进程\n正文\n\n" * count, MATCHER, format=PLAIN_TEXT, budget=60)
        return time.process_time() - started

    seconds(200)
    short = min(seconds(1000) for _ in range(2))
    assert seconds(4000) < 8 * short


# --- the model of Markdown's scanning, construct by construct ------------------------------


def test_a_block_of_headings_past_the_budget_gets_blank_lines_and_the_paragraph_before_none():
    body = "An ordinary paragraph.\n\n" + "# a\n" * 2000
    # Each heading made its own block, as Markdown reads it anyway; the last one needs
    # no blank line after it, and the paragraph is not touched.
    assert bound_markdown(body).text == (
        "An ordinary paragraph.\n\n" + "\n\n".join(["# a"] * 2000) + "\n"
    )


def test_escaped_brackets_are_not_openers_but_one_after_an_escaped_backslash_is():
    escaped = "\\[a] " * 1500  # `\[` is a literal bracket: Markdown scans nothing from it
    bounded = bound_markdown(escaped)
    assert (bounded.text, bounded.placeholders) == (escaped, {})
    assert render_markdown(escaped).html == "<p>" + "[a] " * 1500 + "</p>"
    # `\\[`: the backslash is the escaped one, and the bracket opens a link text that
    # never closes, so it is neutralised like a bare `[`.
    opened = "\\\\[a " * 1500
    assert set(bound_markdown(opened).placeholders.values()) == {"["}
    assert render_markdown(opened).html == "<p>" + "\\[a " * 1500 + "</p>"


def test_brackets_inside_code_spans_are_not_openers():
    body = "`x[` " * 1500  # indexing code, quoted: Markdown reads the spans first
    bounded = bound_markdown(body)
    assert (bounded.text, bounded.placeholders) == (body, {})
    assert render_markdown(body).html.count("<code>x[</code>") == 1500
    # The same brackets outside code spans scan to the paragraph's end: neutralised.
    assert set(bound_markdown("x[ " * 1500).placeholders.values()) == {"["}


def test_tags_open_around_a_comment_are_written_as_text_once_it_would_cost_too_much():
    # Markdown searches the rest of the paragraph for the end of each open tag: one
    # comment inside 3,000 open <b> costs 3,000 times the rest of the paragraph.
    body = "<b>" * 3000 + "<!-- note --> text"
    bounded = bound_markdown(body)
    assert set(bounded.placeholders.values()) == {"&lt;"}
    assert sum(bounded.text.count(p) for p in bounded.placeholders) == 3000
    html = render_markdown(body).html
    assert html.count("&lt;b&gt;") == 3000 and "<b>" not in html
    # Closed before the comment, they cost nothing: an end tag closes the tags left
    # open inside it too (here `</b>` closes 3,000 <i>).
    closed = "<b>" + "<i>" * 3000 + "</b><!-- note --> text"
    assert bound_markdown(closed) == render_limits.BoundedSource(closed)
    assert bound_markdown(closed.replace("</b>", "")).placeholders
    # A comment in an ordinary paragraph, inside a tag or not, changes nothing.
    for ordinary in ["<b>bold <!-- c --> text</b>", "plain <!-- c --> text"]:
        assert bound_markdown(ordinary) == render_limits.BoundedSource(ordinary)
    assert render_markdown("<b>bold <!-- c --> text</b>").html == "<p><b>bold  text</b></p>"


def test_unclosed_processing_instructions_past_the_fourth_are_text():
    body = "<?php\n\n" * 50  # each scans to the end of the note for its `?>`
    bounded = bound_markdown(body)
    assert sum(bounded.text.count(p) for p in bounded.placeholders) == 50 - MAX_UNCLOSED
    assert render_markdown(body).html.count("<p>&lt;?php</p>") == 50
    # Closed ones, and `<?` inside a line (Markdown only reads them at a line's start),
    # are left alone.
    ordinary = "<?php echo 1; ?>\n\nand a <?inline thing\n"
    assert bound_markdown(ordinary) == render_limits.BoundedSource(ordinary)
    assert "<p>and a &lt;?inline thing</p>" in render_markdown(ordinary).html


def test_end_tags_that_never_close_past_the_fourth_are_text():
    body = "</b " * 1000  # no `>` after them: each scans to the end of the note
    bounded = bound_markdown(body)
    assert sum(bounded.text.count(p) for p in bounded.placeholders) == 1000 - MAX_UNCLOSED
    assert render_markdown(body).html == "<p>" + "&lt;/b " * 1000 + "</p>"


def test_unclosed_comments_are_left_alone_as_markdown_searches_for_their_end_once():
    body = "<!-- " * 1000
    bounded = bound_markdown(body)
    assert (bounded.text, bounded.placeholders) == (body, {})
    assert render_markdown(body).html.count("&lt;!--") == 1000


def test_declarations_and_tags_holding_a_less_than_sign_pass_untouched():
    body = '<!DOCTYPE html>\n\ntext <!x and <a title="<b>">link</a>\n'
    assert bound_markdown(body) == render_limits.BoundedSource(body)
    html = render_markdown(body).html
    assert "DOCTYPE" not in html  # raw HTML, which the sanitiser drops
    assert 'text &lt;!x and <a title="&lt;b&gt;"' in html


def test_a_tag_name_cut_short_by_a_backtick_is_text_not_an_unclosed_tag():
    # Markdown's HTML parser ends a tag name at a backtick: `<a` is a code span.
    body = "`<a` " * 10
    assert bound_markdown(body) == render_limits.BoundedSource(body)
    assert render_markdown(body).html.count("<code>&lt;a</code>") == 10


def test_deep_indentation_inside_fenced_code_is_kept_while_deep_lists_are_flattened():
    code_line = " " * 140 + "print(x)"
    body = f"```\n{code_line}\n```\n\n" + "".join(
        "    " * level + f"- level {level}\n" for level in range(40)
    )
    assert bound_markdown(body).text.split("\n")[1] == code_line
    html = render_markdown(body).html
    assert f"<code>{code_line}\n</code>" in html
    assert html.count("<ul>") == MAX_NESTING


def test_an_end_tag_does_not_close_an_element_outside_its_table_cell_or_none_open():
    # In a table cell, `</div>` cannot close the divs opened before the table (the HTML
    # parser ignores it), so the divs after it nest on: 60, the table, its row and cell.
    inside_cell = "<div>" * 60 + "<table><tr><td>" + "</div>" * 60 + "<div>" * 60 + "x</td>"
    open_before = 60 + 3
    bounded = bound_html_nesting(inside_cell)
    assert bounded.count("&lt;div>") == 60 - (MAX_HTML_DEPTH - open_before)
    # End tags of elements not open close nothing either.
    stray = "<div>" * 60 + "</span>" * 50 + "<div>" * 60
    assert bound_html_nesting(stray).count("&lt;div>") == 60 - (MAX_HTML_DEPTH - 60)


def test_check_deadline_checks_only_the_deadline_of_the_rendering_under_way():
    render_limits.check_deadline()  # no rendering under way: nothing to check
    with (
        render_limits.deadline_in_effect(render_limits.Deadline(-1)),
        pytest.raises(RenderRefused, match="too complex to render in -1 seconds"),
    ):
        render_limits.check_deadline()
    render_limits.check_deadline()  # the rendering's deadline ended with it
