"""Screenshots of the topic map, a topic page, the GIL note and two notes' own maps,
for docs/maps/.

    .venv/bin/python scripts/map_screenshots.py [SEEDS_DIR] [--port 8766]

Loads the starter content and imports the seeds (../shared/seeds by default) into a
throw-away SQLite database, serves it with runserver, and saves each page at 1280
pixels wide in English and at 390 in Chinese (the top of the page, as it opens) with
Debian's Chromium (CHROMIUM_PATH to change it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

# The seed screenshots' helpers: this project's manage.py, waiting for the server, Chromium.
from seed_screenshots import ARGS, CHROMIUM, ROOT, _manage, _wait_for

PAGES = {
    "map": "/map/",
    "topic-concurrency": "/topics/concurrency/",
    "note-gil": "/notes/" + quote("全局解释器锁-gil") + "/",
    "note-map-gil": "/notes/" + quote("全局解释器锁-gil") + "/map/",
    "note-map-plain-text-seed": "/notes/" + quote("python3-学习笔记-目录略详细版") + "/map/",
}
SHOTS = [("desktop-en", 1280, "en"), ("phone-zh", 390, "zh-hans")]


def main(*, pages=PAGES, shots=SHOTS, port: int = 8766, out: str = "maps", shoot=None) -> None:
    """Serve the starter content and the seeds, and save ``pages`` at each of ``shots``
    in docs/``out`` (the other screenshot scripts call it with theirs, and those that
    click through a page with their own ``shoot(base, out)``)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("seeds", nargs="?", default=str(ROOT.parent / "shared" / "seeds"))
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--out", default=str(ROOT / "docs" / out))
    options = parser.parse_args()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DJANGO_SQLITE_PATH": str(Path(folder) / "db.sqlite3")}
        env.pop("DATABASE_URL", None)
        for command in [("migrate", "-v", "0"), ("load_sample_content",),
                        ("import_notes", options.seeds, "--status", "published")]:  # fmt: skip
            _manage(*command, env=env, stdout=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{options.port}"
        server = _manage(
            "runserver", "--noreload", f"127.0.0.1:{options.port}", env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, background=True,
        )  # fmt: skip
        try:
            _wait_for(base + "/healthz")
            if shoot is None:
                _shoot(base, out, pages=pages, shots=shots)
            else:
                shoot(base, out)
        finally:
            server.terminate()
            server.wait(timeout=10)


def _shoot(base: str, out: Path, *, pages=PAGES, shots=SHOTS) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for suffix, width, language in shots:
            context = browser.new_context(
                viewport={"width": width, "height": 900}, has_touch=width < 500
            )
            context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            page = context.new_page()
            for name, path in pages.items():
                page.goto(base + path)
                page.wait_for_load_state("load")
                page.wait_for_timeout(200)
                target = out / f"{name}-{suffix}.png"
                page.screenshot(path=str(target))
                print(target)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
