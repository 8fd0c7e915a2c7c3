"""Plain-text notes rendered as written: lines kept, Python code found, sections seen."""

import html
import re
import time
from pathlib import Path

import pytest

from notes.importers import parse_note_bytes
from notes.language import main_language
from notes.note_map import note_outline
from notes.plain_text import render_plain_text
from notes.render_limits import Deadline


def seed_body(seeds: Path, number: str) -> str:
    (path,) = seeds.glob(f"{number}_*")
    return parse_note_bytes(path.read_bytes(), name=path.name).body


def code_blocks(rendered_html: str) -> list[str]:
    """The text of each highlighted block, markup removed."""
    blocks = re.findall(r'<div class="highlight"><pre>(.*?)</pre></div>', rendered_html, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", block)) for block in blocks]


def paragraphs(rendered_html: str) -> list[str]:
    found = re.findall(r'<p class="plain">(.*?)</p>', rendered_html, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", text)) for text in found]


# --- the seeds -------------------------------------------------------------------------


def test_seed_004_fork_example_is_one_code_block(seeds):
    blocks = code_blocks(render_plain_text(seed_body(seeds, "004")).html)
    fork = next(block for block in blocks if "import os" in block)
    assert "print('Process (%s) start...' % os.getpid())" in fork
    assert "# Only works on Unix/Linux/Mac:\npid = os.fork()\nif pid == 0:" in fork
    assert "else:\n    print('I (%s) just created" in fork


def test_seed_004_shebang_and_coding_line_are_a_code_block_not_headings(seeds):
    rendered = render_plain_text(seed_body(seeds, "004"))
    assert "#!/usr/bin/python\n# -*- coding: utf-8 -*-\n" in code_blocks(rendered.html)
    assert not any(text.lstrip().startswith("#") for _, _, text in rendered.headings)


def test_seed_004_contents_lists_its_version_sections(seeds):
    headings = render_plain_text(seed_body(seeds, "004")).headings
    sections = [text for level, _, text in headings if level == 2]
    assert [text.split()[0] for text in sections] == ["v0.1.0", "v0.1.1", "v0.1.2", "v0.1.3"]
    assert "小结：" in [text for _, _, text in headings]


def test_seed_004_chinese_prose_is_never_code_and_keeps_its_tabs(seeds):
    rendered = render_plain_text(seed_body(seeds, "004")).html
    assert not any("返回两次" in block or "多线程编程" in block for block in code_blocks(rendered))
    assert any(
        "\t\tfork()返回两次！\n\t\t把当前进程复制一份" in text for text in paragraphs(rendered)
    )


def test_seed_004_program_output_after_its_lead_in_is_an_output_block(seeds):
    rendered = render_plain_text(seed_body(seeds, "004")).html
    assert not any("Process (876) start" in block for block in code_blocks(rendered))
    assert "运行结果如下：" in paragraphs(rendered)
    assert (
        '<pre class="output"><code>Process (876) start...\nI (876) just created a child '
        "process (877).\nI am child process (877) and my parent is 876.</code></pre>"
    ) in rendered


def test_text_after_code_without_a_lead_in_is_not_output():
    rendered = render_plain_text("import os\nprint(os.getpid())\n\nThen read this.\n").html
    assert "output" not in rendered


@pytest.mark.parametrize("number", ["002", "003"])
def test_seeds_written_line_by_line_keep_their_lines(seeds, number):
    body = seed_body(seeds, number)
    rendered = render_plain_text(body).html
    texts = paragraphs(rendered)
    # Every non-empty line of the file is still a line of its own on the page.
    lines = [line.strip() for text in texts for line in text.split("\n")]
    headings = [html.unescape(h) for h in re.findall(r"<h\d[^>]*>(.*?)</h\d>", rendered)]
    for line in body.splitlines():
        if line.strip():
            assert line.strip() in lines or line.strip() in [h.strip() for h in headings]


def test_seed_002_numbered_and_labelled_sections_feed_the_contents(seeds):
    texts = [text for _, _, text in render_plain_text(seed_body(seeds, "002")).headings]
    assert {"2. 哈希", "3. 不可改变性", "组合:", "继承:"} <= set(texts)


def test_seed_003_short_lines_standing_alone_are_its_sections(seeds):
    texts = [text for _, _, text in render_plain_text(seed_body(seeds, "003")).headings]
    assert texts == ["进程", "线程", "协程", "总结"]


# Seed 002 is an outline of study subjects, each opened by a short line after a blank
# line, with questions and points inside them.
SUBJECTS_002 = [
    "并发与并行的区别;",
    "Python GIL 全局解释器锁:",
    "Python垃圾回收机制",
    "python中的可hash和不可变性",
    "Python闭包",
]
POINTS_002 = {
    "为什么别的语言没有(Cpython为什么这么设计):": "Python GIL 全局解释器锁:",
    "针对循环引用问题:": "Python垃圾回收机制",
    "2. 哈希": "python中的可hash和不可变性",
    "3. 不可改变性": "python中的可hash和不可变性",
}


def parent_heading(headings, index: int) -> tuple[int, str, str] | None:
    """The heading a Contents entry sits under: the last one above it of a lower level."""
    level = headings[index][0]
    return next((h for h in reversed(headings[:index]) if h[0] < level), None)


def test_seed_002_its_five_subjects_are_sections_of_one_level(seeds):
    headings = render_plain_text(seed_body(seeds, "002")).headings
    levels = {text: level for level, _, text in headings}
    assert set(SUBJECTS_002) <= set(levels)
    assert {levels[subject] for subject in SUBJECTS_002} == {2}


def test_seed_002_each_point_sits_under_its_own_subject(seeds):
    headings = render_plain_text(seed_body(seeds, "002")).headings
    texts = [text for _, _, text in headings]
    for point, subject in POINTS_002.items():
        index = texts.index(point)
        parent = parent_heading(headings, index)
        assert parent is not None and parent[2] == subject, point
        assert headings[index][0] > parent[0]
    # No subject hangs under another section, nor under a point.
    for subject in SUBJECTS_002:
        assert parent_heading(headings, texts.index(subject)) is None


def test_seed_002_headings_follow_the_order_of_the_text(seeds):
    body = seed_body(seeds, "002")
    position = 0
    for _, _, text in render_plain_text(body).headings:
        position = body.index(text, position) + len(text)


def test_seed_002_map_hangs_points_under_their_subjects(seeds):
    rendered = render_plain_text(seed_body(seeds, "002"))
    root = note_outline(rendered.html, title="技巧")
    branches = {item.text: item for item in root.children if item.kind == "heading"}
    assert set(SUBJECTS_002) <= set(branches)
    for point, subject in POINTS_002.items():
        assert point in [item.text for item in branches[subject].children], point


def test_seed_004_no_heading_keeps_the_section_marker(seeds):
    headings = render_plain_text(seed_body(seeds, "004")).headings
    assert headings and not any(">" in text or ">" in anchor for _, anchor, text in headings)


def test_seed_004_a_long_version_line_is_its_heading_and_a_lead_paragraph(seeds):
    rendered = render_plain_text(seed_body(seeds, "004"))
    assert rendered.headings[0][::2] == (2, "v0.1.0 IO")
    lead = "序列化和反序列化，pickle和json模块，前者编码更少，后者更通用，推荐用后者。"
    assert rendered.html.startswith(
        f'<h2 id="v010-io" class="plain-heading">v0.1.0 IO</h2>\n<p class="plain">{lead}</p>'
    )


def test_seed_004_its_three_summaries_are_alike(seeds):
    headings = render_plain_text(seed_body(seeds, "004")).headings
    summaries = [h for h in headings if h[2].rstrip("：:") == "小结"]
    assert len(summaries) == 3
    assert {level for level, _, _ in summaries} == {3}
    assert [parent_heading(headings, headings.index(h))[2].split()[0] for h in summaries] == [
        "v0.1.1",
        "v0.1.2",
        "v0.1.3",
    ]


# --- outlines as learners write them (held-back samples, not from the seeds) ----------


def outline_of(text: str) -> list[tuple[int, str]]:
    return [(level, title) for level, _, title in render_plain_text(text).headings]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "一、基础语法\nPython 的基础语法包括变量和控制流，是一切的根基。\n"
            "1. 变量\n变量是对象的名字，赋值只是绑定名字。\n"
            "2. 控制流\nif、for 和 while 决定执行的顺序。\n\n"
            "二、函数\n函数把一段逻辑包装起来，方便复用。\n"
            "1. 参数\n位置参数和关键字参数各有用途。\n",
            [
                (2, "一、基础语法"),
                (3, "1. 变量"),
                (3, "2. 控制流"),
                (2, "二、函数"),
                (3, "1. 参数"),
            ],
            id="chinese-chapters-over-numbers",
        ),
        pytest.param(
            "一、基础语法\n\n1. 变量\n变量是对象的名字，赋值只是绑定名字。\n\n"
            "2. 控制流\nif、for 和 while 决定执行的顺序。\n\n二、函数\n\n"
            "1. 参数\n位置参数和关键字参数各有用途。\n",
            [
                (2, "一、基础语法"),
                (3, "1. 变量"),
                (3, "2. 控制流"),
                (2, "二、函数"),
                (3, "1. 参数"),
            ],
            id="chinese-chapters-standing-alone",
        ),
        pytest.param(
            "1. 安装\n在官网下载安装包，按提示完成安装。\n(1) Windows\n双击安装包，勾选 PATH。\n"
            "(2) macOS\n用 Homebrew 安装最省事。\n2. 配置\n把常用的包装进虚拟环境。\n"
            "1) 创建\n运行 python -m venv 就行。\n2) 激活\n每次打开终端都要激活。\n",
            [
                (2, "1. 安装"),
                (3, "(1) Windows"),
                (3, "(2) macOS"),
                (2, "2. 配置"),
                (3, "1) 创建"),
                (3, "2) 激活"),
            ],
            id="numbers-over-bracketed-numbers",
        ),
        pytest.param(
            "v0.1 入门\nPython 的安装和第一个程序。\n\nv0.1.1 变量\n变量只是名字，赋值不复制。\n\n"
            "v0.1.2 函数\n函数是一等对象。\n\nv0.2 进阶\n装饰器和生成器。\n",
            [(2, "v0.1 入门"), (3, "v0.1.1 变量"), (3, "v0.1.2 函数"), (2, "v0.2 进阶")],
            id="versions-by-depth",
        ),
        pytest.param(
            ">v0.1 多进程\n\tfork()返回两次。\n\n小结：\n\t跨平台用 multiprocessing。\n\n"
            ">v0.2 多线程\n\t线程共享内存。\n\n\t小结\n\t多线程要小心死锁，锁要成对地释放。\n",
            [(2, "v0.1 多进程"), (3, "小结："), (2, "v0.2 多线程"), (3, "小结")],
            id="chevron-versions-over-summaries",
        ),
        pytest.param(
            "【基础】\n变量、函数和类是 Python 的三块基石。\n要点：\n  名字绑定对象\n"
            "【进阶】\n装饰器和生成器让代码更简洁。\n",
            [(2, "【基础】"), (3, "要点："), (2, "【进阶】")],
            id="brackets",
        ),
        pytest.param(
            "Python notes\n\nConcurrency vs parallelism:\n  Concurrency: tasks take turns.\n\n"
            "The GIL\n\nCPython lets one thread run bytecode at a time, to keep counts safe.\n"
            "Why other languages don't have one:\n  Their runtimes were designed for threads.\n\n"
            "Garbage collection\nFor reference cycles:\n  Mark and sweep finds the rest.\n",
            [
                (2, "Concurrency vs parallelism:"),
                (2, "The GIL"),
                (3, "Why other languages don't have one:"),
                (2, "Garbage collection"),
                (3, "For reference cycles:"),
            ],
            id="english-subjects-with-and-without-colons",
        ),
        pytest.param(
            "垃圾回收\n\n1. 引用计数\n计数为零的对象立刻回收。\n"
            "2. 标记清除\n从根出发标记能到达的对象。\n\n"
            "闭包\n\n1. 定义\n函数和它的环境变量合在一起。\n",
            [(2, "垃圾回收"), (3, "1. 引用计数"), (3, "2. 标记清除"), (2, "闭包"), (3, "1. 定义")],
            id="bare-subjects-over-numbers",
        ),
    ],
)
def test_outline_shapes_nest_subjects_over_their_points(text, expected):
    assert outline_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("步骤：\n1. 安装\n2. 配置\n3. 运行\n", id="a-numbered-list"),
        pytest.param("Setup\nRun pip install first, then the tests.\n", id="one-short-first-line"),
        pytest.param(
            "This note explains how the interpreter runs\nthe code you write and what it does.\n\n"
            "Threads are useful when the program waits\nfor input or output most of the time.\n",
            id="prose-wrapped-at-a-fixed-width",
        ),
        pytest.param("先看例子：\n\nimport os\nprint(os.getpid())\n", id="a-lead-in-to-code"),
        pytest.param("要点：\n\n- 名字绑定对象\n- 赋值不复制\n", id="a-lead-in-to-a-list"),
        pytest.param(
            "并发:通过线程切换实现\n  同一时刻只有一个线程\n", id="a-line-that-says-something"
        ),
    ],
)
def test_lines_that_head_nothing_of_their_own_are_not_sections(text):
    assert outline_of(text) == []


