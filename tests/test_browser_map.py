"""The topic pages and the map, as a learner sees them in Chromium, on a desktop and a phone."""

import re

import pytest
from django.core.management import call_command

from notes.models import Note, Topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 390]


@pytest.fixture
def starter(db):
    """The starter notes and topic map, as a new user gets them."""
    call_command("load_sample_content", stdout=None)
    return Topic.objects.all()


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def screen(request, browser):
    """A page at a desktop or phone width that records console errors and CSP reports."""
    width = request.param
    context = browser.new_context(
        locale="en-US", viewport={"width": width, "height": 900}, has_touch=width < 500
    )
    page = context.new_page()
    page.problems = []

    def on_console(message):
        if message.type == "error" and "favicon" not in (message.location or {}).get("url", ""):
            page.problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.width = width
    yield page
    context.close()


def open_page(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("load")
    return page


def test_topic_pages_count_the_notes_of_their_whole_subtree(live_server, starter, screen):
    python = Topic.objects.get(name="Python")
    page = open_page(screen, live_server.url + python.get_absolute_url())
    counts = page.locator(".topic-counts").inner_text()
    assert python.published_count > 0
    assert counts.startswith(f"{python.published_count} notes mention Python")
    assert "No note mentions this topic" not in page.content()

    concurrency = Topic.objects.get(name="Concurrency")
    through = concurrency.subtree_published_count - concurrency.published_count
    assert through > 0
    page = open_page(screen, live_server.url + concurrency.get_absolute_url())
    counts = page.locator(".topic-counts").inner_text()
    assert re.match(
        rf"{concurrency.published_count} notes? mentions? Concurrency, {through} more through its "
        "subtopics.",
        counts,
    ), counts
    # The notes of the subtopics follow, each saying which subtopic it came through.
    items = page.locator(".through-list li")
    assert items.count() == min(through, 20)
    assert "via" in items.first.inner_text()
    assert screen.problems == []


def test_topics_without_notes_are_faded_on_the_map_and_say_so(live_server, starter, screen):
    empty = Topic.objects.filter(subtree_published_count=0).order_by("name").first()
    assert empty is not None, "the starter map has topics no note is about yet"
    page = open_page(screen, live_server.url + "/map/")
    node = page.locator(f'.mindmap .node[data-key="{empty.pk}"]')
    assert "node-empty" in node.get_attribute("class")
    assert float(node.evaluate("n => getComputedStyle(n).opacity")) < 0.5
    busy = page.locator(f'.mindmap .node[data-key="{Topic.objects.get(name="GIL").pk}"]')
    assert float(busy.evaluate("n => getComputedStyle(n).opacity")) == 1

    page = open_page(screen, live_server.url + empty.get_absolute_url())
    assert f"There are no notes about {empty.name} yet" in page.locator(".topic-empty").inner_text()
    search = page.locator(".topic-empty a").first
    assert "/search/?q=" in search.get_attribute("href")
    assert page.locator(".topic-empty .button").count() == 0  # "write a note" is for staff
    assert screen.problems == []


def test_the_gil_note_links_each_topic_once_and_never_itself(live_server, starter, screen):
    note = Note.objects.get(title__icontains="GIL")
    page = open_page(screen, live_server.url + note.get_absolute_url())
    hrefs = page.locator(".note-body a.topic-link").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    assert hrefs, "the GIL note links other topics"
    assert len(hrefs) == len(set(hrefs))
    assert "/topics/gil/" not in hrefs
    assert page.locator(".note-body h1 a, .note-body h2 a.topic-link").count() == 0
    # Counted all the same: the GIL's page lists the note.
    page = open_page(screen, live_server.url + "/topics/gil/")
    assert page.get_by_role("link", name=note.title).count() >= 1
    assert screen.problems == []


def test_the_mini_map_draws_each_topic_once_with_this_topic_largest_and_on_top(
    live_server, starter, screen
):
    page = open_page(screen, live_server.url + "/topics/deadlock/")
    nodes = page.locator(".mindmap-frame.local .node[data-key]")
    keys = nodes.evaluate_all("nodes => nodes.map(node => node.dataset.key)")
    assert len(keys) == len(set(keys)) > 1
    sizes = nodes.evaluate_all(
        "nodes => nodes.map(node => node.querySelector('.node-link text')"
        ".getBoundingClientRect().height)"
    )
    current = page.locator(".mindmap-frame.local .node-current[data-key]")
    assert current.count() == 1
    # In its place in the tree for the keyboard, and drawn again last: nothing covers it.
    on_top = page.locator(".mindmap-frame.local .mindmap-nodes > :last-child")
    assert "node-on-top" in on_top.get_attribute("class")
    assert on_top.locator("text").text_content() == current.locator("text").text_content()
    size = sizes[keys.index(current.get_attribute("data-key"))]
    assert size == max(sizes) and size > min(sizes)
    # No label is cut off by the frame: every label lies inside the drawing.
    frame = page.locator(".mindmap-frame.local").bounding_box()
    for box in page.locator(".mindmap-frame.local .node-link text").evaluate_all(
        "texts => texts.map(text => text.getBoundingClientRect().toJSON())"
    ):
        assert (
            box["x"] >= frame["x"] - 1
            and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
        ), box
        assert box["height"] >= 12 * 0.9  # readable: about 12 px or more
    assert page.locator(".map-legend li").count() == 4
    assert screen.problems == []


def test_the_map_opens_at_a_readable_size(live_server, starter, screen):
    page = open_page(screen, live_server.url + "/map/")
    scale = page.locator(".mindmap-frame .mindmap").evaluate("svg => svg.getScreenCTM().a")
    if screen.width < 500:
        assert 14 * scale >= 12  # labels never below 12 px on a phone
        root = page.locator(".mindmap .node.depth-0 circle").bounding_box()
        frame = page.locator(".mindmap-frame").bounding_box()
        assert frame["y"] <= root["y"] + root["height"] / 2 <= frame["y"] + frame["height"]
        touch = page.locator(".mindmap-frame").evaluate("f => getComputedStyle(f).touchAction")
        assert touch == "pan-y"  # one finger scrolls the page
    # The list of the map is one tap away.
    page.locator("[data-open-outline]").click()
    assert page.locator("#map-outline").evaluate("d => d.open")
    assert screen.problems == []


def test_branches_fold_and_unfold_and_the_url_keeps_them(live_server, starter, screen):
    page = open_page(screen, live_server.url + "/map/")
    gil = Topic.objects.get(name="GIL").pk
    assert page.locator(f'.mindmap .node[data-key="{gil}"]').count() == 1
    toggle = page.locator(
        '.mindmap .node:has(.node-link[href="/topics/concurrency/"]) .node-toggle'
    )
    toggle.focus()
    page.keyboard.press("Enter")  # the keyboard folds as a click does
    page.wait_for_url(re.compile(r".*/map/\?fold=concurrency#map-\d+-fold$"))
    assert page.locator(f'.mindmap .node[data-key="{gil}"]').count() == 0
    assert "node-folded" in page.locator(
        '.mindmap .node:has(.node-link[href="/topics/concurrency/"])'
    ).get_attribute("class")
    page.reload()
    assert page.locator(f'.mindmap .node[data-key="{gil}"]').count() == 0
    page.locator(
        '.mindmap .node:has(.node-link[href="/topics/concurrency/"]) .node-toggle'
    ).dispatch_event("click")
    page.wait_for_url(re.compile(r".*/map/\?#map-\d+-fold$"))
    assert page.locator(f'.mindmap .node[data-key="{gil}"]').count() == 1
    assert screen.problems == []


def test_find_a_topic_by_a_chinese_alias_centres_it(live_server, starter, screen):
    page = open_page(screen, live_server.url + "/map/")
    page.locator("#topic-find-input").fill("死锁")
    page.locator("#topic-find-input").press("Enter")
    deadlock = page.locator('.mindmap .node:has(.node-link[href="/topics/deadlock/"])')
    deadlock.locator("circle").wait_for()
    assert "node-found" in deadlock.get_attribute("class")
    assert page.url.endswith("/map/")  # found on the map, not sent elsewhere
    frame = page.locator(".mindmap-frame").bounding_box()
    circle = deadlock.locator("circle").bounding_box()
    centre_x, centre_y = circle["x"] + circle["width"] / 2, circle["y"] + circle["height"] / 2
    assert abs(centre_x - (frame["x"] + frame["width"] / 2)) < 40
    assert abs(centre_y - (frame["y"] + frame["height"] / 2)) < 40
    assert screen.problems == []


def test_the_gil_note_reads_as_a_map_on_a_desktop_and_a_phone(live_server, starter, screen):
    note = Note.objects.get(title__icontains="GIL")
    page = open_page(screen, live_server.url + note.get_absolute_url())
    page.locator(".view-switch").get_by_role("link", name="Map").click()
    page.wait_for_url(f"**{note.get_absolute_url()}map/")
    page.wait_for_load_state("load")
    labels = page.locator(".mindmap .node text")
    assert labels.count() > 10
    # The root (the note's title) is on screen and readable at any width.
    root = page.locator(".mindmap .node.depth-0 text")
    assert note.title in root.text_content()
    assert root.bounding_box()["height"] >= 12
    scale = page.locator(".mindmap").evaluate("svg => svg.getScreenCTM().a")
    assert 14 * scale >= 12 or screen.width >= 500
    # Topic links in the note are links on its map, and a branch leads back to its part.
    assert page.locator(".mindmap a.topic-link").count() >= 1
    branch = page.locator(".mindmap .node.depth-1 .node-link").first
    assert "#" in branch.get_attribute("href")
    assert screen.problems == []
