"""Search benchmark: tag and text searches over 100,000 generated notes.

    .venv/bin/python bench/search.py --notes 100000 [--database-url URL] [--runs 30]

Without --database-url it runs on SQLite in a temporary folder (never var/db.sqlite3);
with a postgres:// URL it creates the throw-away database <name>_search_bench on that
server (the role needs CREATEDB) and drops it afterwards. It generates the notes in bulk
(bulk_create with the rendered HTML built alongside, tags, taggings and the search
index filled in batches), then requests search pages through Django's test client as
a reader and prints the median and p95 server time of each, with the number of SQL
queries the page ran. Target (issue 5): a tag search and a text search (English and
Chinese) each answer in under 50 ms median. Then it compares searches for a topic's
name, which also find its other names and the notes that mention it (issue 14), with
the same words quoted, which find the exact words only; target: under 2x. Every timed
request follows an edit (the content version moved on), so the page is searched and
rendered afresh rather than served from the page cache. Issue 17's targets (text and a
tag under 10 ms, a two-character Chinese word alone under 8 ms, median) are scaled to
this machine by bench/load.py's machine_factor() when wrk is installed. Exits with
status 1 when one misses its target.
--keep keeps the database (and reuses it on the next run with the same --notes).
"""

from __future__ import annotations

import argparse
import html
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 50.0
BATCH = 2000
FOUND = re.compile(r"(More than )?([\d,]+) notes? found")

# Topics give the notes their subjects; a few are common, most are rare (Zipf), so
# the searches below match a realistic share of the notes rather than all or none.
TOPICS = [
    ("garbage collection", "垃圾回收", "reference counting", "引用计数", "gc"),
    ("coroutine", "协程", "event loop", "事件循环", "asyncio"),
    ("global interpreter lock", "全局解释器锁", "bytecode", "字节码", "gil"),
    ("closure", "闭包", "free variable", "自由变量", "闭包"),
    ("decorator", "装饰器", "wrapper function", "包装函数", "装饰器"),
    ("generator", "生成器", "yield expression", "惰性求值", "生成器"),
    ("descriptor", "描述符", "attribute lookup", "属性查找", "oop"),
    ("metaclass", "元类", "class creation", "类的创建", "oop"),
    ("context manager", "上下文管理器", "with statement", "资源释放", "contextlib"),
    ("multiprocessing", "多进程", "process pool", "进程池", "并发"),
    ("threading", "多线程", "race condition", "竞争条件", "并发"),
    ("hash table", "哈希表", "hashable object", "可哈希对象", "哈希"),
    ("list comprehension", "列表推导式", "iteration", "迭代", "语法"),
    ("type hints", "类型注解", "static checking", "静态检查", "typing"),
    ("unicode strings", "字符编码", "utf-8 bytes", "字节串", "编码"),
]
FILLER_EN = (  # noqa: SIM905 - a list literal of 46 words reads worse
    "the a of to in is it that for on with as this by value call data object function "
    "module import return list dict set tuple string number example result test code line "
    "file name method class instance variable memory time case point way state error"
).split()
FILLER_ZH = (  # noqa: SIM905
    "我们 这个 一个 可以 就是 如果 因为 所以 但是 需要 使用 对象 函数 模块 返回 例子 "
    "结果 代码 文件 名字 方法 实例 变量 内存 时间 情况 问题 状态 错误 数据 运行 调用"
).split()
TAG_POOL = ["Python", "笔记", "面试", "CPython", "标准库", "性能", "入门", "进阶"] + [
    f"topic-{index}" for index in range(300)
]


def zipf_choice(rng: random.Random, items: list, exponent: float = 1.1):
    weights = [1 / (rank + 1) ** exponent for rank in range(len(items))]
    return rng.choices(items, weights=weights)[0]


def sentence(rng: random.Random, topic: tuple[str, ...]) -> str:
    words = []
    for _ in range(rng.randint(8, 18)):
        roll = rng.random()
        if roll < 0.08:
            words.append(rng.choice(topic[:4]))
        elif roll < 0.55:
            words.append(rng.choice(FILLER_EN))
        else:
            words.append(rng.choice(FILLER_ZH))
    return " ".join(words) + rng.choice(["。", ".", "，", "!"])


def make_note_fields(index: int, rng: random.Random) -> tuple[dict, list[str], tuple]:
    topic = zipf_choice(rng, TOPICS)
    paragraphs, html_parts = [], []
    size = rng.randint(1500, 4500)
    length = 0
    while length < size:
        if rng.random() < 0.1:
            heading = f"{rng.choice(topic[:4])} {len(paragraphs)}"
            paragraphs.append(f"## {heading}")
            html_parts.append(f'<h2 id="h{len(paragraphs)}">{html.escape(heading)}</h2>')
        else:
            text = " ".join(sentence(rng, topic) for _ in range(rng.randint(2, 5)))
            paragraphs.append(text)
            html_parts.append(f"<p>{html.escape(text)}</p>")
        length += len(paragraphs[-1].encode())
    title = f"{topic[rng.randrange(2)]} {rng.choice(FILLER_ZH)} {index}"
    tags = {topic[4]} | {zipf_choice(rng, TAG_POOL) for _ in range(rng.randint(1, 4))}
    fields = {
        "title": title,
        "slug": f"note-{index}",
        "body": "\n\n".join(paragraphs),
        "body_html": "".join(html_parts),
        "auto_excerpt": paragraphs[-1][:180],
        "status": "draft" if rng.random() < 0.05 else "published",
    }
    return fields, sorted(tags), topic