def test_a_title_over_a_list_of_subjects_is_not_a_section_of_its_own():
    text = (
        "Python大纲图\n\n并发与并行的区别;\n  并发:线程之间互相切换\n\n"
        "Python闭包\n一个函数和它的环境变量合在一起,就构成了一个闭包(closure)。\n"
    )
    assert outline_of(text) == [(2, "并发与并行的区别;"), (2, "Python闭包")]


def test_the_same_words_make_the_same_kind_of_line_everywhere():
    text = (
        ">v0.1 多进程\n\tfork()返回两次。\n\n小结：\n\t跨平台用 multiprocessing。\n\n"
        ">v0.2 多线程\n\t线程共享内存，锁要成对地获取和释放才不会死锁。\n"
        "\t小结\n\t多线程要小心死锁。\n"
    )
    assert outline_of(text) == [(2, "v0.1 多进程"), (3, "小结："), (2, "v0.2 多线程"), (3, "小结")]


def test_a_long_marked_line_loses_only_its_marker_and_the_comma_it_is_split_at():
    text = ">v0.2 多线程，threading 模块、锁、死锁，以及 GIL 为什么让多线程跑不满多核。\n正文\n"
    rendered = render_plain_text(text)
    assert [title for _, _, title in rendered.headings] == ["v0.2 多线程"]
    assert paragraphs(rendered.html) == [
        "threading 模块、锁、死锁，以及 GIL 为什么让多线程跑不满多核。",
        "正文",
    ]


