"""Rendering is a pure function: no database here."""

import re
import time

import pytest

from notes.markdown import (
    join_cjk_soft_breaks,
    make_excerpt,
    normalize_source,
    plain_text,
    render_markdown,
)
from notes.render_limits import MAX_NESTING


def test_heading_without_space_after_hashes_renders_as_heading():
    html = render_markdown("##Pycon @Shanghai\n\ntext").html
    assert '<h2 id="pycon-shanghai">Pycon @Shanghai' in html


def test_chinese_heading_without_space_gets_a_unicode_anchor():
    rendered = render_markdown("###1.Python中的进程,线程\n\n正文")
    assert '<h3 id="1python中的进程线程">' in rendered.html
    assert rendered.headings == ((3, "1python中的进程线程", "1.Python中的进程,线程"),)


def test_hashes_inside_fenced_code_stay_code():
    source = "```python\n#comment\n##not a heading\n```\n"
    assert normalize_source(source) == source
    html = render_markdown(source).html
    assert "<h2" not in html
    assert "not a heading" in html


def test_fenced_python_code_is_highlighted_with_pygments_classes():
    html = render_markdown("```python\ndef f():\n    return 1\n```\n").html
    assert '<div class="highlight">' in html
    assert '<span class="k">def</span>' in html


def test_tables_render_with_alignment_as_classes_not_inline_style():
    html = render_markdown("|a|b|c|\n|:-|-:|:-:|\n|1|2|3|\n").html
    assert "<table>" in html
    assert '<td class="align-right">2</td>' in html
    assert '<th class="align-center">c</th>' in html
    assert "style=" not in html


def test_raw_html_table_cells_keep_no_other_style():
    html = render_markdown(
        '<table><tr><td style="color:red;text-align:left">x</td></tr></table>'
    ).html
    assert "color" not in html
    assert "style=" not in html


def test_headings_list_has_every_level_for_the_table_of_contents():
    rendered = render_markdown("# One\n\n## Two\n\n### 三\n")
    assert [level for level, _, _ in rendered.headings] == [1, 2, 3]
    assert rendered.headings[2][1:] == ("三", "三")


def test_duplicate_headings_get_distinct_anchors():
    rendered = render_markdown("## 总结\n\n## 总结\n")
    anchors = [anchor for _, anchor, _ in rendered.headings]
    assert len(set(anchors)) == 2


def test_script_tags_are_removed():
    html = render_markdown("hello <script>alert('x')</script> world").html
    assert "<script" not in html
    assert "alert" not in html


def test_event_handlers_are_removed_but_images_survive():
    html = render_markdown(
        '<img src="https://example.com/a.png" onerror="alert(1)" width="70">'
    ).html
    assert 'src="https://example.com/a.png"' in html
    assert 'width="70"' in html
    assert "onerror" not in html


def test_javascript_urls_are_removed_from_links_and_markdown_links():
    html = render_markdown('<a href="javascript:alert(1)">x</a> [y](javascript:alert(2))').html
    assert "javascript:" not in html


def test_image_with_stray_slash_from_real_notes_still_renders():
    html = render_markdown(
        'text\n<img src="http://example.com/p.jpg"/ heigth="280" width="700">'
    ).html
    assert '<img src="http://example.com/p.jpg" width="700" alt="p.jpg"' in html
    assert "&lt;img" not in html


def test_markdown_images_render():
    html = render_markdown("![diagram](https://example.com/d.png)").html
    assert '<img alt="diagram" src="https://example.com/d.png" loading="lazy"' in html


def test_style_attribute_cannot_smuggle_css_into_paragraphs():
    html = render_markdown('<p style="position:fixed">x</p>').html
    assert "style" not in html


def test_crlf_line_endings_render_like_lf():
    assert render_markdown("# T\r\n\r\nbody\r\n").html == render_markdown("# T\n\nbody\n").html


def test_plain_text_and_excerpt_strip_markup():
    html = render_markdown("# Title\n\nSome *text* & more " + "字" * 300).html
    assert plain_text(html).startswith("Title¶ Some text & more")
    excerpt = make_excerpt(html, length=40)
    assert len(excerpt) == 40
    assert excerpt.endswith("…")
    assert "¶" not in excerpt


def test_rendering_in_several_threads_at_once_gives_each_note_its_own_html():
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"# Title {i}\n\n## 小节 {i}\n\n```python\nx = {i}\n```\n" * 3 for i in range(40)]
    expected = [render_markdown(text) for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(render_markdown, texts)) == expected


def test_a_note_renders_the_same_after_others_were_rendered():
    text = "## 标题\n\n[^1] text\n\n[^1]: a note\n\n## 标题\n"
    first = render_markdown(text)
    render_markdown("# Other\n\n## 标题\n\n[link][ref]\n\n[ref]: http://example.com\n")
    assert render_markdown(text) == first


