"""Every reader page, checked by axe-core (WCAG 2.1 A and AA, and its best practices).

A page fails on any violation of impact "serious" or "critical"; the "moderate" and
"minor" ones are printed (``pytest -s``) for a person to read. axe-core is the npm
devDependency in package.json (``npm ci`` puts it in node_modules/); without it
these tests skip.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command

from notes.models import Note, PythonObject, Topic
from notes.python_names import PythonEntry
from scripts import pygments_css
from tests.factories import make_category, make_draft, make_note, make_user


def in_browser(test):
    return pytest.mark.browser(pytest.mark.django_db(transaction=True)(test))


AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}
WIDTHS = [1280, 390]
LANGUAGES = ["en", "zh-hans"]
ENTRY = PythonEntry("gc.disable", "py:function", "library/gc.html#gc.disable", "()",
                    "Disable automatic garbage collection.")  # fmt: skip
NOTE_BODY = """Garbage collection frees objects; the GIL and concurrency shape how threads
run. See [the docs](https://docs.python.org/3/library/gc.html) for more.

## Turning it off

```python
import gc
from collections import namedtuple

gc.disable()
Point = namedtuple("Point", "x y")  # a comment
print(f"{Point(1, 2)!r}", 3.5, None)
```

- a list item with `inline code`
- another, about threads
"""


@dataclass
class Site:
    pages: dict[str, str]
    maps: dict[str, str]
    staff_pages: dict[str, str]


@pytest.fixture
def site(db) -> Site:
    """The starter map and notes, and notes that show every kind of content a page has."""
    # The index comes first: a note is rendered, with its Python names' links, on save.
    PythonObject.objects.replace_all([ENTRY], "inventory")
    call_command("load_sample_content", stdout=None)
    category = make_category("Memory")
    note = make_note("Turning off the collector", body=NOTE_BODY, category=category,
                     tags=["gc", "memory"])  # fmt: skip
    plain = make_note("A plain note", body="Plain text, as typed.\n\nThe GIL again.",
                      format=Note.Format.PLAIN_TEXT, category=category)  # fmt: skip
    draft = make_draft("A draft", body="Not yet published.", category=category)
    concurrency = Topic.objects.get(name="Concurrency")
    gil = Topic.objects.get(name="GIL")
    path = Topic.objects.get(name="Multiprocessing")
    pages = {
        "home": "/",
        "notes": "/notes/",
        "category": category.get_absolute_url(),
        "tag": "/tags/gc/",
        "tags": "/tags/",
        "categories": "/categories/",
        "learn": "/learn/",
        "learn-path": f"/learn/{path.slug}/",
        "topic": concurrency.get_absolute_url(),
        "topic-2": gil.get_absolute_url(),
        "search": "/search/?q=collector",
        "search-topic": "/search/?q=concurrency",
        "note": note.get_absolute_url(),
        "plain-note": plain.get_absolute_url(),
        "404": "/no-such-page/",
        "review": "/review/",
        "review-topic": f"/review/?topic={gil.slug}",
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
        "password-reset": "/accounts/password_reset/",
    }
    # The pages that draw a mind map (a topic page draws the topic's neighbourhood).
    maps = {
        "map": "/map/",
        "note-map": note.get_absolute_url() + "map/",
        "topic": concurrency.get_absolute_url(),
        "topic-2": gil.get_absolute_url(),
    }
    staff_pages = {
        "home": "/",
        "notes": "/notes/",
        "note": note.get_absolute_url(),
        "draft": draft.get_absolute_url(),
        "search": "/search/?q=draft",
    }
    return Site(pages, maps, staff_pages)


@pytest.fixture(scope="module")
def tab(browser):
    """One browser page reused by every test here: a new one per test costs seconds."""
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE} is missing): run `npm ci`")
    # axe runs through page.evaluate, which the page's Content-Security-Policy does not
    # govern: add_script_tag() inserts an inline <script>, which the CSP (script-src
    # 'self', rightly) refuses. The pages are checked under their real CSP.
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def audit(page, url: str, exclude: tuple[str, ...] = ()) -> list[dict]:
    response = page.goto(url)
    assert response is not None
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate(
        """([exclude, tags]) => axe.run(
            {include: [document], exclude: exclude.map((selector) => [selector])},
            {runOnly: {type: 'tag', values: tags}})""",
        [list(exclude), TAGS],
    )
    return results["violations"]


def check(page, base: str, pages: dict[str, str], label: str, exclude=()) -> None:
    failing: list[str] = []
    language = next(
        cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "django_language"
    )
    for name, path in pages.items():
        violations = audit(page, base + path, exclude)
        # axe checks that <html> has a valid lang and that the skip link's target exists;
        # these check that the lang is the interface's and the skip link comes first.
        chrome = page.evaluate(
            """() => ({lang: document.documentElement.lang,
                       first: document.querySelector('body a[href]').getAttribute('href'),
                       main: document.querySelectorAll('main#main').length})"""
        )
        assert chrome == {"lang": language, "first": "#main", "main": 1}, f"{label} {name}"
        for violation in violations:
            targets = [json.dumps(node["target"]) for node in violation["nodes"][:5]]
            line = (
                f"{label} {name} ({path}): {violation['impact']} {violation['id']}: "
                f"{violation['help']} ({len(violation['nodes'])} nodes, e.g. "
                f"{', '.join(targets)})"
            )
            if violation["impact"] in FAILING_IMPACTS:
                failing.append(line)
            else:
                print(line)
    assert not failing, "\n".join(failing)


def prepare(tab, live_server, width: int, language: str) -> None:
    tab.context.clear_cookies()
    tab.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    tab.set_viewport_size({"width": width, "height": 900})


@in_browser
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
def test_reader_pages_have_no_serious_accessibility_violation(
    live_server, site, tab, width, language
):
    prepare(tab, live_server, width, language)
    # A topic page's small map is checked with the maps, below.
    check(tab, live_server.url, site.pages, f"{language} {width}px", exclude=(".mindmap-frame",))


@in_browser
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
def test_map_pages_have_no_serious_accessibility_violation(live_server, site, tab, width, language):
    prepare(tab, live_server, width, language)
    check(tab, live_server.url, site.maps, f"{language} {width}px")


@in_browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_pages_have_no_serious_accessibility_violation(live_server, site, tab, language):
    make_user(username="editor", superuser=True)
    prepare(tab, live_server, 1280, language)
    tab.goto(live_server.url + "/admin/login/")
    tab.fill("#id_username", "editor")
    tab.fill("#id_password", "a-long-test-password")
    tab.locator("input[type=submit]").click()
    tab.wait_for_load_state()
    check(tab, live_server.url, site.staff_pages, f"staff {language}")


@in_browser
def test_the_audit_sees_a_violation_when_there_is_one(live_server, site, tab):
    """The check is able to fail: an image without a text alternative is caught."""
    prepare(tab, live_server, 1280, "en")
    audit(tab, live_server.url + "/")
    tab.evaluate(
        "() => { const img = document.createElement('img'); img.src = '/static/x.png';"
        " document.querySelector('main').append(img); }"
    )
    results = tab.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    assert "image-alt" in {violation["id"] for violation in results["violations"]}


def test_code_colours_are_exactly_the_accessible_pygments_style():
    """static/css/pygments.css is a11y-light as generated, not a hand-tuned copy."""
    committed = pygments_css.TARGET.read_text(encoding="utf-8")
    assert committed == pygments_css.generated(), "run scripts/pygments_css.py"
    assert pygments_css.main(["--check"]) == 0
