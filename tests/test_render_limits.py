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
        started = time.perf_counter()
        render_note(body, MATCHER, budget=60)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_adversarial_bodies_render_in_time_growing_linearly(name):
    make = ADVERSARIAL[name]
    small_kb, large_kb = SIZES_KB.get(name, (16, 64))
    render_seconds(make(1024))  # warm up
    small = render_seconds(make(small_kb * 1024), runs=3)
    large = render_seconds(make(large_kb * 1024), runs=2)
    assert large < render_limits.DEFAULT_BUDGET_SECONDS
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
        started = time.perf_counter()
        render_note(">v0.1 多进程\n正文\n\n" * count, MATCHER, format=PLAIN_TEXT, budget=60)
        return time.perf_counter() - started

    seconds(200)
    short = min(seconds(1000) for _ in range(2))
    assert seconds(4000) < 8 * short
