"""Adversarial bodies: rendering time must grow linearly with size and stay in budget.

    .venv/bin/python bench/render_adversarial.py [--sizes 16,64,256,1024] [--only brackets]

Renders bodies built to make Markdown or linking slow (bracket and opener runs, deep
nesting, a paragraph of topic mentions, runs of emphasis marks, long tables, backtick
runs, code, headings; three plain-text notes) at each size in KB through
``render_note``, with the starter topic map (``notes/sample/topics.yaml``) as a
matcher, and prints each one's time in ms and ms/KB. A render that finished over the
budget (``--budget``, 5 s as in the settings) is marked ``OVER``; one the renderer
refused, ``refused``; one that raised anything else, the start of the exception's name
(``Recursi``). Once a body takes longer than ``--give-up`` seconds, its larger sizes
are skipped. Pure functions, no database.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from notes.linking import LinkTarget, TopicMatcher  # noqa: E402
from notes.note_rendering import MARKDOWN, PLAIN_TEXT, render_note  # noqa: E402
from notes.render_limits import RenderRefused  # noqa: E402


def _repeat(unit: str, head: str = "", tail: str = "") -> Callable[[int], str]:
    return lambda size: head + unit * max(1, (size - len(head) - len(tail)) // len(unit)) + tail


def _nested_list(size: int) -> str:
    lines, length, depth = [], 0, 0
    while length < size:
        line = "    " * depth + f"- level {depth}\n"
        lines.append(line)
        length += len(line)
        depth += 1
    return "".join(lines)


def _table(size: int) -> str:
    head = "| topic | 说明 | n |\n|:--|--|--:|\n"
    return _repeat("| GIL | 全局解释器锁 `x` | 1 |\n", head)(size)


def _backtick_runs(size: int) -> str:
    # Runs of 1, 2, 3... backticks: no run has a closing run of the same length.
    parts, length, run = [], 0, 1
    while length < size:
        parts.append("`" * run + "a")
        length += run + 1
        run += 1
    return "".join(parts)


BODIES: dict[str, Callable[[int], str]] = {
    "brackets [[[x]]]": lambda size: "[" * (size // 2) + "x" + "]" * (size // 2),
    "images ![![x](y)": _repeat("![", tail="x](y)"),
    "link openers [a](": _repeat("[a]("),
    "autolinks <http://a": _repeat("<http://a"),
    "topic mentions": _repeat("GIL closure generator ", head="# t\n\n"),
    "Chinese mentions": _repeat("全局解释器锁和闭包，", head="# t\n\n"),
    "nested lists": _nested_list,
    "nested quotes > > >": lambda size: "> " * (size // 2) + "x",
    "nested <div>": _repeat("<div>"),
    "stars ***": _repeat("*"),
    "underscores _a_a": _repeat("_a"),
    "emphasis *a* *a*": _repeat("*a* "),
    "long table": _table,
    "backtick runs": _backtick_runs,
    "backticks ```": _repeat("`"),
    "unclosed fences": _repeat("```a\n"),
    "code blocks": _repeat("```\nx\n```\n"),
    "one big code block": _repeat("x = f(1)\n", head="```python\n", tail="```\n"),
    "repeated headings": _repeat("# a\n"),
    "comments in <b>": _repeat("<b><!-- x -->"),
    "attributes <a b": _repeat("<a b ", tail='z="'),
    "end tags </a": _repeat("</a"),
    "CDATA <![CDATA[": _repeat("<![CDATA[\n"),
}
# Plain-text notes (format "text"): code found without fences, sections by habit.
PLAIN_TEXT_BODIES: dict[str, Callable[[int], str]] = {
    "text: code lines": _repeat("x = f(1)\n"),
    "text: sections": _repeat("小结\n\n这是一段足够长的正文，用来说明上面的小结是一个标题。\n\n"),
    "text: brackets": _repeat("x = ("),
}


def starter_matcher() -> TopicMatcher:
    """The starter topic map as ``Topic.objects.matcher()`` builds it, without a database."""
    entries = yaml.safe_load((ROOT / "notes" / "sample" / "topics.yaml").read_text("utf-8"))
    linked, count_only, whole_word = [], [], []

    def walk(nodes: list[dict]) -> None:
        for node in nodes:
            key = len(linked) + len(count_only)
            target = LinkTarget("topic", key, node["name"], f"/topics/{key}/")
            terms = [(node["name"], target)]
            for alias in node.get("aliases") or []:
                options = alias if isinstance(alias, dict) else {"name": alias}
                terms.append((options["name"], target))
                if options.get("whole_word"):
                    whole_word.append(options["name"])
            (linked if node.get("autolink", True) else count_only).extend(terms)
            walk(node.get("children") or [])

    walk(entries)
    return TopicMatcher(linked, count_only=count_only, whole_word=whole_word)


def time_render(
    body: str,
    matcher: TopicMatcher,
    budget: float,
    runs: int,
    format: str,  # noqa: A002
) -> tuple[float, str]:
    """The best time of ``runs`` renders in ms, and how it ended ("", "refused")."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        try:
            render_note(body, matcher, budget=budget, format=format)
        except RenderRefused:
            return (time.perf_counter() - started) * 1000, "refused"
        except Exception as error:  # noqa: BLE001 (a crash is a finding, not the end)
            return (time.perf_counter() - started) * 1000, type(error).__name__[:7]
        best = min(best, (time.perf_counter() - started) * 1000)
        if best > 1000:
            break  # a slow render's time hardly varies
    return best, ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="16,64,256,1024", help="body sizes in KB")
    parser.add_argument("--only", default="", help="bodies whose name contains this")
    parser.add_argument("--budget", type=float, default=5.0, help="seconds")
    parser.add_argument("--give-up", type=float, default=30.0, help="seconds")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    matcher = starter_matcher()

    print(f"budget {args.budget:g} s; ms and ms/KB per body and size (best of 3 up to 64 KB)")
    print(f"{'body':22}" + "".join(f"{f'{size} KB':>26}" for size in sizes))
    worst: dict[int, float] = {}
    bodies = [(name, make, MARKDOWN) for name, make in BODIES.items()]
    bodies += [(name, make, PLAIN_TEXT) for name, make in PLAIN_TEXT_BODIES.items()]
    for name, make, body_format in bodies:
        if args.only not in name:
            continue
        cells, gave_up = [], False
        for size in sizes:
            if gave_up:
                cells.append(f"{'skipped':>26}")
                continue
            body = make(size * 1024)
            kilobytes = len(body.encode("utf-8")) / 1024
            runs = 3 if size <= 64 else 1
            ms, ending = time_render(body, matcher, args.budget, runs, body_format)
            mark = ending or ("OVER" if ms > args.budget * 1000 else "ok")
            cells.append(f"{ms:>10.1f} ms {ms / kilobytes:>6.2f}/KB {mark:>7}")
            worst[size] = max(worst.get(size, 0), ms / kilobytes)
            gave_up = ms > args.give_up * 1000
        print(f"{name:22}" + "".join(cells), flush=True)
    worst_cells = "".join(f"{worst.get(size, 0):>17.2f}/KB{'':>7}" for size in sizes)
    print(f"{'worst ms/KB':22}" + worst_cells)


if __name__ == "__main__":
    main()