def generate(count: int, seed: int) -> None:
    from django.db import transaction

    from notes.models import Category, Mention, Note, Tag, TaggedNote, Topic, TopicAlias
    from notes.search import SearchEntry, index_fields, topic_markers

    rng = random.Random(seed)
    parents = [Category.objects.create(name=name) for name in ("语言", "Runtime", "并发编程")]
    categories = parents + [
        Category.objects.create(name=f"Category {index}", parent=rng.choice(parents))
        for index in range(17)
    ]
    tags = {
        name: Tag.objects.create(name=name)
        for name in sorted(set(TAG_POOL) | {topic[4] for topic in TOPICS})
    }
    # Each subject is a topic with its Chinese name as an alias, so that searching one
    # name also finds the other (issue 14); mentions are what the linking would record.
    topics = {}
    for topic in TOPICS:
        topics[topic[0]] = Topic.objects.create(name=topic[0])
        TopicAlias.objects.create(topic=topics[topic[0]], name=topic[1])
    start = datetime(2015, 1, 1, tzinfo=UTC)
    for first in range(0, count, BATCH):
        notes, note_tags, note_mentions = [], [], []
        for index in range(first, min(first + BATCH, count)):
            fields, names, subject = make_note_fields(index, rng)
            mentions = fields["body"].count(subject[0]) + fields["body"].count(subject[1])
            note_mentions.append({topics[subject[0]].pk: mentions} if mentions else {})
            created = start + timedelta(minutes=index * 50 + rng.randrange(50))
            notes.append(
                Note(category=rng.choice(categories), created=created, updated=created, **fields)
            )
            note_tags.append(names)
        with transaction.atomic():
            # bulk_create sends no signals: the taggings and the index are written here.
            Note.objects.bulk_create(notes)
            TaggedNote.objects.bulk_create(
                TaggedNote(content_object=note, tag=tags[name])
                for note, names in zip(notes, note_tags, strict=True)
                for name in names
            )
            Mention.objects.bulk_create(
                Mention(note=note, topic_id=key, count=mentions)
                for note, found in zip(notes, note_mentions, strict=True)
                for key, mentions in found.items()
            )
            SearchEntry.objects.bulk_create(
                SearchEntry(
                    note=note,
                    **index_fields(note.title, note.body_html, names, markers=topic_markers(found)),
                )
                for note, names, found in zip(notes, note_tags, note_mentions, strict=True)
            )
        print(f"\r  {min(first + BATCH, count):,} notes", end="", flush=True)
    print()
    from notes.counts import recount_everything
    from notes.planner_statistics import refresh_planner_statistics

    # bulk_create sends no signals: the stored note counts are filled in here.
    recount_everything()
    # As an import does: the planner's statistics for the notes just written.
    refresh_planner_statistics()


