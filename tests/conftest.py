import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from tests.factories import make_user


@pytest.fixture
def staff_client(db):
    client = Client()
    client.force_login(make_user(superuser=True))
    return client


@pytest.fixture
def reader_client(db):
    """A logged-in user who is not staff: sees exactly what anonymous readers see."""
    client = Client()
    client.force_login(make_user())
    return client


@pytest.fixture
def seeds() -> Path:
    """The learners' real notes in ../shared/seeds (or NOTES_SEEDS_DIR).

    Missing seeds skip the tests on a developer's machine but fail them in CI,
    where shared/ is always beside the checkout.
    """
    default = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    folder = Path(os.environ.get("NOTES_SEEDS_DIR") or default)
    if not folder.is_dir() or not any(folder.iterdir()):
        message = f"seed notes not found in {folder}; set NOTES_SEEDS_DIR to their folder"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return folder


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Each test starts in the default language: a request in Chinese leaves Chinese
    active in the thread after its response, for code called outside a request."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached pages (the page cache outlives test databases)."""
    cache.clear()
    yield
    cache.clear()


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (its own browser download is not used)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run the README's test command.")
    # Playwright's sync API runs an event loop in this thread; Django's ORM (used by the
    # factories) refuses to run beside one unless told that the thread is not async code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1200, "height": 900})
    yield context.new_page()
    context.close()
