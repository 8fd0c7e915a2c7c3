"""Screenshots of the learning pages, for docs/learn/: the order of study, the path to
decorators, a topic page with what comes before and after it, and the map with its
prerequisite arrows.

    .venv/bin/python scripts/learn_screenshots.py [SEEDS_DIR] [--port 8767]

Loads the starter content and imports the seeds (../shared/seeds by default) into a
throw-away SQLite database, serves it with runserver, and saves each page at 1280 and
390 pixels wide, in English and in Chinese, with Debian's Chromium (CHROMIUM_PATH to
change it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

from map_screenshots import _shoot
from seed_screenshots import ROOT, _manage, _wait_for

PAGES = {
    "learn": "/learn/",
    "learn-decorator": "/learn/decorator/",
    "topic-gil": "/topics/gil/",
    "map-arrows": "/map/",
}
SHOTS = [
    ("desktop-en", 1280, "en"),
    ("desktop-zh", 1280, "zh-hans"),
    ("phone-en", 390, "en"),
    ("phone-zh", 390, "zh-hans"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("seeds", nargs="?", default=str(ROOT.parent / "shared" / "seeds"))
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--out", default=str(ROOT / "docs" / "learn"))
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
            _shoot(base, out, pages=PAGES, shots=SHOTS)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
