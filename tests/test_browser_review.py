"""A whole review in Chromium, at a desk and on a phone, by keyboard, touch and no script."""

import pytest

from notes.models import Card
from tests.factories import make_note

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cards(db):
    note = make_note("全局解释器锁 GIL")
    return [
        Card.objects.create(
            note=note,
            kind=Card.Kind.QUESTION,
            key=f"q{index}",
            position=index,
            front_html=f"问题 {index}：为什么需要 GIL？",
            back_html=f"<p>答案 {index}：保护引用计数。</p>",
        )  # fmt: skip
        for index in range(3)
    ]


def open_page(browser, *, width, javascript=True):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": width, "height": 800}, java_script_enabled=javascript
    )
    page = context.new_page()
    page.problems = []
    page.on(
        "console",
        lambda message: message.type in {"error", "warning"} and page.problems.append(message.text),
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    return page


def front(page):
    return page.locator(".review-front").inner_text()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_review_by_keyboard_alone_shows_rates_and_moves_on(live_server, browser, cards, width):
    page = open_page(browser, width=width)
    page.goto(live_server.url + "/review/")
    assert front(page) == cards[0].front_html
    assert not page.locator(".review-back").is_visible()
    page.keyboard.press("Space")
    assert page.locator(".review-back").is_visible()
    assert "答案 0" in page.locator(".review-back").inner_text()
    # The rating buttons say what each would do: Good brings the new card back in 10 min.
    good = page.locator("button.review-rating-3")
    assert "10" in good.inner_text()
    with page.expect_navigation():
        page.keyboard.press("3")
    assert front(page) == cards[1].front_html
    assert page.locator(".review-figures dd").nth(1).inner_text() == "1"
    # Tab alone reaches "Show answer" and a rating, and Enter works them.
    page.locator("summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "review-rating" in focused
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert front(page) == cards[2].front_html
    assert page.problems == []
    page.context.close()


def test_on_a_phone_the_buttons_are_large_and_nothing_scrolls_sideways(live_server, browser, cards):
    page = open_page(browser, width=390)
    page.goto(live_server.url + "/review/")
    page.locator("summary").click()
    heights = page.locator("button.review-rating").evaluate_all(
        "buttons => buttons.map(b => b.getBoundingClientRect().height)"
    )
    assert len(heights) == 4
    assert min(heights) >= 44
    widths = page.evaluate(
        "[...document.querySelectorAll('main *')].map(e => e.getBoundingClientRect().right)"
    )
    assert max(widths) <= 390
    page.context.close()


def test_a_review_works_without_javascript(live_server, browser, cards):
    page = open_page(browser, width=1280, javascript=False)
    page.goto(live_server.url + "/review/")
    page.locator("summary").click()
    with page.expect_navigation():
        page.locator("button.review-rating-4").click()
    assert front(page) == cards[1].front_html
    page.context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_open_answer_and_its_ratings_pass_the_accessibility_audit(
    live_server, browser, cards, width
):
    from tests.test_accessibility import AXE, FAILING_IMPACTS, TAGS

    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE} is missing): run `npm ci`")
    page = open_page(browser, width=width)
    page.goto(live_server.url + "/review/")
    page.locator("summary").click()
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    serious = [v["id"] for v in results["violations"] if v["impact"] in FAILING_IMPACTS]
    assert serious == []
    page.context.close()
