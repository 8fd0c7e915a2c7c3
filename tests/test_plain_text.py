"""Plain-text notes rendered as written: lines kept, Python code found, sections seen."""

import html
import re
from pathlib import Path

import pytest

from notes.importers import parse_note_bytes
from notes.language import main_language
from notes.plain_text import render_plain_text


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
