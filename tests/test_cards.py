"""notes.cards: the review cards a rendered note holds, and matching them across edits."""

import pytest

from notes import cards
from notes.cards import FoundCard, asks_a_question, card_key, face_text, find_cards, match_cards
from notes.markdown import render_markdown
from notes.plain_text import render_plain_text


def markdown_cards(source: str) -> list[FoundCard]:
    return find_cards(render_markdown(source).html)


def plain_cards(source: str) -> list[FoundCard]:
    return find_cards(render_plain_text(source).html)


def faces(found: list[FoundCard]) -> list[tuple[str, str, str]]:
    return [(card.kind, card.front_html, card.back_html) for card in found]


# Question headings


@pytest.mark.parametrize(
    "heading",
    [
        "为什么别的语言没有(Cpython为什么这么设计):",
        "2.为何Python适合初创公司?",
        "What is a descriptor?",
        "为什么需要 GIL",
        "怎么绕开 GIL",
        "进程还是线程？",
        "协程是什么",
        "Why lists are unhashable",
        "How dict and set use the hash",
        "1、如何安装：",
        "v0.1. 回调在 asyncio 里还存在吗",
        "Is a tuple hashable;",
        "这样写对吗？",
        "(3) 为何要用 with",
    ],
)
def test_headings_that_ask_are_questions(heading):
    assert asks_a_question(heading)


@pytest.mark.parametrize(
    "heading",
    ["小结", "概述", "参考文章:", "Race conditions", "Isolation levels", "v0.1.1 多进程;", "2."],
)
def test_other_headings_are_not(heading):
    assert not asks_a_question(heading)
    assert not asks_a_question("")


def test_a_question_heading_gives_its_section_up_to_the_next_heading_of_its_level():
    found = markdown_cards(
        "## Why lists are unhashable\n\nThey change.\n\n### Immutability is shallow\n\n"
        "Tuples of lists.\n\n## Takeaways\n\nDone.\n"
    )
    (card,) = found
    assert card.kind == "heading"
    assert card.front_html == "Why lists are unhashable"
    assert card.anchor == "why-lists-are-unhashable"
    assert "They change." in card.back_html
    assert "<h3>Immutability is shallow</h3>" in card.back_html  # its id and ¶ are gone
    assert "Tuples of lists." in card.back_html
    assert "Done." not in card.back_html
    assert "headerlink" not in card.front_html + card.back_html


def test_a_plain_text_question_heading_is_a_card():
    found = plain_cards("Intro line.\n\n为什么需要 GIL:\n\n因为引用计数。\n\n小结:\n\n完。\n")
    headings = [card for card in found if card.kind == "heading"]
    assert [face_text(card.front_html) for card in headings] == ["为什么需要 GIL:"]
    assert "因为引用计数" in headings[0].back_html
    assert "完" not in headings[0].back_html


# Questions and answers


def test_english_question_and_answer_with_an_answer_over_several_lines():
    (card,) = markdown_cards("Q: What is the GIL?\nA: A lock.\nHeld by one thread.\n")
    assert card.kind == "question"
    assert card.front_html == "<p>What is the GIL?</p>"
    assert card.back_html == "<p>A lock.<br>\nHeld by one thread.</p>"
    assert card.question_text == "What is the GIL?"


def test_chinese_questions_and_answers_even_when_markdown_joins_their_lines():
    found = markdown_cards(
        "问：什么是 GIL？\n答：一把锁，\n同一时刻只有一个线程。\n问：为什么？\n答：引用计数。\n"
    )
    assert faces(found) == [
        ("question", "<p>什么是 GIL？</p>", "<p>一把锁，同一时刻只有一个线程。</p>"),
        ("question", "<p>为什么？</p>", "<p>引用计数。</p>"),
    ]


@pytest.mark.parametrize(
    "source", ["q: one?\na: yes", "Q：one?\nA：yes", "问:one?\n答:yes", "  Q : one?\n  A : yes"]
)
def test_question_marks_in_either_case_and_width(source):
    assert faces(plain_cards(source)) == [("question", "<p>one?</p>", "<p>yes</p>")]


def test_an_answer_ends_at_a_blank_line_or_the_next_question():
    found = markdown_cards("Q: one?\nA: first\nQ: two?\nA: second\n\nNot an answer.\n")
    assert [card.back_html for card in found] == ["<p>first</p>", "<p>second</p>"]


def test_a_question_without_an_answer_line_is_no_card():
    assert markdown_cards("Q: one?\nSomething else.\n\nA: too late\n") == []
    assert markdown_cards("Q: one?\nA:\n") == []


def test_questions_in_plain_text_notes_with_line_breaks():
    html = '<p class="plain">\tQ: one?<br>\tA: yes<br>and more</p>'
    assert faces(find_cards(html)) == [("question", "<p>one?</p>", "<p>yes<br>\nand more</p>")]