# --- nothing is Markdown ------------------------------------------------------------


def test_markdown_syntax_in_plain_text_is_text():
    rendered = render_plain_text("# not a heading\n*not em* _nor this_\n> no quote\n1. no list\n")
    assert "<em>" not in rendered.html and "<blockquote>" not in rendered.html
    assert "<ol>" not in rendered.html and "<h1" not in rendered.html
    assert paragraphs(rendered.html) == [
        "# not a heading\n*not em* _nor this_\n> no quote\n1. no list"
    ]


def test_blank_lines_make_paragraphs_and_bare_urls_links():
    rendered = render_plain_text("first line\nsecond line\n\nsee https://docs.python.org/3/。\n")
    assert paragraphs(rendered.html) == [
        "first line\nsecond line",
        "see https://docs.python.org/3/。",
    ]
    assert '<a href="https://docs.python.org/3/"' in rendered.html


def test_html_in_plain_text_is_shown_not_run():
    rendered = render_plain_text('<script>alert(1)</script>\n<img src=x onerror="y">\n')
    assert "<script" not in rendered.html and "<img" not in rendered.html
    assert "&lt;script&gt;" in rendered.html


# --- code found, prose left alone (held-back samples, not from the seeds) -------------


def test_an_interactive_session_is_one_block():
    text = "试一下：\n>>> import sys\n>>> sys.version_info[0]\n3\n\n就这样。\n"
    blocks = code_blocks(render_plain_text(text).html)
    assert blocks == [">>> import sys\n>>> sys.version_info[0]\n3\n"]


