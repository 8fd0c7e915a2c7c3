"""Links to the Python documentation in rendered notes (notes.python_links)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notes.linking import LinkTarget, TopicMatcher
from notes.models import PythonObject
from notes.note_rendering import render_note
from notes.python_links import card_text, link_python_docs
from notes.python_names import PythonEntry, PythonIndex
from tests.factories import make_note, make_topic

DOCS = "https://docs.python.org/3.11/"
ENTRIES = [
    PythonEntry("functools", "py:module", "library/functools.html#module-functools"),
    PythonEntry("functools.lru_cache", "py:function", "library/functools.html#functools.lru_cache",
                "(user_function)", "Decorator to wrap a function with a memoizing callable."),
    PythonEntry("threading", "py:module", "library/threading.html#module-threading"),
    PythonEntry("threading.Lock", "py:class", "library/threading.html#threading.Lock"),
    PythonEntry("gc.disable", "py:function", "library/gc.html#gc.disable", "()",
                'Disable <automatic> "garbage" collection & more.'),
    PythonEntry("os.path.join", "py:function", "library/os.path.html#os.path.join"),
    PythonEntry("os", "py:module", "library/os.html#module-os"),
    PythonEntry("len", "py:function", "library/functions.html#len"),
    PythonEntry("object.__hash__", "py:method", "reference/datamodel.html#object.__hash__"),
]  # fmt: skip
INDEX = PythonIndex(ENTRIES, DOCS)
NO_TOPICS = TopicMatcher([])

NOTE = """Caching with `functools.lru_cache`, pausing with `gc.disable()`, `__hash__`
and `len()`, as PEP 703 and PEP8 say; take the lock, not `self.lock`.

