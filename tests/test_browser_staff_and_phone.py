"""Staff tools and small screens, in Debian's Chromium: the admin preview, history and
compare pages, creating a note from a missing link, feeds, and the phone layout."""

from pathlib import Path

import pytest

from notes.models import Note
from tests.factories import make_category, make_note, make_user

ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Console:
    """Everything a page reports that a person would call broken: console errors (CSP
    violations among them) and responses of 400 or more (a missing favicon, say)."""

    def __init__(self, page):
        self.problems: list[str] = []
        page.on("console", self.on_console)
        page.on("response", self.on_response)

    def on_console(self, message) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console: {message.text}")

    def on_response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture
def open_page(browser):
    """A page at a given viewport and language, with its problems collected."""
    contexts = []

    def open_page(viewport=DESKTOP, language="en"):
        context = browser.new_context(
            viewport=viewport, locale="zh-CN" if language == "zh-hans" else "en-US"
        )
        contexts.append(context)
        page = context.new_page()
        page.console = Console(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, live_server, username="editor"):
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "a-long-test-password")
    page.locator("input[type=submit]").click()
    page.wait_for_load_state()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def edited_note() -> Note:
    note = make_note("协程笔记", body="## 协程\n\n协程是一种函数。\n\n- 事件循环\n")
    note.body = "## 协程\n\n协程是一种可以暂停的函数。\n\n- 事件循环\n- 任务\n"
    note.save()
    return note


@WIDTHS
def test_admin_preview_uses_the_site_note_styles_without_permalink_marks(
    live_server, open_page, viewport
):
    make_user(username="editor", superuser=True)
    note = make_note("Preview", body="x")
    page = open_page(viewport)
    log_in(page, live_server)
    page.goto(live_server.url + f"/admin/notes/note/{note.pk}/change/")
    page.fill("#id_body", "## 协程是什么\n\n正文。\n\n- 第一项\n- 第二项\n")
    heading = page.locator(".note-preview h2", has_text="协程是什么")
    heading.wait_for(timeout=8000)
    style = heading.evaluate(
        "h => { const s = getComputedStyle(h);"
        " return [s.backgroundColor, parseFloat(s.fontSize), s.textTransform]; }"
    )
    # Not the admin's section bar (a coloured background, 13px), but the site's heading.
    assert style == ["rgba(0, 0, 0, 0)", pytest.approx(22.5, abs=1), "none"]
    item = page.locator(".note-preview li", has_text="第一项")
    assert item.evaluate("li => getComputedStyle(li).listStyleType") == "disc"
    assert (
        item.evaluate("li => li.getBoundingClientRect().left")
        - page.locator(".note-preview").evaluate("p => p.getBoundingClientRect().left")
        < 80
    )
    assert not page.locator(".note-preview .headerlink").first.is_visible()
    shot(page, f"admin-preview-{viewport['width']}")
    assert page.console.problems == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_history_and_compare_read_well_and_break_no_policy(live_server, open_page, language):
    make_user(username="editor", superuser=True)
    note = edited_note()
    page = open_page(DESKTOP, language)
    log_in(page, live_server)
    page.goto(live_server.url + f"/admin/notes/note/{note.pk}/history/")
    headers = page.locator("#change-history thead th").all_inner_texts()
    expected = ["WHEN", "WHO", "WHAT CHANGED", "VERSIONS"]
    if language == "zh-hans":
        expected = ["时间", "修改人", "改动内容", "版本"]
    assert headers == expected
    assert page.locator(".lines-added").first.inner_text() == "+2"
    assert page.locator(".lines-removed").first.inner_text() == "−1"
    shot(page, f"admin-history-{language}")
    page.locator("#change-history a[href*='compare']").first.click()
    page.wait_for_load_state()
    assert page.locator(".breadcrumbs").get_by_role("link", name="协程笔记").is_visible()
    rows = page.locator(".body-diff tbody tr")
    heights = rows.evaluate_all("rows => rows.map(row => row.getBoundingClientRect().height)")
    assert max(heights) < 30  # one line each, not double-spaced
    assert "m.." not in page.locator(".compare-summary").inner_text()
    shot(page, f"admin-compare-{language}")
    assert page.console.problems == []


def test_no_admin_page_breaks_the_content_security_policy(live_server, open_page):
    make_user(username="editor", superuser=True)
    note = edited_note()
    make_note("Linker", body="[[Nowhere]]")
    old, new = note.history.order_by("history_date").values_list("history_id", flat=True)
    page = open_page(DESKTOP)
    log_in(page, live_server)
    for path in [
        "/admin/",
        "/admin/notes/note/",
        "/admin/notes/note/add/",
        f"/admin/notes/note/{note.pk}/change/",
        f"/admin/notes/note/{note.pk}/history/",
        f"/admin/notes/note/{note.pk}/history/{old}/",
        f"/admin/notes/note/{note.pk}/history/compare/?old={old}&new={new}",
        "/admin/notes/note/import/",
        "/admin/notes/note/deleted/",
        "/admin/notes/notelink/",
        "/admin/notes/topic/",
        "/admin/notes/category/add/",
        "/admin/notes/tag/",
    ]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.console.problems == [], path
    assert "Python Notes administration" in page.locator("#site-name").inner_text()


