"""How long drawing a note as a mind map takes: outline, layout and SVG, for a 20 KB note.

    .venv/bin/python bench/note_map.py [--size 20000] [--runs 50]

Prints the median and p95 of building the outline (notes.note_map) and of the whole
page body (outline, layout and the SVG template), next to rendering the note's
Markdown itself, measured in the same run as the ceiling to compare with.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from notes.markdown import render_markdown  # noqa: E402
from notes.mindmap import NOTE_COLUMN_WIDTH, NOTE_LABEL_ROOM, fold_layout, walk_map  # noqa: E402
from notes.mindmap_svg import render_svg  # noqa: E402
from notes.note_map import note_map, number_code_blocks  # noqa: E402


def sample_note(size: int) -> str:
    parts, n = [], 0
    while sum(len(part.encode()) for part in parts) < size:
        n += 1
        parts.append(
            f"## 第 {n} 节：线程与 GIL\n\n"
            "CPython 的全局解释器锁让同一时刻只有一个线程执行字节码。I/O 会释放它。\n\n"
            + "\n".join(f"- 要点 {n}.{i}：进程、线程和协程各有用处" for i in range(6))
            + "\n\n```python\nimport threading\nthreading.Thread(target=print).start()\n```\n\n"
        )
    text = "".join(parts).encode()[:size]
    return text.decode("utf-8", errors="ignore")


def timed(function, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    body = sample_note(args.size)
    html = number_code_blocks(render_markdown(body).html)

    def outline():
        return note_map(html, title="Bench", url="/notes/bench/")

    def whole():
        root, _ = outline()
        layout, _ = fold_layout(
            [root], "", column_width=NOTE_COLUMN_WIDTH, label_room=NOTE_LABEL_ROOM
        )
        return render_svg(layout, svg_id="m", title="Bench")

    root, _ = outline()
    nodes = sum(1 for _ in walk_map([root]))
    print(f"note: {len(body.encode()):,} bytes of Markdown, {nodes} nodes drawn")
    for label, function in [
        ("render the Markdown (ceiling)", lambda: render_markdown(body)),
        ("outline", outline),
        ("outline + layout + SVG", whole),
    ]:
        median, p95 = timed(function, args.runs)
        print(f"{label:32} median {median:6.2f} ms   p95 {p95:6.2f} ms")


if __name__ == "__main__":
    main()
