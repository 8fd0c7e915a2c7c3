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

import map_screenshots

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
    map_screenshots.main(pages=PAGES, shots=SHOTS, port=8767, out="learn")


if __name__ == "__main__":
    main()
