"""Screenshots of a note whose code links to the Python documentation, with a link's
hover card open, for docs/python-docs/.

    .venv/bin/python scripts/docs_links_screenshots.py [--port 8768]

Loads the starter content and the Python documentation's index (the inventory of
Debian's python3-doc when installed, else the running interpreter) into a throw-away
SQLite database, serves it with runserver, and saves the garbage collection note's
first linked code at 1280 and 390 pixels wide, in English and in Chinese, with Debian's
Chromium (CHROMIUM_PATH to change it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

from seed_screenshots import ARGS, CHROMIUM, ROOT, _manage, _wait_for

NOTE = "/notes/" + quote("cpython-的垃圾回收机制") + "/"
SHOTS = [
    ("desktop-en", 1280, "en"),
    ("desktop-zh", 1280, "zh-hans"),
    ("phone-en", 390, "en"),
    ("phone-zh", 390, "zh-hans"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8768)
    parser.add_argument("--out", default=str(ROOT / "docs" / "python-docs"))
    options = parser.parse_args()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DJANGO_SQLITE_PATH": str(Path(folder) / "db.sqlite3")}
        env.pop("DATABASE_URL", None)
        for command in [("migrate", "-v", "0"), ("load_python_docs",), ("load_sample_content",)]:
            _manage(*command, env=env, stdout=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{options.port}"
        server = _manage(
            "runserver", "--noreload", f"127.0.0.1:{options.port}", env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, background=True,
        )  # fmt: skip
        try:
            _wait_for(base + "/healthz")
            _shoot(base, out)
        finally:
            server.terminate()
            server.wait(timeout=10)


def _shoot(base: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for suffix, width, language in SHOTS:
            context = browser.new_context(viewport={"width": width, "height": 800})
            context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            page = context.new_page()
            page.goto(base + NOTE)
            link = page.locator("pre a.pydoc[data-card]").first
            link.scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -250)")
            link.focus()  # the card shows on keyboard focus as on hover
            link.hover()
            page.wait_for_timeout(300)
            target = out / f"note-docs-links-{suffix}.png"
            page.screenshot(path=str(target))
            print(target)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
