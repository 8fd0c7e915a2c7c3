"""Screenshots of the seed notes as readers see them, for docs/seeds/.

    .venv/bin/python scripts/seed_screenshots.py [SEEDS_DIR] [--port 8765]

Imports the seeds (../shared/seeds by default) as published notes into a throw-away
SQLite database, serves it with runserver, and saves each note's page and its map,
whole, at 1280 pixels wide in English and at 390 in Chinese, with Debian's Chromium
(CHROMIUM_PATH to change it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking"]  # fmt: skip
# (name, width, the browser's language)
SHOTS = [("desktop", 1280, "en-US"), ("phone", 390, "zh-hans")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("seeds", nargs="?", default=str(ROOT.parent / "shared" / "seeds"))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--out", default=str(ROOT / "docs" / "seeds"))
    options = parser.parse_args()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DJANGO_SQLITE_PATH": str(Path(folder) / "db.sqlite3")}
        env.pop("DATABASE_URL", None)
        _manage("migrate", "-v", "0", env=env)
        _manage("import_notes", options.seeds, "--status", "published", env=env)
        listing = _manage("shell", "-c", LIST_NOTES, env=env, capture_output=True, text=True)
        server = _manage(
            "runserver", "--noreload", f"127.0.0.1:{options.port}",
            env={**env, "DJANGO_DEBUG": "1"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, background=True,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{options.port}"
            _wait_for(base + "/healthz")
            lines = listing.stdout.splitlines()
            notes = [line.split(" ", 1) for line in lines if line[:3].isdigit() and " " in line]
            _shoot(base, notes, out)
        finally:
            server.terminate()
            server.wait(timeout=10)


# Each seed note's number (the first three characters of its file name) and slug.
LIST_NOTES = (
    "from notes.models import Note\n"
    "for note in Note.objects.order_by('source'):\n"
    "    print(note.source.rsplit('/', 1)[-1][:3], note.slug)"
)


def _manage(*args: str, background: bool = False, **kwargs):
    """This project's manage.py, run with this interpreter (no shell, fixed program)."""
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    if background:
        return subprocess.Popen(command, **kwargs)  # noqa: S603
    return subprocess.run(command, check=True, **kwargs)  # noqa: S603


def _wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 (our own local server)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer at {url}")


def _shoot(base: str, notes: list[list[str]], out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, width, language in SHOTS:
            context = browser.new_context(locale=language, viewport={"width": width, "height": 900})
            page = context.new_page()
            for number, slug in notes:
                for view, suffix in (("", ""), ("map/", "map-")):
                    page.goto(f"{base}/notes/{urllib.request.quote(slug)}/{view}")
                    path = out / f"seed-{number}-{suffix}{name}.png"
                    page.screenshot(path=str(path), full_page=True)
                    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
