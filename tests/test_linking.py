"""Topic matching and linking are pure: plain data in, HTML out, no database."""

import random
import time

import pytest

from notes.linking import (
    _SENTENCE_END,
    SNIPPET_RADIUS,
    LinkTarget,
    TopicMatcher,
    _Sentences,
    explicit_link_titles,
    hide_note_links,
    link_html,
    offer_missing_notes,
)
from notes.markdown import render_markdown


def topic(key: int, name: str) -> LinkTarget:
    return LinkTarget("topic", key, name, f"/topics/{name.lower().replace(' ', '-')}/")


GIL = topic(1, "GIL")
GC = topic(2, "Garbage collection")
COLLECTION = topic(3, "Collection")
CLOSURE = topic(4, "Closure")
HASH = topic(5, "Hashing")
THREAD = topic(6, "Thread")
PYTHON = topic(7, "Python")
LOCK = topic(8, "Lock")

MATCHER = TopicMatcher(
    [
        ("GIL", GIL),
        ("Global Interpreter Lock", GIL),
        ("全局解释器锁", GIL),
        ("garbage collection", GC),
        ("GC", GC),
        ("垃圾回收", GC),
        ("collection", COLLECTION),
        ("closure", CLOSURE),
        ("closures", CLOSURE),
        ("闭包", CLOSURE),
        ("hash", HASH),
        ("hashable", HASH),
        ("哈希", HASH),
        ("可哈希", HASH),
        ("thread", THREAD),
        ("线程", THREAD),
        ("锁", LOCK),
        ("lock", LOCK),
    ],
    count_only=[("Python", PYTHON)],
    whole_word=["锁"],
)


def linked(markdown_text: str, **options):
    return link_html(render_markdown(markdown_text).html, MATCHER, **options)


def test_english_alias_links_to_its_topic():
    result = linked("The GIL serialises bytecode.")
    assert '<a class="topic-link" href="/topics/gil/" title="GIL">GIL</a>' in result.html
    assert result.mentions == {GIL.key: 1}


def test_chinese_alias_matches_without_word_boundaries():
    result = linked("CPython有全局解释器锁和垃圾回收机制。")
    assert 'href="/topics/gil/"' in result.html
    assert ">全局解释器锁</a>" in result.html
    assert ">垃圾回收</a>" in result.html
    assert result.mentions == {GIL.key: 1, GC.key: 1}


def test_latin_aliases_match_case_insensitively_on_word_boundaries():
    result = linked("The gil is not in GILDED or fragile; GCC is not gc.")
    assert result.mentions == {GIL.key: 1, GC.key: 1}
    assert ">gil</a>" in result.html
    assert ">gc</a>" in result.html
    assert "GILDED" in result.html and "GCC" in result.html


def test_longest_match_wins():
    result = linked("Garbage collection is not just any collection.")
    assert ">Garbage collection</a>" in result.html
    assert result.mentions == {GC.key: 1, COLLECTION.key: 1}


def test_longer_alias_of_same_stem_wins():
    result = linked("Lists are not hashable.")
    assert ">hashable</a>" in result.html
    result = linked("数字是可哈希的")
    assert ">可哈希</a>" in result.html


def test_multi_word_alias_matches_across_a_line_break():
    result = linked("the global\ninterpreter lock")
    assert result.mentions == {GIL.key: 1}


def test_code_and_preformatted_text_are_untouched():
    result = linked(
        "Use `GIL` here.\n\n```python\n# the GIL\nthread = 1\n```\n\n    GIL indented\n"
    )
    assert "topic-link" not in result.html
    assert result.mentions == {}


def test_no_link_inside_an_existing_link():
    result = linked("[about the GIL](https://example.com/gil) and [[closure]]")
    assert result.html.count("<a") == 2
    assert ">about the GIL</a>" in result.html
    assert GIL.key not in result.mentions


def test_a_topic_is_linked_once_per_note_by_default():
    text = "## One\n\nGIL, GIL and the GIL.\n\n## Two\n\nThe GIL again.\n"
    result = linked(text)
    assert result.html.count('class="topic-link"') == 1
    assert result.mentions[GIL.key] == 4


def test_per_section_links_the_first_mention_of_each_section():
    text = "## One\n\nGIL, GIL and the GIL.\n\n## Two\n\nThe GIL again.\n"
    assert linked(text, per_section=True).html.count('class="topic-link"') == 2
    assert linked(text, first_mention_only=False).html.count('class="topic-link"') == 4