def test_code_is_highlighted_exactly_as_pygments_own_formatter_does():
    from markdown.extensions.codehilite import CodeHilite

    from notes.markdown import code_formatter

    code = "def closure(x):\n    # 闭包\n    return lambda y: x + y  # type: ignore\n"
    options = {"css_class": "highlight", "guess_lang": False, "lang": "python"}
    plain = CodeHilite(code, **options).hilite()
    for _ in range(2):  # the second time from the shared formatter
        fast = CodeHilite(code, pygments_formatter=code_formatter, **options).hilite()
        assert fast == plain
    assert '<span class="k">def</span>' in plain


def test_one_formatter_serves_every_code_block_with_the_same_options():
    from notes.markdown import code_formatter

    first = code_formatter(cssclass="highlight", hl_lines=[1, 2], lang_str="language-python")
    again = code_formatter(lang_str="language-python", hl_lines=[1, 2], cssclass="highlight")
    other = code_formatter(cssclass="highlight", lang_str="language-bash")
    assert first is again
    assert other is not first


def test_shebang_and_coding_lines_are_never_headings():
    rendered = render_markdown("#!/usr/bin/python\n# -*- coding: utf-8 -*-\n\n##Real\n")
    assert rendered.headings == ((2, "real", "Real"),)
    assert "<p>#!/usr/bin/python\n# -*- coding: utf-8 -*-</p>" in rendered.html


def test_a_soft_break_between_chinese_characters_renders_as_nothing():
    html = render_markdown("今年已经有\n分享，稳定\n性差，幸运的是\n，免费\n").html
    assert "<p>今年已经有分享，稳定性差，幸运的是，免费</p>" in html


def test_a_soft_break_between_latin_words_stays_a_space():
    html = render_markdown("Python 是\nLatin words\nstay apart 中文\n**粗**\n体\n").html
    assert "<p>Python 是\nLatin words\nstay apart 中文<strong>粗</strong>体</p>" in html


def test_chinese_line_breaks_inside_code_are_kept():
    html = render_markdown("```\n中\n文\n```\n\n    缩进\n    代码\n").html
    assert "中\n文" in html and "缩进\n代码" in html


def test_excerpt_is_the_first_paragraph_of_prose_not_headings_or_code():
    from notes.linking import TopicMatcher
    from notes.note_rendering import render_note

    body = (
        "## 代码\n\n```python\nimport asyncio\nasync def main(): ...\n```\n\n"
        "| a | b |\n|---|---|\n| Semaphore | 1 |\n\n"
        "协程是一种用户态的轻量级线程，由程序自己调度。\n\n- 第二段：事件循环\n"
    )
    excerpt = render_note(body, TopicMatcher([])).excerpt
    assert excerpt.startswith("协程是一种用户态的轻量级线程")
    assert "事件循环" in excerpt
    for left_out in ("代码", "import", "asyncio", "Semaphore", "¶"):
        assert left_out not in excerpt


def test_excerpt_of_a_note_of_nothing_but_code_is_its_code():
    from notes.linking import TopicMatcher
    from notes.note_rendering import render_note

    excerpt = render_note("```\nprint('hi')\n```\n", TopicMatcher([])).excerpt
    assert excerpt == "print('hi')"


def test_prose_text_keeps_inline_code_and_stops_once_it_has_enough():
    from notes.markdown import prose_text

    html = render_markdown("Use `asyncio.run()` here.\n\n" + "More words.\n\n" * 2000).html
    text = prose_text(html, enough=100)
    assert text.startswith("Use asyncio.run() here. More words.")
    assert len(text) < 10_000


def _reference_plain_text(rendered_html: str) -> str:
    """What plain_text did before: nh3 parses the HTML again and drops every tag."""
    import html as html_module

    import nh3

    text = nh3.clean(rendered_html, tags=set(), clean_content_tags={"script", "style"})
    return " ".join(html_module.unescape(text).split())


PLAIN_TEXT_CORPUS = [
    "# Title\n\nSome *text* & more <b>bold</b> `a < b > c` and [link](https://example.com/?a=1&b=2)",
    "全局解释器锁（GIL）让**同一时刻**只有一个线程执行字节码。\n\n- 列表\n- `x > 1`\n\n> 引用",
    "```python\nif a < b and c > d:\n    print('<tag>', \"&amp;\")\n```\n\n",
    "| a | b |\n|---|---|\n| <1> | 2 & 3 |",
    "See [[A > B \"quoted\" 'note']] and [[Missing <title>]]; GIL and closure > decorator.",
    'Footnote[^1] and an image ![alt > text](x.png "title > with quotes")\n\n[^1]: note & more',
    "&lt;script&gt; &amp;amp; &#x27; &nbsp; ¶ headings\n\n## Heading with `code` and 中文",
]