```python
import threading as th
from functools import lru_cache

@lru_cache
def f(path):
    return len(os.path.join(path, "x<y"))

lock = th.Lock()
lock.acquire()
```
"""


def anchors(rendered: str) -> list[tuple[str, str]]:
    """(href, text without tags) of every link."""
    return [
        (href, re.sub(r"<[^>]+>", "", inner))
        for href, inner in re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', rendered, re.S)
    ]


def test_code_and_inline_code_link_to_the_configured_version():
    html = render_note(NOTE, NO_TOPICS, python_docs=INDEX).html
    links = anchors(html)
    assert (DOCS + "library/functools.html#functools.lru_cache", "functools.lru_cache") in links
    assert (DOCS + "library/gc.html#gc.disable", "gc.disable()") in links
    assert (DOCS + "reference/datamodel.html#object.__hash__", "__hash__") in links
    assert (DOCS + "library/functions.html#len", "len()") in links
    # In the code block: the alias, the decorator, the chain and the built-in.
    assert (DOCS + "library/threading.html#threading.Lock", "th.Lock") in links
    assert (DOCS + "library/functools.html#functools.lru_cache", "lru_cache") in links
    assert (DOCS + "library/os.path.html#os.path.join", "os.path.join") in links
    assert (DOCS + "library/functions.html#len", "len") in links


def test_code_keeps_its_highlighting_and_text():
    plain = render_note(NOTE, NO_TOPICS).html
    linked = render_note(NOTE, NO_TOPICS, python_docs=INDEX).html
    assert re.sub(r"<[^>]+>", "", linked) == re.sub(r"<[^>]+>", "", plain)
    assert '<span class="n">os</span><span class="o">.</span>' in linked
    assert linked.count('<span class="n">') == plain.count('<span class="n">')


def test_pep_numbers_in_prose_link_to_peps():
    links = anchors(render_note(NOTE, NO_TOPICS, python_docs=INDEX).html)
    assert ("https://peps.python.org/pep-0703/", "PEP 703") in links
    assert ("https://peps.python.org/pep-0008/", "PEP8") in links


def test_words_in_prose_and_unknown_names_are_not_linked():
    texts = [text for _, text in anchors(render_note(NOTE, NO_TOPICS, python_docs=INDEX).html)]
    assert "lock" not in texts and "self.lock" not in texts
    assert "lock.acquire" not in texts and "acquire" not in texts


def test_hover_card_names_the_entry_and_is_escaped():
    html = render_note("Use `gc.disable()`.", NO_TOPICS, python_docs=INDEX).html
    assert (
        'data-card="function gc.disable() — Disable &lt;automatic&gt; &quot;garbage&quot; '
        'collection &amp; more."'
    ) in html
    assert card_text(ENTRIES[1]) == (
        "function functools.lru_cache(user_function) — Decorator to wrap a function with a "
        "memoizing callable."
    )


def test_a_long_summary_is_cut_in_the_card():
    entry = PythonEntry("x.y", "py:data", "x.html#x.y", summary="word " * 100)
    assert card_text(entry).endswith("…") and len(card_text(entry)) < 200


def test_an_empty_index_renders_exactly_as_before():
    assert render_note(NOTE, NO_TOPICS, python_docs=PythonIndex([], DOCS)).html == (
        render_note(NOTE, NO_TOPICS).html
    )


def test_links_never_nest_in_topic_links_headings_or_existing_links():
    topic = LinkTarget("topic", 1, "Caching", "/topics/caching/")
    body = (
        "## About PEP 703\n\n"
        "Caching and [PEP 8](https://example.org) and `len` [`os`](https://x.org).\n"
    )
    html = render_note(body, TopicMatcher([("caching", topic)]), python_docs=INDEX).html
    assert "peps.python.org" not in html
    assert html.count("<a ") == html.count("</a>")
    assert not re.search(r"<a [^>]*>(?:(?!</a>).)*<a ", html, re.S)
    assert (DOCS + "library/functions.html#len", "len") in anchors(html)


def test_blocks_of_other_languages_are_left_alone():
    html = '<pre><code class="language-js">len(x); os.path.join()</code></pre>'
    assert link_python_docs(html, INDEX) == html


def test_unhighlighted_block_is_linked_inside_its_text():
    html = "<pre><code>x = len(y) &lt; 2\nos.path.join(a)\n</code></pre>"
    linked = link_python_docs(html, INDEX)
    assert linked.startswith('<pre><code>x = <a class="pydoc" href="' + DOCS)
    assert ">len</a>(y) &lt; 2\n<a " in linked and ">os.path.join</a>(a)" in linked


@pytest.mark.django_db
def test_saved_notes_link_with_the_stored_index(settings):
    settings.PYTHON_DOCS_VERSION = "3.12"
    PythonObject.objects.replace_all(ENTRIES, "inventory")
    note = make_note(body=NOTE)
    assert 'href="https://docs.python.org/3.12/library/functools.html#functools.lru_cache"' in (
        note.body_html
    )


@pytest.mark.django_db
def test_saved_notes_render_as_before_without_an_index():
    note = make_note(body=NOTE)
    assert "pydoc" not in note.body_html
    assert note.body_html == render_note(NOTE, NO_TOPICS, title=note.title).html


@pytest.mark.django_db
def test_note_page_queries_are_the_same_with_an_index(client):
    make_topic("Caching")
    note = make_note(body=NOTE)

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(note.get_absolute_url()).status_code == 200
        return len(queries)

    before = page_queries()
    PythonObject.objects.replace_all(ENTRIES, "inventory")
    note.save()
    assert "pydoc" in note.body_html
    cache.clear()
    assert page_queries() == before


@pytest.mark.django_db
def test_imports_link_the_same_in_worker_processes_and_in_order(tmp_path, monkeypatch):
    from notes import importers
    from notes.importers import workers
    from notes.models import Note

    PythonObject.objects.replace_all(ENTRIES, "inventory")
    for number in range(4):
        (tmp_path / f"n{number}.md").write_text(f"# Note {number}\n\n{NOTE}", encoding="utf-8")
    monkeypatch.setattr(workers, "PARALLEL_MIN_FILES", 2)
    importers.import_paths([tmp_path])
    parallel = {note.title: note.body_html for note in Note.objects.all()}
    Note.objects.all().delete()
    monkeypatch.setattr(workers, "PARALLEL_MIN_FILES", 10_000)
    importers.import_paths([tmp_path])
    in_order = {note.title: note.body_html for note in Note.objects.all()}
    assert parallel == in_order
    assert all('class="pydoc"' in body for body in parallel.values())


@pytest.mark.parametrize(
    "html",
    [
        "<pre>len(x)</pre>",  # no code element
        # A name whose tokens a tag interrupts, or that ends inside a token.
        '<pre><code><span class="n">os</span><i></i><span class="o">.</span>path.join</code></pre>',
        '<pre><code><span class="n">os</span>.path.join(x)</code></pre>',
        "<p>Unclosed <code>len</p>",
        "<p>Nothing to link: <code>x = 1</code>, <code>a<b>b</b></code></p>",
    ],
)
def test_what_names_nothing_is_left_as_it_is(html):
    assert link_python_docs(html, INDEX) == html


def test_nothing_is_linked_without_an_index():
    assert link_python_docs("<p>PEP 8 and <code>len</code></p>", None) == (
        "<p>PEP 8 and <code>len</code></p>"
    )


def test_a_name_across_a_tag_links_its_documented_part():
    html = '<pre><code><span class="n">os</span><span class="o">.</span><i></i>path</code></pre>'
    assert link_python_docs(html, INDEX) == (
        '<pre><code><a class="pydoc" href="https://docs.python.org/3.11/library/os.html#module-os"'
        ' data-card="module os"><span class="n">os</span></a><span class="o">.</span><i></i>path'
        "</code></pre>"
    )


def test_several_names_in_one_unhighlighted_token():
    html = "<pre><code>len(dict) + len(os)\n</code></pre>"
    linked = link_python_docs(html, INDEX)
    assert linked.count('class="pydoc"') == 2  # dict is not in this index
    assert re.sub(r"<[^>]+>", "", linked) == "len(dict) + len(os)\n"


@pytest.mark.django_db
def test_rerendering_stored_notes_links_them_with_a_new_index():
    from django.core.management import call_command

    note = make_note(body=NOTE)
    assert "pydoc" not in note.body_html
    PythonObject.objects.replace_all(ENTRIES, "inventory")
    call_command("recount_notes", "--rerender", stdout=io.StringIO())
    note.refresh_from_db()
    assert 'class="pydoc"' in note.body_html and "peps.python.org" in note.body_html


@pytest.mark.django_db
def test_the_admins_live_preview_links_python_names_as_the_saved_note_will(staff_client):
    PythonObject.objects.replace_all(ENTRIES, "inventory")
    response = staff_client.post(
        reverse("admin:notes_note_preview"), {"body": "Call `gc.disable()` first."}
    )
    assert 'class="pydoc" href="https://docs.python.org/' in response.json()["html"]