def test_code_with_brackets_open_over_several_lines_is_one_block():
    text = "配置如下\nsettings = {\n    'debug': True,\n    'port': 8000,\n}\nprint(settings)\n"
    (block,) = code_blocks(render_plain_text(text).html)
    assert block.startswith("settings = {") and block.endswith("print(settings)\n")


def test_a_lone_call_inside_indented_prose_is_code():
    text = "多线程\n\tthreading.Thread(target=loop, name='LoopThread')\n\t锁的好处\n"
    assert code_blocks(render_plain_text(text).html) == [
        "threading.Thread(target=loop, name='LoopThread')\n"
    ]


@pytest.mark.parametrize(
    "prose",
    [
        "import this module before the others, then run it.",
        "if you want:\n  read the docs first",
        "Python (the language) is named after Monty Python.",
        "The value x = 5 is printed twice.",
        "for each item in the list: print it",
        "time.time()     返回当前时间戳，",
        "p = Pool(5)就可以同时跑5个进程。",
        "#ThreadLocal最常用的地方就是为每个线程绑定一个数据库连接",
        "Note:\n  this is English prose over an indented line.",
        "1. 哈希\n2. 不可改变性",
        "print the result and exit",
    ],
)
def test_prose_never_becomes_code(prose):
    assert code_blocks(render_plain_text(prose).html) == []