def test_the_main_topic_is_counted_but_never_linked():
    result = linked("The GIL and threads. Without the GIL, a thread...", main_topic=GIL.key)
    assert 'href="/topics/gil/"' not in result.html
    assert result.mentions[GIL.key] == 2
    assert 'href="/topics/thread/"' in result.html


def test_broad_topics_are_counted_everywhere_but_never_autolinked():
    result = linked("Python is everywhere. python again.")
    assert "topic-link" not in result.html
    assert result.mentions == {PYTHON.key: 2}


def test_a_whole_word_alias_is_not_found_inside_other_chinese_words():
    assert linked("线程抢锁，然后加锁。").mentions == {THREAD.key: 1}
    result = linked("用 锁 保护共享数据；锁（lock）很常见。")
    assert result.mentions == {LOCK.key: 3}
    assert result.html.count('href="/topics/lock/"') == 1


def test_the_main_topic_comes_from_the_title():
    assert MATCHER.first_in("全局解释器锁 GIL 与线程") == GIL
    assert MATCHER.first_in("Notes on nothing") is None


def test_headings_are_counted_but_not_linked():
    result = linked("## The GIL\n\nBody text.")
    assert "topic-link" not in result.html
    assert result.mentions == {GIL.key: 1}


def test_snippet_quotes_the_sentence_of_the_first_mention_in_prose():
    result = linked(
        "## GIL\n\nIntro sentence. Only one thread runs at a time under the GIL. Next one."
    )
    assert result.snippets[GIL.key] == "Only one thread runs at a time under the GIL."
    assert result.snippets[THREAD.key] == "Only one thread runs at a time under the GIL."


def test_snippet_spans_inline_markup_of_the_block():
    result = linked("CPython 用 **引用计数** 管理内存，还有**垃圾回收**处理循环引用。")
    assert result.snippets[GC.key] == "CPython 用 引用计数 管理内存，还有垃圾回收处理循环引用。"


def test_explicit_links_to_topics_with_and_without_labels():
    result = linked("See [[GIL]] and [[全局解释器锁|the lock]].")
    assert (
        '<a class="topic-link explicit-link" href="/topics/gil/" title="GIL">GIL</a>' in result.html
    )
    assert ">the lock</a>" in result.html
    assert result.explicit == [GIL, GIL]


def test_explicit_link_reaches_lookup_only_topics_that_never_autolink():
    result = linked("Python everywhere; see [[Python]].")
    assert result.html.count('href="/topics/python/"') == 1
    assert result.explicit == [PYTHON]
    assert PYTHON.key in result.mentions


def test_explicit_link_to_a_note_by_title():
    note = LinkTarget("note", 42, "My GC notes", "/notes/my-gc-notes/")
    result = linked("Read [[my gc notes]].", notes_by_title={"my gc notes": note})
    assert '<a class="note-link explicit-link" href="/notes/my-gc-notes/"' in result.html
    assert result.explicit == [note]


def test_link_to_nothing_renders_as_a_visibly_missing_link():
    result = linked("Read [[Descriptors|about descriptors]].")
    assert '<a class="missing-link" title="Descriptors">about descriptors</a>' in result.html
    assert result.missing == ["Descriptors"]


@pytest.mark.parametrize(
    "body",
    ["Read [[secret PLAN]].", "Read [[Secret plan|the <plan> & more]] twice [[secret plan]]."],
)
def test_hidden_note_links_read_exactly_like_links_to_nothing(body):
    note = LinkTarget("note", 7, "Secret Plan", "/notes/secret-plan/")
    found = linked(body, notes_by_title={"secret plan": note}).html
    nowhere = linked(body).html
    assert found != nowhere
    assert hide_note_links(found, ["/notes/secret-plan/"]) == nowhere


def test_hiding_note_links_leaves_other_links_alone():
    shown = LinkTarget("note", 8, "Open", "/notes/open/")
    result = linked("[[Open]] and [[GIL]].", notes_by_title={"open": shown}).html
    assert hide_note_links(result, ["/notes/secret-plan/"]) == result


def test_missing_links_offer_the_add_form_with_the_wanted_title():
    html = linked("Read [[不存在的笔记]] and [[A & B|and]] and [[GIL]].").html
    offered = offer_missing_notes(html, "/admin/notes/note/add/")
    assert (
        '<a class="missing-link create-note" title="不存在的笔记" '
        'href="/admin/notes/note/add/?title=%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E7%AC%94%E8%AE%B0">'
        "不存在的笔记</a>"
    ) in offered
    assert 'href="/admin/notes/note/add/?title=A+%26+B">and</a>' in offered
    assert offered.count('href="/topics/gil/"') == html.count('href="/topics/gil/"') == 1