@pytest.mark.parametrize(
    "source",
    [
        "**Q:** one?\n**A:** yes\n",
        "**Q**: one?\n*A*: yes\n",
        "**问：**one?\n**答：**yes\n",
        "**问**：one？\n**答**：yes\n",
    ],
)
def test_question_marks_in_bold(source):
    (card,) = markdown_cards(source)
    assert face_text(card.front_html).startswith("one")
    assert card.back_html == "<p>yes</p>"


def test_bold_text_is_no_question_mark():
    assert markdown_cards("**Quick** note:\nA: not an answer\n") == []
    assert markdown_cards("<b>x</b>\n") == []


def test_questions_in_code_are_not_cards():
    assert markdown_cards("```\nQ: one?\nA: yes\n```\n") == []


def test_question_in_a_list_item():
    found = markdown_cards("- Q: one?\n  A: yes\n")
    assert faces(found) == [("question", "<p>one?</p>", "<p>yes</p>")]


# Terms


def test_term_lines_give_term_cards():
    found = markdown_cards("- GIL :: 全局解释器锁\n- 闭包 :: 引用了外层变量的函数\n")
    assert faces(found) == [
        ("term", "<p>GIL</p>", "<p>全局解释器锁</p>"),
        ("term", "<p>闭包</p>", "<p>引用了外层变量的函数</p>"),
    ]


def test_term_lines_in_one_paragraph_are_cards_each():
    found = markdown_cards("tuple :: immutable\nlist :: mutable\n")
    assert [face_text(card.front_html) for card in found] == ["tuple", "list"]


def test_double_colons_in_code_or_names_are_no_terms():
    assert markdown_cards("Slicing `a[::2]` and `x :: y` in code.\n") == []
    assert markdown_cards("```\nkey :: value\n```\n") == []
    assert markdown_cards("C++ has std::vector.\n") == []
    assert markdown_cards("- :: nothing before\n- nothing after ::\n") == []


def test_a_term_keeps_its_inline_markup():
    (card,) = markdown_cards("`frozenset` :: a hashable **set**\n")
    assert card.front_html == "<p><code>frozenset</code></p>"
    assert card.back_html == "<p>a hashable <strong>set</strong></p>"


# Clozes


def test_two_marks_in_one_paragraph_give_two_cards():
    found = markdown_cards("The ==GIL== guards ==reference counts==.\n")
    assert faces(found) == [
        (
            "cloze",
            '<p>The <span class="cloze">[…]</span> guards reference counts.</p>',
            '<p>The <mark class="cloze">GIL</mark> guards reference counts.</p>',
        ),
        (
            "cloze",
            '<p>The GIL guards <span class="cloze">[…]</span>.</p>',
            '<p>The GIL guards <mark class="cloze">reference counts</mark>.</p>',
        ),
    ]
    assert found[0].key != found[1].key


def test_a_cloze_in_a_list_item_is_that_item():
    (card,) = markdown_cards("- one ==two==\n  - nested\n")
    assert card.front_html == '<p>one <span class="cloze">[…]</span></p>'


# Faces are safe


def test_faces_escape_text_that_looks_like_html():
    html = '<p class="plain">Q: &lt;script&gt;alert(1)&lt;/script&gt;?\nA: a &amp; b</p>'
    (card,) = find_cards(html)
    assert card.front_html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;?</p>"
    assert card.back_html == "<p>a &amp; b</p>"


def test_attribute_values_are_escaped_again():
    html = (
        '<p>Q: <a class="topic-link" href="/topics/x/" title="a &quot;b&quot; &lt;c">x</a>?'
        "\nA: y</p>"
    )
    (card,) = find_cards(html)
    assert card.front_html == (
        '<p><a class="topic-link" href="/topics/x/" title="a &quot;b&quot; &lt;c">x</a>?</p>'
    )


def test_links_to_notes_become_text_and_topic_links_stay():
    html = (
        '<h2 id="why">Why <a class="note-link explicit-link" href="/notes/d/" title="D">D</a>'
        '<a class="headerlink" href="#why" title="Permanent link">¶</a></h2>\n'
        '<p>See <a class="topic-link" href="/topics/gil/" title="GIL">GIL</a> and '
        '<a class="missing-link" title="Gone">Gone</a>.</p>'
    )
    (card,) = find_cards(html)
    assert card.front_html == "Why D"
    assert card.back_html == (
        '<p>See <a class="topic-link" href="/topics/gil/" title="GIL">GIL</a> and Gone.</p>'
    )


def test_highlighted_code_stays_in_a_section():
    (card,) = markdown_cards("## How?\n\n```python\nx = 1\n```\n")
    assert '<span class="n">x</span>' in card.back_html


# Anchors, positions, keys