def time_page(client, params: dict, runs: int) -> tuple[float, float, int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notes.caching import bump_content_version

    # Warm-up: connection, templates, and the database's own caches.
    for _ in range(3):
        client.get("/search/", params)
    timings = []
    for _ in range(runs):
        # As after any edit: the cached page is retired, the result cards are kept.
        bump_content_version()
        begin = time.perf_counter()
        response = client.get("/search/", params)
        timings.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200, response.status_code
    bump_content_version()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", params)
    heading = FOUND.search(response.content.decode())
    # No heading: the tag is on no note of a small collection ("No tag named ...").
    more, number = heading.groups() if heading else (None, "0")
    found = (">" if more else "") + f"{int(number.replace(',', '')):,}"
    p95 = statistics.quantiles(timings, n=20)[-1]
    return statistics.median(timings), p95, len(queries), found


SEARCHES = [
    # (label, parameters, whether the 50 ms target applies). The topics are Zipf
    # distributed: "context manager" is in 3% of the notes, "装饰器" in 6%, "类型注解"
    # in 2%, "event loop" and "协程" in 15%, "garbage collection" in a third; the tag
    # Python is on 40%, the filler word 函数 in nearly every note. SQLite ranks at most
    # the newest 1,001 matches, PostgreSQL all of them: the last rows show the cost.
    # The tags topic-0 to topic-299 are Zipf distributed too: topic-297 is on 0.07%.
    ("tag", {"tag": "contextlib"}, True),
    ("tag on 40%", {"tag": "Python"}, True),
    ("two tags", {"tag": ["Python", "并发"]}, True),
    ("rare tag, 0.07%", {"tag": "topic-297"}, True),
    ("rare and common tag", {"tag": ["topic-297", "Python"]}, True),
    ("text, English", {"q": "context manager"}, True),
    ("text, Chinese", {"q": "装饰器"}, True),
    ("text, Chinese, rarer", {"q": "类型注解"}, True),
    ("text and tag", {"q": "装饰器", "tag": "Python"}, True),
    ("text and 2-char word", {"q": "装饰器 函数"}, True),
    ("2-char word in 15%", {"q": "协程"}, False),
    ("text and tag, 15%", {"q": "event loop", "tag": "asyncio"}, False),
    ("text in a third", {"q": "garbage collection"}, False),
    ("word in nearly all", {"q": "function"}, False),
]


# Topic-aware search (issue 14): the same words searched as a topic's name, which also
# finds its other name (垃圾回收 for "garbage collection") and the notes recorded as
# mentioning it, and quoted, which finds the exact words only. Target: under 2x.
EXPANDED = [
    ("garbage collection", "garbage collection"),
    ("context manager", "context manager"),
    ("装饰器", "装饰器"),
    ("类型注解", "类型注解"),
]
EXPANDED_TARGET = 2.0

# Issue 17, in ms (median) on the machine its targets were set on.
FAST_TARGETS = {"text and tag": 10.0, "2-char word in 15%": 8.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="postgres://...; SQLite if absent")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database for a rerun")
    parser.add_argument("--no-wrk", action="store_true", help="no machine factor (needs wrk)")
    options = parser.parse_args()
    factor = 1.0
    if not options.no_wrk and shutil.which("wrk"):
        sys.path.insert(0, str(ROOT / "bench"))
        from load import machine_factor

        factor = machine_factor()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_LOG_LEVEL"] = "ERROR"
    folder = Path(tempfile.gettempdir()) / "notes-search-bench"
    if options.database_url:
        os.environ["DATABASE_URL"] = options.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        folder.mkdir(exist_ok=True)
        os.environ["DJANGO_SQLITE_PATH"] = str(folder / f"search-{options.notes}.sqlite3")
        if not options.keep:
            Path(os.environ["DJANGO_SQLITE_PATH"]).unlink(missing_ok=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from notes.models import Note

    original_name = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":
        # Not test_<name>, which the test suite creates and drops on the same server.
        connection.settings_dict["TEST"]["NAME"] = f"{original_name}_search_bench"
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=options.keep)
    else:
        call_command("migrate", verbosity=0)
    try:
        existing = Note.objects.count()
        if existing != options.notes:
            if existing:
                print(f"the kept database has {existing:,} notes, not {options.notes:,}")
                return 1
            print(f"generating {options.notes:,} notes on {connection.vendor}")
            begin = time.perf_counter()
            generate(options.notes, options.seed)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            print(f"  done in {time.perf_counter() - begin:.0f} s")

        client = Client()
        print(f"{Note.objects.count():,} notes on {connection.vendor}, {options.runs} runs each")
        print(f"{'search':<24}{'median':>9}{'p95':>9}{'queries':>9}{'found':>9}")
        missed = []
        fast = {}
        for label, params, target in SEARCHES:
            median, p95, queries, found = time_page(client, params, options.runs)
            mark = "" if not target else (" ok" if median < TARGET_MS * factor else " MISSED")
            print(f"{label:<24}{median:>7.1f}ms{p95:>7.1f}ms{queries:>9}{found:>9}{mark}")
            if target and median >= TARGET_MS * factor:
                missed.append(label)
            if label in FAST_TARGETS:
                fast[label] = median
        print("\nissue 17 (median, targets scaled by the machine factor):")
        for label, target in FAST_TARGETS.items():
            scaled = target * factor
            verdict = "ok" if fast[label] <= scaled else "MISSED"
            print(f"  {label:<22}{fast[label]:>7.1f} ms   target {target:.0f} ms x {factor:.2f}"
                  f" = {scaled:.1f} ms   {verdict}")  # fmt: skip
        print(f"\n{'topic query':<20}{'plain':>9}{'expanded':>10}{'ratio':>7}{'found':>15}")
        for label, words in EXPANDED:
            plain = time_page(client, {"q": f'"{words}"'}, options.runs)
            expanded = time_page(client, {"q": words}, options.runs)
            ratio = expanded[0] / plain[0]
            mark = " ok" if ratio < EXPANDED_TARGET else " MISSED"
            print(
                f"{label:<20}{plain[0]:>7.1f}ms{expanded[0]:>8.1f}ms{ratio:>6.2f}x"
                f"{plain[3]:>7} ->{expanded[3]:>6}  queries {plain[2]} -> {expanded[2]}{mark}"
            )
            if ratio >= EXPANDED_TARGET:
                missed.append(f"expanded {label}")
    finally:
        if connection.vendor == "postgresql" and not options.keep:
            connection.creation.destroy_test_db(original_name, verbosity=0)
        elif connection.vendor == "sqlite" and not options.keep:
            connection.close()
            Path(os.environ["DJANGO_SQLITE_PATH"]).unlink(missing_ok=True)
    print(
        f"target: median under {TARGET_MS:.0f} ms x {factor:.2f} = {TARGET_MS * factor:.0f} ms, "
        f"expanded under {EXPANDED_TARGET:.0f}x plain: " + (f"MISSED {missed}" if missed else "ok")
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
