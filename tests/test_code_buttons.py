"""What a note page gives static/notes/code-blocks.js: the script files, the words of
the Copy and Run buttons in the page's language, which blocks are Python and which the
author marked ``no-run``, and a Content-Security-Policy that lets Pyodide run."""

import re
from html.parser import HTMLParser

import pytest

from notes.markdown import normalize_source, render_markdown
from tests.factories import make_note

pytestmark = pytest.mark.django_db

BODY = "Intro.\n\n```python\nprint(1)\n```\n\n```python no-run\nimport os\nos.fork()\n```\n"


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inline: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))
            self.in_script = True

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.inline.append(data)


def scripts_of(content: str) -> _Scripts:
    parser = _Scripts()
    parser.feed(content)
    return parser


def code_blocks_script(client, note, language="en") -> dict[str, str | None]:
    response = client.get(note.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
    found = [s for s in scripts_of(response.content.decode()).scripts if "data-copy" in s]
    assert len(found) == 1
    return found[0]


def test_note_page_loads_the_code_blocks_script_from_a_file_without_inline_script(client):
    note = make_note(body=BODY)
    content = client.get(note.get_absolute_url()).content.decode()
    parsed = scripts_of(content)
    assert parsed.inline == []
    sources = [script["src"] for script in parsed.scripts]
    assert "/static/notes/code-blocks.js" in sources
    assert all(source and source.startswith("/static/") for source in sources)
    script = code_blocks_script(client, note)
    assert "defer" in script
    assert script["data-worker"] == "/static/notes/run-worker.js"
    assert script["data-pyodide"] == "/static/vendor/pyodide/"
    assert script["data-run-timeout"] == "10"


def test_the_worker_and_the_script_are_served_as_static_files(client):
    for path in ("/static/notes/code-blocks.js", "/static/notes/run-worker.js"):
        response = client.get(path)
        assert response.status_code == 200
        assert "javascript" in response["Content-Type"]


def test_the_buttons_words_are_in_english_on_an_english_page(client):
    script = code_blocks_script(client, make_note(body=BODY))
    assert script["data-lang"] == "en"
    assert script["data-copy"] == "Copy"
    assert script["data-copied"] == "Copied"
    assert script["data-run"] == "Run"
    assert script["data-run-above"] == "Run the blocks above too"
    assert script["data-output-matches"] == "Output matches the note"
    assert script["data-output-differs"] == "Output differs from the note"
    assert "%s" in script["data-timed-out"]
    assert "%s" in script["data-needs"]
    assert script["data-input-refused"].startswith("input()")


def test_the_buttons_words_are_in_chinese_on_a_chinese_page(client):
    script = code_blocks_script(client, make_note(body=BODY), language="zh-hans")
    assert script["data-lang"] == "zh-hans"
    assert script["data-copy"] == "复制"
    assert script["data-copied"] == "已复制"
    assert script["data-run"] == "运行"
    assert script["data-output-matches"] != "Output matches the note"


def test_the_note_body_says_whether_the_note_is_plain_text(client):
    plain = make_note(body="import os\nprint(os.getpid())\n", format="text")
    content = client.get(plain.get_absolute_url()).content.decode()
    assert '<div class="note-body prose" data-note-format="text">' in content
    markdown = client.get(make_note(body=BODY).get_absolute_url()).content.decode()
    assert '<div class="note-body prose" data-note-format="markdown">' in markdown


def test_a_fenced_python_block_names_its_language_on_its_code_element():
    html = render_markdown("```python\nprint(1)\n```\n\n```pycon\n>>> 1\n1\n```\n").html
    assert '<div class="highlight"><pre><span></span><code class="language-python">' in html
    assert '<code class="language-pycon">' in html


def test_a_block_without_a_language_keeps_a_bare_code_element():
    html = render_markdown("```\nplain words\n```\n").html
    assert "<code>plain words\n</code>" in html


def test_a_no_run_fence_marks_its_block_and_keeps_its_language():
    html = render_markdown(BODY).html
    assert '<div class="no-run highlight"><pre><span></span><code class="language-python">' in html
    assert html.count("no-run") == 1
    assert 'os</span><span class="o">.</span><span class="n">fork' in html
    assert "```" not in html


def test_only_a_fence_line_opening_a_block_is_read_for_no_run():
    inside = "````markdown\n```python no-run\nx = 1\n```\n````\n"
    assert normalize_source(inside) == inside
    assert normalize_source("~~~ py no-run\nx\n~~~\n") == "~~~{.py .no-run}\nx\n~~~\n"
    # "no-run" in prose is text.
    assert normalize_source("Say python no-run here.\n") == "Say python no-run here.\n"


def test_the_policy_lets_webassembly_and_workers_from_this_site_and_nothing_more(client):
    note = make_note(body=BODY)
    policy = client.get(note.get_absolute_url())["Content-Security-Policy"]
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in re.split(r";\s*", policy.strip("; "))
    )
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert directives["worker-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert set(directives) == {
        "default-src", "script-src", "worker-src", "style-src", "img-src", "font-src",
        "connect-src", "object-src", "base-uri", "form-action", "frame-ancestors",
    }  # fmt: skip
    assert "unsafe-inline" not in policy
    assert "'unsafe-eval'" not in policy
