"""Screenshots of the review page, for docs/review/: a question, its answer with the
four ratings, and the summary after a few cards.

    .venv/bin/python scripts/review_screenshots.py [SEEDS_DIR] [--port 8768]

Serves the starter content and the seeds as scripts/map_screenshots.py does, and goes
through a review at 1280 and 390 pixels wide, in English and in Chinese, with Debian's
Chromium: the page as it opens, the answer shown, then the page after rating five
cards "Good". Any console error or CSP violation stops it.
"""

from __future__ import annotations

from pathlib import Path

import map_screenshots
from seed_screenshots import ARGS, CHROMIUM

SHOTS = [(1280, "en"), (1280, "zh-hans"), (390, "en"), (390, "zh-hans")]


def shoot(base: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for width, language in SHOTS:
            _review(browser, base, out, width, language)
        browser.close()


def _review(browser, base: str, out: Path, width: int, language: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, has_touch=width < 500)
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type in {"error", "warning"} and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    suffix = f"{width}-{'zh' if language.startswith('zh') else 'en'}"

    def save(name: str, *, full: bool = False) -> None:
        target = out / f"review-{name}-{suffix}.png"
        page.screenshot(path=str(target), full_page=full)
        print(target)

    page.goto(base + "/review/")
    save("question")
    page.locator("summary").click()
    save("answer")
    for _ in range(5):
        answer = page.locator("details.review-answer")
        if not answer.count():
            break
        if not answer.evaluate("details => details.open"):
            page.locator("summary").click()
        with page.expect_navigation():
            page.locator("button.review-rating-3").click()
    save("summary", full=True)
    context.close()
    if problems:
        raise SystemExit(f"console problems at {suffix}: {problems}")


def main() -> None:
    map_screenshots.main(port=8768, out="review", shoot=shoot)


if __name__ == "__main__":
    main()
