"""Rendering benchmark: a 20 KB note linked against 500 topics (target: under 20 ms),
then to the Python documentation (target: within 10% of rendering and topic linking).

    .venv/bin/python bench/render_note.py [--topics 500] [--size 20000] [--runs 50]

Prints the time to build the matcher once and the median and p95 time to render
and link one note, and what linking its Python names adds, measured in the same runs
against the index the running interpreter gives (the fallback of load_python_docs;
the inventory's is of the same size). Pure functions only: no database is involved.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from notes.linking import LinkTarget, TopicMatcher, link_html  # noqa: E402
from notes.markdown import render_markdown  # noqa: E402
from notes.python_inventory import interpreter_entries  # noqa: E402
from notes.python_links import link_python_docs  # noqa: E402
from notes.python_names import PythonIndex  # noqa: E402

CHINESE = "进程线程协程全局解释器锁垃圾回收引用计数闭包哈希序列化并发异步回调内存对象函数装饰器"
WORDS = ["the", "a", "of", "process", "thread", "lock", "memory", "object", "function",
         "value", "call", "data", "queue", "event", "loop"]  # fmt: skip
CODE = "```python\nimport threading\nlock = threading.Lock()\nwith lock:\n    pass\n```\n"
# A block that links six names, for notes made mostly of code (--code-heavy).
CODE_HEAVY = (
    "```python\nimport functools\nimport gc\n\n@functools.lru_cache(maxsize=None)\n"
    "def f(n):\n    gc.disable()\n    return len(str(n)) + sorted([n])[0]\n```\n"
)


def make_terms(count: int, rng: random.Random) -> list[tuple[str, LinkTarget]]:
    terms = []
    for key in range(count):
        target = LinkTarget("topic", key, f"Topic {key}", f"/topics/topic-{key}/")
        terms.append((f"topic {key}", target))
        terms.append((f"{rng.choice(WORDS)} {rng.choice(WORDS)} thing{key}", target))
        terms.append(("".join(rng.sample(CHINESE, 3)) + str(key), target))
        terms.append(("".join(rng.sample(CHINESE, 4)), target))
    return terms


def make_note(size: int, rng: random.Random, topics: int, code: str = CODE) -> str:
    parts: list[str] = []
    length = 0
    section = 0
    while length < size:
        if rng.random() < 0.08:
            section += 1
            block = f"## Section {section} 第{section}节\n"
        elif rng.random() < 0.1:
            block = code
        else:
            sentence = []
            for _ in range(rng.randint(8, 20)):
                roll = rng.random()
                if roll < 0.1:
                    sentence.append(f"topic {rng.randrange(topics)}")
                elif roll < 0.5:
                    sentence.append("".join(rng.sample(CHINESE, 4)))
                else:
                    sentence.append(rng.choice(WORDS))
            block = " ".join(sentence) + "。\n"
        parts.append(block + "\n")
        length += len(block.encode("utf-8"))
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", type=int, default=500)
    parser.add_argument("--size", type=int, default=20_000, help="note size in bytes")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--code-heavy", action="store_true", help="code blocks that each link six names"
    )
    args = parser.parse_args()
    rng = random.Random(7)

    terms = make_terms(args.topics, rng)
    started = time.perf_counter()
    matcher = TopicMatcher(terms)
    build_ms = (time.perf_counter() - started) * 1000
    text = make_note(args.size, rng, args.topics, CODE_HEAVY if args.code_heavy else CODE)
    index = PythonIndex(interpreter_entries(), "https://docs.python.org/3/")

    render_times, link_times, docs_times = [], [], []
    mentions = docs_links = 0
    for _ in range(args.runs):
        started = time.perf_counter()
        html = render_markdown(text).html
        rendered = time.perf_counter()
        linked_html = link_html(html, matcher)
        linked = time.perf_counter()
        with_docs = link_python_docs(linked_html.html, index)
        documented = time.perf_counter()
        mentions = sum(linked_html.mentions.values())
        docs_links = with_docs.count('class="pydoc"')
        render_times.append((rendered - started) * 1000)
        link_times.append((linked - rendered) * 1000)
        docs_times.append((documented - linked) * 1000)
    totals = [r + link for r, link in zip(render_times, link_times, strict=True)]

    def p95(values: list[float]) -> float:
        return sorted(values)[max(0, int(len(values) * 0.95) - 1)]

    print(f"note: {len(text.encode('utf-8')):,} bytes; topics: {args.topics}; "
          f"aliases: {len(terms):,}; mentions found: {mentions}")  # fmt: skip
    print(f"matcher build (once per topic change): {build_ms:.1f} ms")
    print(f"markdown render: median {statistics.median(render_times):.2f} ms, "
          f"p95 {p95(render_times):.2f} ms")  # fmt: skip
    print(f"topic linking:   median {statistics.median(link_times):.2f} ms, "
          f"p95 {p95(link_times):.2f} ms")  # fmt: skip
    print(f"render + link:   median {statistics.median(totals):.2f} ms, "
          f"p95 {p95(totals):.2f} ms (target < 20 ms)")  # fmt: skip
    share = statistics.median(docs_times) / statistics.median(totals) * 100
    print(f"python docs links ({docs_links} names, index of {len(index):,}): median "
          f"{statistics.median(docs_times):.2f} ms, {share:.1f}% of render + link "
          f"(target < 10%)")  # fmt: skip


if __name__ == "__main__":
    main()
