"""Copy and Run on a note's code blocks, in Debian's Chromium driven by Playwright.

Run only these, they are slow: ``pytest -m browser -k run tests/test_browser_run.py``.
The Run tests need Pyodide in static/vendor/pyodide/ (scripts/static_deps.sh, which
needs npm); without it they are skipped and the page has no Run button.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import make_note

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PYODIDE = Path(settings.BASE_DIR) / "static" / "vendor" / "pyodide"
INSTALLED = (PYODIDE / "pyodide.asm.wasm").exists()
needs_pyodide = pytest.mark.skipif(
    not INSTALLED,
    reason="Pyodide is not installed in static/vendor/pyodide (scripts/static_deps.sh needs npm)",
)
WORKER = "/static/notes/run-worker.js"
# Pyodide loads in a few seconds; a busy two-core machine may take longer.
LOADING_MS = 90_000

BODY = """\
## Blocks

```python
answer = 41
print("defined")
```

```python
print(answer + 1)
```

```pycon
>>> sorted({3, 1, 2})
[1, 2, 3]
>>> for word in ["a", "b"]:
...     print(word * 2)
...
aa
bb
```

```python
while True:
    pass
```

```python
name = input("Your name? ")
```

```python
import threading
threading.Thread(target=print).start()
```

```python no-run
import os
os.fork()
```

```bash
echo not python
```
"""


@pytest.fixture
def problems(page):
    """Console errors, uncaught exceptions and Content-Security-Policy violations
    (in the page, and in its workers), as they happen."""
    found: list[str] = []

    def on_console(message):
        # Without Pyodide the page's one question (is it there?) is answered 404.
        asked = "/static/vendor/pyodide/" in message.location.get("url", "")
        if message.type == "error" and not (asked and not INSTALLED):
            found.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: found.append(str(error)))
    page.on("worker", lambda worker: worker.on("console", on_console))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (event) =>"
        " console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI));"
    )

    # The live server hands out static files before any middleware, so without the
    # site's policy; in production whitenoise answers inside the middleware, and the
    # policy comes with them. A worker runs under the policy its script came with: the
    # worker's script gets the one Django sends with it.
    def with_policy(route):
        policy = Client().get(WORKER)["Content-Security-Policy"]
        response = route.fetch()
        route.fulfill(
            response=response,
            headers={**response.headers, "content-security-policy": policy},
        )

    # The context's routes, unlike the page's, see a worker's requests too.
    page.context.route(f"**{WORKER}", with_policy)
    return found


def tools(page, number):
    """The tools above the ``number``-th code block (1-based)."""
    return page.locator(".code-tools").nth(number - 1)


def output(page, number):
    return page.locator(".highlight").nth(number - 1).locator("xpath=following-sibling::*[1]")


def test_copy_puts_the_code_without_prompts_or_output_on_the_clipboard(live_server, page, problems):
    note = make_note("Copying", body=BODY)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(live_server.url + note.get_absolute_url())

    copy = tools(page, 3).get_by_role("button", name="Copy")
    copy.click()
    assert page.evaluate("navigator.clipboard.readText()") == (
        'sorted({3, 1, 2})\nfor word in ["a", "b"]:\n    print(word * 2)\n'
    )
    assert tools(page, 3).get_by_role("button", name="Copied").is_visible()
    page.locator(".code-announcer").get_by_text("Copied").wait_for(state="attached")
    assert page.locator(".code-announcer").get_attribute("aria-live") == "polite"
    # Back to "Copy" after two seconds.
    tools(page, 3).get_by_role("button", name="Copy").wait_for(timeout=4000)

    tools(page, 1).get_by_role("button", name="Copy").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("navigator.clipboard.readText()") == 'answer = 41\nprint("defined")'
    assert page.locator(".code-tools .code-copy").count() == 8  # every block, bash too
    assert problems == []


@needs_pyodide
def test_run_shows_the_output_under_the_block_and_finds_names_above(live_server, page, problems):
    note = make_note("Running", body=BODY)
    page.goto(live_server.url + note.get_absolute_url())
    first = tools(page, 1).get_by_role("button", name="Run")
    first.click()
    area = output(page, 1)
    assert area.get_attribute("aria-live") == "polite"
    area.locator(".code-output-text").get_by_text("defined").wait_for(timeout=LOADING_MS)

    # Alone, the second block does not know `answer`; with the blocks above it does.
    tools(page, 2).get_by_role("button", name="Run").click()
    output(page, 2).get_by_text("NameError: name 'answer' is not defined").wait_for()
    tools(page, 2).get_by_label("Run the blocks above too").check()
    tools(page, 2).get_by_role("button", name="Run").click()
    page.wait_for_function(
        "document.querySelectorAll('.code-output')[1].querySelector('.code-output-text')"
        ".textContent === '42\\n'"
    )

    # A >>> session runs its prompts as the interactive interpreter would, and its
    # output is compared with the note's.
    tools(page, 3).get_by_role("button", name="Run").click()
    output(page, 3).get_by_text("Output matches the note").wait_for()
    assert output(page, 3).locator(".code-output-text").inner_text() == "[1, 2, 3]\naa\nbb\n"

    assert tools(page, 7).get_by_role("button", name="Run").count() == 0  # no-run
    assert tools(page, 8).get_by_role("button", name="Run").count() == 0  # bash
    assert problems == []


@needs_pyodide
def test_an_endless_loop_is_stopped_and_the_next_run_works(live_server, page, problems):
    note = make_note("Looping", body=BODY)
    page.goto(live_server.url + note.get_absolute_url())
    page.eval_on_selector("script[data-run-timeout]", "script => script.dataset.runTimeout = '2'")

    tools(page, 4).get_by_role("button", name="Run").click()
    stopped = output(page, 4).get_by_text("Stopped after 2 seconds: the code ran too long.")
    stopped.wait_for(timeout=LOADING_MS)

    # A new worker runs the next block.
    tools(page, 1).get_by_role("button", name="Run").click()
    output(page, 1).get_by_text("defined").wait_for(timeout=LOADING_MS)
    assert problems == []


@needs_pyodide
def test_input_and_threads_are_refused_with_a_sentence(live_server, page, problems):
    note = make_note("Refusing", body=BODY)
    page.goto(live_server.url + note.get_absolute_url())

    tools(page, 5).get_by_role("button", name="Run").click()
    output(page, 5).get_by_text(
        "input() cannot read what you type here: put the values in the code instead."
    ).wait_for(timeout=LOADING_MS)

    tools(page, 6).get_by_role("button", name="Run").click()
    output(page, 6).get_by_text(
        "This code needs threading.Thread.start(), which a browser cannot give:"
        " run it on your own computer."
    ).wait_for()
    assert problems == []


@needs_pyodide
def test_a_plain_text_note_compares_a_run_with_its_recorded_output(live_server, page, problems):
    body = (
        "打印两行。\n\nfor number in range(2):\n    print(number)\n\n运行结果如下：\n\n0\n1\n\n"
        "另一段。\n\nprint('changed')\n\n输出：\n\nsame\n"
    )
    note = make_note("纯文本", body=body, format="text")
    page.goto(live_server.url + note.get_absolute_url())
    tools(page, 1).get_by_role("button", name="Run").click()
    output(page, 1).get_by_text("Output matches the note").wait_for(timeout=LOADING_MS)
    tools(page, 2).get_by_role("button", name="Run").click()
    output(page, 2).get_by_text("Output differs from the note").wait_for()
    assert problems == []