def test_cards_know_their_heading_and_order():
    found = markdown_cards(
        "Q: before?\nA: any heading\n\n## Basics\n\nGIL :: lock\n\n## What next?\n\nMore.\n"
    )
    assert [(card.kind, card.anchor, card.position) for card in found] == [
        ("question", "", 0),
        ("term", "basics", 1),
        ("heading", "what-next", 2),
    ]


def test_the_same_question_twice_gets_a_second_key():
    first, second = markdown_cards("Q: same?\nA: one\n\nQ: Same?\nA: two\n")
    assert first.key == card_key("question", "same?")
    assert second.key == first.key + ":2"


def test_keys_ignore_case_and_spacing_and_fit_the_column():
    key = card_key("question", "What  is\nthe GIL?")
    assert key == card_key("question", "what is the gil?")
    assert key != card_key("term", "what is the gil?")
    assert len(key + ":500") <= 64


# Bounds


def test_a_note_holds_at_most_so_many_cards(monkeypatch):
    monkeypatch.setattr(cards, "MAX_CARDS", 3)
    found = markdown_cards("".join(f"Q: {n}?\nA: {n}\n\n" for n in range(10)))
    assert [card.question_text for card in found] == ["0?", "1?", "2?"]


def test_a_long_section_is_cut_between_blocks(monkeypatch):
    monkeypatch.setattr(cards, "MAX_FACE", 100)
    (card,) = markdown_cards("## Why?\n\n" + "".join(f"Paragraph {n}.\n\n" for n in range(20)))
    assert card.back_html.endswith("</p>")
    assert len(card.back_html) <= 100
    assert "Paragraph 0." in card.back_html


def test_a_single_block_too_long_for_a_face_is_given_as_its_text(monkeypatch):
    monkeypatch.setattr(cards, "MAX_FACE", 100)
    (card,) = markdown_cards("## Why?\n\n" + "word " * 100 + "\n")
    assert card.back_html.startswith("<p>word word")
    assert card.back_html.endswith("…</p>")
    assert markdown_cards("Long ==mark== " + "word " * 100 + "\n") == []


def test_markup_nested_too_deep_is_read_as_its_text():
    html = "<div>" * 300 + "<p>Q: deep?\nA: yes</p>" + "</div>" * 300
    assert find_cards(html) == []  # past the depth limit the paragraph is no paragraph


def test_a_large_note_is_read(monkeypatch):
    paragraph = "<p>Plain text without cards, repeated many times over.</p>\n"
    assert find_cards(paragraph * 20_000) == []


# Matching


def card(kind: str, question: str, position: int = 0) -> FoundCard:
    return FoundCard(kind, card_key(kind, question), "", "", "", position, question)


def test_cards_with_the_same_key_are_the_same_card():
    old = [(7, "question", card_key("question", "one?"), "one?")]
    assert match_cards(old, [card("question", "two?"), card("question", "one?")]) == {1: 7}


def test_a_typo_fixed_in_a_question_keeps_the_card():
    old = [(7, "question", card_key("question", "What is teh GIL?"), "What is teh GIL?")]
    assert match_cards(old, [card("question", "What is the GIL?")]) == {0: 7}


def test_a_different_question_or_kind_is_a_new_card():
    old = [(7, "question", card_key("question", "What is the GIL?"), "What is the GIL?")]
    assert match_cards(old, [card("question", "Why do closures bind late?")]) == {}
    assert match_cards(old, [card("term", "What is the GIL?")]) == {}


def test_the_closest_old_card_wins_and_each_is_taken_once():
    old = [
        (1, "question", "k1", "What is the GIL lock?"),
        (2, "question", "k2", "What is the GIL?"),
    ]
    new = [card("question", "What is the GIL!"), card("question", "What is the GIL lock!")]
    assert match_cards(old, new) == {0: 2, 1: 1}


def test_too_many_unmatched_cards_skip_near_matching(monkeypatch):
    monkeypatch.setattr(cards, "FUZZY_LIMIT", 1)
    old = [(1, "question", "k1", "What is the GIL?"), (2, "question", "k2", "Why?")]
    assert match_cards(old, [card("question", "What is teh GIL?")]) == {}


def test_the_chinese_ranges_are_the_renderers():
    from notes import markdown

    assert cards._CJK == markdown.CJK_CHARACTERS
    assert cards._CJK_PUNCTUATION == markdown.CJK_PUNCTUATION


def test_too_many_pairs_of_unmatched_cards_skip_near_matching(monkeypatch):
    monkeypatch.setattr(cards, "FUZZY_PAIRS", 1)
    old = [(1, "question", "k1", "What is the GIL?"), (2, "question", "k2", "Why?")]
    assert match_cards(old, [card("question", "What is teh GIL?")]) == {}
    monkeypatch.setattr(cards, "FUZZY_PAIRS", 2)
    assert match_cards(old, [card("question", "What is teh GIL?")]) == {0: 1}