def test_staff_create_a_note_from_a_missing_link_readers_see_plain_text(live_server, open_page):
    make_user(username="editor", superuser=True)
    note = make_note("Linker", body="See [[不存在的笔记]].")
    reader = open_page(PHONE)
    reader.goto(live_server.url + note.get_absolute_url())
    missing = reader.locator(".note-body .missing-link")
    assert missing.inner_text() == "不存在的笔记"
    assert missing.get_attribute("href") is None

    page = open_page(DESKTOP)
    log_in(page, live_server)
    page.goto(live_server.url + note.get_absolute_url())
    page.locator(".note-body .missing-link", has_text="不存在的笔记").click()
    page.wait_for_load_state()
    assert page.locator("#id_title").input_value() == "不存在的笔记"
    assert page.console.problems == []


@WIDTHS
def test_pages_announce_their_feeds_and_log_no_errors(live_server, open_page, viewport):
    category = make_category("并发")
    note = make_note("协程笔记", category=category, tags=["协程"])
    tag = note.tags.get()
    page = open_page(viewport)
    expected = {
        "/": ["/feeds/atom/"],
        note.get_absolute_url(): ["/feeds/atom/"],
        tag.get_absolute_url(): ["/feeds/atom/", f"/feeds/tags/{tag.slug}/atom/"],
        category.get_absolute_url(): ["/feeds/atom/", f"/feeds/categories/{category.slug}/atom/"],
    }
    for path, feeds in expected.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        announced = page.locator("link[rel=alternate][type='application/atom+xml']")
        hrefs = announced.evaluate_all(
            "links => links.map(l => decodeURIComponent(new URL(l.href).pathname))"
        )
        assert hrefs == feeds, path
        footer_feed = page.locator(".site-footer .feed-link")
        assert footer_feed.is_visible()
        assert page.console.problems == [], path
    page.goto(live_server.url + tag.get_absolute_url())
    assert page.locator("main .feed-link").is_visible()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_phone_header_shows_the_whole_menu_in_two_compact_rows_with_search_one_tap_away(
    live_server, open_page, language
):
    note = make_note(
        "并发复习：GIL 与协程",
        body="| 原语 | 用途 |\n|---|---|\n| `threading.Semaphore` | 限流 |\n"
        "| `threading.Condition` | 等待条件成立再继续往下执行的线程 |\n",
        category=make_category("并发编程"),
        tags=["并发", "GIL"],
    )
    page = open_page(PHONE, language)
    page.goto(live_server.url + note.get_absolute_url())
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 84
    # Every page of the menu is in sight: none hides behind the row's sideways scroll.
    rights = page.locator(".site-nav a").evaluate_all(
        "links => links.map(a => a.getBoundingClientRect().right)"
    )
    assert len(rights) == 6
    assert max(rights) <= PHONE["width"] - 8
    breadcrumb = page.locator(".breadcrumbs").bounding_box()
    assert breadcrumb["y"] >= header["y"] + header["height"] + 8
    assert page.locator(".search-link").is_visible()
    shot(page, f"note-phone-{language}")
    page.locator(".search-link").click()
    page.wait_for_load_state()
    assert page.url.startswith(live_server.url + "/search/")
    assert page.console.problems == []


def test_phone_tables_scroll_in_their_own_box_without_breaking_code(live_server, open_page):
    note = make_note(
        "Primitives",
        body="| primitive | what it does | example |\n|---|---|---|\n"
        "| `threading.Semaphore` | limits how many threads enter at once | "
        "`sem = threading.Semaphore(3)` |\n"
        "| `threading.Condition` | waits until another thread says so | "
        "`cond.wait_for(predicate)` |\n",
    )
    page = open_page(PHONE)
    page.goto(live_server.url + note.get_absolute_url())
    table = page.locator(".note-body table")
    sizes = table.evaluate("t => [t.scrollWidth, t.clientWidth, getComputedStyle(t).overflowX]")
    assert sizes[0] > sizes[1] and sizes[2] == "auto"
    # The table scrolls; the page itself does not.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for code in page.locator(".note-body td code").all():
        assert code.evaluate("c => c.getClientRects().length") == 1, code.inner_text()


@WIDTHS
def test_footer_stays_at_the_bottom_of_a_short_page(live_server, open_page, viewport):
    make_note("Only one", tags=["one"])
    page = open_page(viewport)
    page.goto(live_server.url + "/tags/")
    bottom = page.locator(".site-footer").evaluate("f => f.getBoundingClientRect().bottom")
    assert bottom == pytest.approx(viewport["height"], abs=1)


@WIDTHS
def test_search_form_keeps_its_layout_when_a_tag_chip_is_added(live_server, open_page, viewport):
    make_note("协程笔记", tags=["协程", "并发"])
    page = open_page(viewport)

    def field_tops(query: str) -> list[float]:
        page.goto(live_server.url + "/search/" + query)
        return [
            page.locator(selector).evaluate("e => e.getBoundingClientRect().top")
            for selector in ["#search-q", "#search-tag", "#search-category", ".search-form button"]
        ]

    with_chips, without = field_tops("?q=协程&tag=协程&tag=并发"), field_tops("?q=协程")
    if viewport is DESKTOP:
        assert with_chips == without  # the whole row stays put
    else:
        # One column on a phone: the chips go below the tag field, which stays put.
        assert with_chips[:2] == without[:2]