def test_offering_missing_notes_leaves_a_body_without_them_alone():
    html = linked("[[GIL]] only.").html
    assert offer_missing_notes(html, "/admin/notes/note/add/") == html


def test_explicit_link_text_is_escaped_in_title_and_label():
    result = link_html('<p>[[x &lt;script&gt;"|&lt;b&gt;]]</p>', MATCHER)
    assert "<script" not in result.html and "<b>" not in result.html
    assert 'title="x &lt;script&gt;&quot;"' in result.html
    assert ">&lt;b&gt;</a>" in result.html


def test_escaped_text_stays_escaped():
    result = linked("a &lt;script&gt; about the GIL &amp; more")
    assert "&lt;script&gt;" in result.html
    assert "&amp; more" in result.html


def test_explicit_link_titles_are_collected_for_lookup():
    assert explicit_link_titles("[[A]] and [[B|label]] and `[[C]]`") == {"A", "B", "C"}


def test_topic_summary_can_exclude_its_own_topic():
    result = linked("The GIL and a thread.", exclude_topic=GIL.key)
    assert result.mentions == {THREAD.key: 1}


def test_empty_matcher_links_nothing():
    assert link_html("<p>GIL</p>", TopicMatcher([])).html == "<p>GIL</p>"


@pytest.mark.parametrize("term", ["C++", "I/O", "(a)"])
def test_terms_with_regex_characters_are_matched_literally(term):
    target = topic(9, "Odd")
    matcher = TopicMatcher([(term, target)])
    assert link_html(f"<p>about {term} here</p>", matcher).mentions == {9: 1}


def test_thousands_of_aliases_compile_and_match():
    targets = [topic(index, f"Topic {index}") for index in range(2000)]
    matcher = TopicMatcher([(f"term{index} word", target) for index, target in enumerate(targets)])
    result = link_html("<p>about term1999 word and term7 word</p>", matcher)
    assert result.mentions == {1999: 1, 7: 1}


def _old_snippet(text: str, start: int, end: int) -> str:
    """The snippet as it was first written (a rescan of the block per mention), kept to
    hold the one-pass version to the same sentences."""
    left = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    right_match = _SENTENCE_END.search(text, end)
    right = right_match.end() if right_match else len(text)
    cut_left, cut_right = start - SNIPPET_RADIUS > left, end + SNIPPET_RADIUS < right
    if cut_left:
        left = start - SNIPPET_RADIUS
    if cut_right:
        right = end + SNIPPET_RADIUS
    sentence = " ".join(text[left:right].split())
    return ("…" if cut_left else "") + sentence + ("…" if cut_right else "")


def test_snippets_found_in_one_pass_quote_the_same_sentences():
    rng = random.Random(3)
    pieces = ["GIL", "etc.", " ", ". ", ".\n", "\n", "。", "！", "a", "closure", "；", "x" * 90]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        sentences = _Sentences(text)
        for start in range(len(text)):
            end = min(len(text), start + rng.randint(1, 5))
            assert sentences.snippet(start, end) == _old_snippet(text, start, end), (text, start)


def _link_seconds(paragraph: str) -> float:
    html = f"<h1>t</h1><p>{paragraph}</p>"
    # This process's CPU time: what other processes on the machine do is not counted.
    started = time.process_time()
    result = link_html(html, MATCHER)
    assert result.snippets[GIL.key].startswith("GIL closure generator GIL")
    return time.process_time() - started


def test_a_long_paragraph_of_mentions_links_in_linear_time():
    # Each mention used to rescan the paragraph for its sentence: 220 KB took 42 s.
    _link_seconds("GIL closure generator " * 200)  # warm up
    short = min(_link_seconds("GIL closure generator " * 1000) for _ in range(3))
    long = min(_link_seconds("GIL closure generator " * 4000) for _ in range(3))
    assert long < 8 * short  # four times the text; quadratic work would take sixteen


def test_explicit_links_among_many_mentions_are_found_walking_along():
    paragraph = "[[GIL]] closure " * 2000
    result = link_html(render_markdown(paragraph).html, MATCHER)
    assert result.mentions[CLOSURE.key] == 2000
    assert result.mentions[GIL.key] == 2000
    assert result.html.count("explicit-link") == 2000