@pytest.mark.parametrize(
    "code",
    [
        "def greet(name):\n    return f'你好, {name}'\n",
        "from collections import Counter\ncounts = Counter('hello')\n",
        "class Stack:\n    def __init__(self):\n        self.items = []\n",
        "with open('a.txt', encoding='utf-8') as f:\n    data = f.read()  # 读取全部\n",
    ],
)
def test_python_written_in_plain_text_becomes_a_block(code):
    assert code_blocks(render_plain_text(f"例子\n\n{code}\n结束\n").html) == [code]


# --- language ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Python 的全局解释器锁 GIL 让同一时刻只有一个线程执行字节码。", "zh"),
        ("The GIL lets one thread run bytecode at a time (全局解释器锁).", "en"),
        ("", "en"),
    ],
)
def test_the_main_language_is_chinese_when_most_letters_are(text, language):
    assert main_language(text) == language


def test_a_hash_line_over_an_indented_block_is_not_a_section():
    rendered = render_plain_text("# Only works on Unix:\n\tsee below\n")
    assert rendered.headings == ()


def test_an_english_tutorial_note_keeps_its_sentences_out_of_its_code():
    text = (
        "A decorator wraps a function:\n\n"
        "def deco(f):\n    def inner(*a):\n        return f(*a)\n    return inner\n\n"
        "@deco\ndef hello():\n    print('hi')\n\n"
        "Calling hello() prints hi.\nhello() is called.\nNote: x = 1\n"
    )
    rendered = render_plain_text(text).html
    assert code_blocks(rendered) == [
        "def deco(f):\n    def inner(*a):\n        return f(*a)\n    return inner\n\n"
        "@deco\ndef hello():\n    print('hi')\n"
    ]
    assert "Calling hello() prints hi.\nhello() is called.\nNote: x = 1" in paragraphs(rendered)


def test_a_quoted_reply_is_text_not_a_section():
    rendered = render_plain_text("他说：\n\n> 先学基础\n> 再学框架\n")
    assert rendered.headings == ()
    assert "&gt; 先学基础\n&gt; 再学框架" in rendered.html


def test_outline_rules_take_time_growing_linearly_with_the_note():
    # Every outline shape at once, repeated: each rule is one pass over the lines.
    unit = (
        "一、章\n\n1. 节\n正文，说明。\n(1) 点\n正文，说明。\n【块】\n正文，说明。\n"
        ">v0.1 版\n\t缩进\n\n"
        "小结\n多线程编程，模型复杂，容易发生冲突。\n\n组合:\n  用组合的方式建立关系\n"
    )

    def seconds(kilobytes: int) -> float:
        body = unit * (kilobytes * 1024 // len(unit))
        # This process's CPU time: what other processes on the machine do is not counted.
        started = time.process_time()
        render_plain_text(body, Deadline(60))
        return time.process_time() - started

    seconds(1)
    small = min(seconds(16) for _ in range(3))
    large = min(seconds(64) for _ in range(2))
    assert large < 8 * max(small, 0.005), (small, large)


def test_a_section_heading_keeps_the_class_that_keeps_its_line_breaks():
    html = render_plain_text(
        "进程\n\n操作系统中最核心的概念是进程。\n\n线程\n\n线程是执行流。\n"
    ).html
    assert 'class="plain-heading"' in html


def test_seed_002s_opml_export_holds_its_subjects_with_their_points_under_them(seeds):
    import xml.etree.ElementTree as ET

    from notes.map_exports import to_opml
    from notes.note_map import note_map, number_code_blocks

    html = number_code_blocks(render_plain_text(seed_body(seeds, "002")).html)
    root, _ = note_map(html, title="技巧", url="/notes/n/")
    opml = ET.fromstring(to_opml([root], title="技巧"))
    (top,) = opml.find("body")
    subjects = {outline.get("text"): outline for outline in top}
    assert set(SUBJECTS_002) <= set(subjects)
    for point, subject in POINTS_002.items():
        assert point in [outline.get("text") for outline in subjects[subject]], point


def test_code_found_says_it_is_python_or_a_python_session():
    html = render_plain_text("Example:\n\n    def f(x):\n        return x\n").html
    assert '<code class="language-python">' in html
    session = render_plain_text("Try it:\n\n>>> 1 + 1\n2\n").html
    assert '<code class="language-pycon">' in session
