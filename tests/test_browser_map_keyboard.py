"""The maps with a keyboard alone, in Chromium: Tab reaches the nodes in the order of the
tree, Enter folds and unfolds a branch (with and without JavaScript) and opens a topic."""

import re

import pytest
from django.core.management import call_command

from notes.models import Note, Topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 400


@pytest.fixture
def starter(db):
    call_command("load_sample_content", stdout=None)
    return Topic.objects.all()


def keyboard_page(browser, *, javascript=True, width=1280):
    context = browser.new_context(
        locale="en-US",
        viewport={"width": width, "height": 900},
        java_script_enabled=javascript,
        reduced_motion="reduce",
    )
    page = context.new_page()
    page.problems = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.problems.append(message.text),
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    return page


FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || !el.closest('.mindmap')) return null;
  const title = el.querySelector(':scope > title');
  return {
    cls: el.getAttribute('class'), href: el.getAttribute('href'),
    name: el.getAttribute('aria-label') || (title ? title.textContent : el.textContent),
    expanded: el.getAttribute('aria-expanded'),
    outline: getComputedStyle(el).outlineStyle,
  };
}"""


def tab_until(page, wanted, limit=MAX_TABS):
    """Press Tab until ``wanted(focused)`` holds; every map element passed on the way."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused:
            passed.append(focused)
            if wanted(focused):
                return passed
    raise AssertionError(f"Tab never reached it; passed {passed[-5:]}")


def is_link_to(href):
    return lambda focused: focused["cls"] == "node-link" and focused["href"] == href


def test_tab_reaches_topics_in_tree_order_and_enter_folds_unfolds_and_opens(
    live_server, starter, browser
):
    page = keyboard_page(browser)
    page.goto(live_server.url + "/map/")
    svg = page.locator(".mindmap")
    assert svg.get_attribute("role") == "group"
    assert page.locator(".mindmap[role=img]").count() == 0
    passed = tab_until(page, is_link_to("/topics/gil/"))
    links = [focused["href"] for focused in passed if focused["cls"] == "node-link"]
    # Python before Concurrency before the GIL: parents before their children.
    assert links.index("/topics/python/") < links.index("/topics/concurrency/")
    assert links.index("/topics/concurrency/") < links.index("/topics/gil/")
    concurrency = next(f for f in passed if f["href"] == "/topics/concurrency/")
    assert re.fullmatch(r"Concurrency, \d+ notes?(, \d+ more through its subtopics)?",
                        concurrency["name"])  # fmt: skip
    assert passed[-1]["outline"] == "solid"  # the focus is seen
    # Right after Concurrency's link comes the control folding its branch.
    after = passed[passed.index(concurrency) + 1]
    assert (after["cls"], after["name"], after["expanded"]) == (
        "node-toggle", "Fold Concurrency", "true")  # fmt: skip

    page.keyboard.press("Shift+Tab")
    while page.evaluate(FOCUSED)["name"] != "Fold Concurrency":
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/map/\?fold=concurrency#map-\d+-fold$"))
    page.wait_for_load_state("load")
    assert page.locator('.mindmap a[href="/topics/gil/"]').count() == 0
    focused = page.evaluate(FOCUSED)
    assert (focused["name"], focused["expanded"]) == ("Unfold Concurrency", "false")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/map/\?#map-\d+-fold$"))
    page.wait_for_load_state("load")
    assert page.locator('.mindmap a[href="/topics/gil/"]').count() == 1
    assert page.evaluate(FOCUSED)["name"] == "Fold Concurrency"

    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED)["href"] == "/topics/concurrency/"
    page.keyboard.press("Enter")
    page.wait_for_url("**/topics/concurrency/")
    assert page.locator("h1").inner_text() == "Concurrency"
    assert page.problems == []


def test_without_javascript_the_fold_links_fold_and_bring_the_reader_back(
    live_server, starter, browser
):
    page = keyboard_page(browser, javascript=False)
    page.goto(live_server.url + "/map/")
    tab_until(page, lambda focused: focused["name"] == "Fold Concurrency")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/map/\?fold=concurrency#map-\d+-fold$"))
    assert page.locator('.mindmap a[href="/topics/gil/"]').count() == 0
    # The address ends on the fold link itself: the page opens with it focused.
    focused = page.evaluate(FOCUSED)
    assert (focused["name"], focused["expanded"]) == ("Unfold Concurrency", "false")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/map/\?#map-\d+-fold$"))
    assert page.locator('.mindmap a[href="/topics/gil/"]').count() == 1
    assert page.problems == []


def test_a_topic_pages_mini_map_is_reached_by_tab_and_marks_the_page_itself(
    live_server, starter, browser
):
    page = keyboard_page(browser, width=390)
    page.goto(live_server.url + "/topics/deadlock/")
    passed = tab_until(page, lambda focused: focused["href"] == "/topics/deadlock/")
    assert page.evaluate("document.activeElement.getAttribute('aria-current')") == "page"
    assert all(focused["cls"] == "node-link" for focused in passed)
    assert page.locator(".mindmap-frame.local .mindmap").get_attribute("aria-labelledby")
    assert page.problems == []


def test_from_a_note_the_map_view_and_its_nodes_are_reached_by_keyboard(
    live_server, starter, browser
):
    page = keyboard_page(browser)
    note = Note.objects.get(title__icontains="GIL")
    page.goto(live_server.url + note.get_absolute_url())
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(
            "document.activeElement.closest('.view-switch') !== null"
            " && document.activeElement.textContent.trim() === 'Map'"
        ):
            break
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{note.get_absolute_url()}map/")
    page.wait_for_load_state("load")
    passed = tab_until(page, lambda focused: len(focused["name"] or "") > 0 and "#" in (
        focused["href"] or ""))  # fmt: skip
    reached = [passed[-1]]
    for _ in range(6):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused, "Tab stays on the map's nodes"
        reached.append(focused)
    assert all(focused["name"].strip() for focused in reached)
    assert all(focused["outline"] == "solid" for focused in reached)
    assert page.problems == []