@pytest.mark.parametrize("source", PLAIN_TEXT_CORPUS + ["<p>" + "x" * 10 + "</p>"])
def test_plain_text_reads_rendered_notes_exactly_as_a_full_html_parser(source):
    from notes.linking import LinkTarget, TopicMatcher
    from notes.note_rendering import render_note
    from tests.test_hostile_input import PAYLOADS

    gil = LinkTarget("topic", 1, 'GIL > "lock"', "/topics/gil/")
    closure = LinkTarget("topic", 2, "Closure 'x'", "/topics/closure/")
    matcher = TopicMatcher([("GIL", gil), ("closure", closure), ("锁", gil)])
    notes = {"a > b \"quoted\" 'note'": LinkTarget("note", 3, 'A > B "q"', "/notes/a-b/")}
    for body in (source, source + " " + " ".join(PAYLOADS)):
        for body_format in ("markdown", "text"):
            html = render_note(body, matcher, notes_by_title=notes, format=body_format).html
            assert plain_text(html) == _reference_plain_text(html), (body_format, html)


def test_plain_text_skips_quoted_attribute_values_whole():
    assert plain_text("<p><img alt=\"a > b\" title='c>d'>text &amp; more</p>") == "text & more"


def test_four_hundred_nested_list_levels_render_flattened_not_out_of_stack():
    body = "".join("    " * level + f"- level {level}\n" for level in range(400))
    html = render_markdown(body).html
    assert html.count("<ul>") == MAX_NESTING
    assert "<li>level 399</li>" in html


def test_four_hundred_nested_quotes_render_flattened():
    html = render_markdown("> " * 400 + "x").html
    assert html.count("<blockquote>") == MAX_NESTING
    assert "<p>x</p>" in html


def _cjk_join_seconds(count: int) -> float:
    rendered = "<pre>" * count + "<p>已经有\n分享</p>"
    # This process's CPU time: what other processes on the machine do is not counted.
    started = time.process_time()
    assert join_cjk_soft_breaks(rendered).endswith("<p>已经有分享</p>")
    return time.process_time() - started


def test_soft_breaks_are_joined_in_linear_time_past_unclosed_pre_tags():
    _cjk_join_seconds(1000)
    short = min(_cjk_join_seconds(5000) for _ in range(3))
    assert _cjk_join_seconds(20000) < 8 * max(short, 0.001)
    assert join_cjk_soft_breaks("<pre>中\n文</pre>中\n文<pre >a</pre>") == (
        "<pre>中\n文</pre>中文<pre >a</pre>"
    )


# --- images and bare addresses ---------------------------------------------------------


def test_a_bare_address_in_prose_becomes_a_link():
    html = render_markdown("see https://docs.python.org/3/library/gc.html for more").html
    assert '<a href="https://docs.python.org/3/library/gc.html"' in html


def test_a_bare_address_right_after_chinese_is_a_link_that_stops_where_chinese_resumes():
    html = render_markdown("分享，链接在http://www.v2ex.com/t/147438。下一句").html
    assert (
        '链接在<a href="http://www.v2ex.com/t/147438" rel="noopener noreferrer">'
        "http://www.v2ex.com/t/147438</a>。下一句" in html
    )


def test_a_bare_address_inside_code_stays_code():
    html = render_markdown("`在http://example.com`\n\n```\nhttps://example.org/x\n```\n").html
    assert "<a " not in html


def test_a_bare_www_address_and_an_email_become_http_and_mailto_links():
    html = render_markdown("www.python.org or me@example.com").html
    assert 'href="http://www.python.org"' in html
    assert 'href="mailto:me@example.com"' in html


def test_a_bare_address_of_another_scheme_gets_no_href():
    html = render_markdown("ftp://files.example.com/a and javascript:alert(1)").html
    assert "href=" not in html


def test_an_html_image_without_alt_is_named_by_its_file_and_loads_lazily_at_its_size():
    html = render_markdown('<img src="http://cdn.example.com/pycon_scheme1.jpg" width="700">').html
    assert 'alt="pycon_scheme1.jpg"' in html
    assert 'width="700"' in html
    assert 'loading="lazy"' in html


def test_a_markdown_image_keeps_its_alt_text():
    html = render_markdown("![GIL 的示意图](img/gil%20lock.png)").html
    assert 'alt="GIL 的示意图"' in html
    assert 'loading="lazy"' in html


def test_an_image_with_empty_alt_is_named_by_its_decoded_file_name():
    html = render_markdown("![](https://example.com/a/%E9%97%AD%E5%8C%85.png?x=1)").html
    assert 'alt="闭包.png"' in html


def test_no_image_of_a_seed_renders_without_alt_text(seeds):
    from notes.importers.parsing import parse_note_bytes

    for path in sorted(seeds.iterdir()):
        parsed = parse_note_bytes(path.read_bytes(), name=path.name)
        if parsed.format != "markdown":
            continue
        html = render_markdown(parsed.body).html
        images = re.findall(r"<img\b[^>]*>", html)
        assert all(re.search(r'alt="[^"]+"', image) for image in images), path.name


def test_seed_000s_bare_address_is_a_link(seeds):
    from notes.importers.parsing import parse_note_bytes

    (path,) = seeds.glob("000_*")
    html = render_markdown(parse_note_bytes(path.read_bytes(), name=path.name).body).html
    assert '<a href="http://www.v2ex.com/t/147438"' in html
