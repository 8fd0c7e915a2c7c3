"""Topic-aware search (issue 14): the topic map as a bilingual thesaurus.

The examples are the issue's own, on the starter content with the learners' seed
notes imported, on whichever database the suite runs on.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from notes.linking import LinkTarget, TopicMatcher
from notes.models import Note, Topic
from notes.search import (
    QueryTerm,
    highlight,
    parse_query,
    search_notes,
    searchable_alias,
    snippet,
    title_holds,
    title_test,
    topic_marker,
    topic_markers,
    update_index,
)
from tests.factories import make_draft, make_note, make_topic

GC = LinkTarget("topic", 1, "Garbage collection", "/topics/gc/")
DEADLOCK = LinkTarget("topic", 2, "Deadlock", "/topics/deadlock/")
GIL = LinkTarget("topic", 3, "GIL", "/topics/gil/")
LOCK = LinkTarget("topic", 4, "Lock", "/topics/lock/")
MATCHER = TopicMatcher(
    [
        ("Garbage collection", GC),
        ("GC", GC),
        ("垃圾回收", GC),
        ("Deadlock", DEADLOCK),
        ("死锁", DEADLOCK),
        ("GIL", GIL),
        ("Global Interpreter Lock", GIL),
        ("全局解释器锁", GIL),
        ("Lock", LOCK),
        ("锁", LOCK),
    ]
)


# --- Pure: reading the query ---------------------------------------------------------


class TestParseQuery:
    def test_a_phrase_naming_a_topic_is_one_term_with_the_topic(self):
        (term,) = parse_query("Garbage Collection", MATCHER)
        assert term.text == "garbage collection"
        assert term.topic == GC
        assert set(term.names) == {"garbage collection", "gc", "垃圾回收"}

    def test_the_longest_run_of_words_wins(self):
        terms = parse_query("global interpreter lock", MATCHER)
        assert [(term.text, term.topic) for term in terms] == [("global interpreter lock", GIL)]

    def test_chinese_names_a_topic_too(self):
        (term,) = parse_query("死锁", MATCHER)
        assert term.topic == DEADLOCK
        assert term.alternatives == ["死锁", "deadlock"]

    def test_words_that_are_not_topics_stay_plain(self):
        terms = parse_query("garbage truck", MATCHER)
        assert terms == [QueryTerm("garbage"), QueryTerm("truck")]

    def test_several_topics_in_query_order(self):
        terms = parse_query("deadlock and GC", MATCHER)
        assert [term.topic for term in terms] == [DEADLOCK, None, GC]

    def test_quotes_opt_out(self):
        (term,) = parse_query('"garbage collection"', MATCHER)
        assert term == QueryTerm("garbage collection", quoted=True)
        assert term.searched == ["garbage collection"]

    def test_a_quoted_word_does_not_join_a_phrase(self):
        terms = parse_query('global "interpreter" lock', MATCHER)
        assert [term.topic for term in terms] == [None, None, LOCK]

    def test_the_same_topic_twice_is_one_term(self):
        assert len(parse_query("GIL 全局解释器锁", MATCHER)) == 1

    def test_without_a_matcher_every_word_is_plain(self):
        assert [term.topic for term in parse_query("deadlock")] == [None]

    def test_a_topic_term_also_looks_for_its_marker(self):
        (term,) = parse_query("gc", MATCHER)
        assert term.searched == ["gc", "garbage collection", "垃圾回收", topic_marker(GC.key)]

    @pytest.mark.parametrize(
        ("name", "searched"),
        [
            ("garbage collector", True),
            ("垃圾回收", True),
            ("deadlock", True),
            ("gil", False),
            ("lock", False),
            ("死锁", False),
            ("gc", False),
        ],
    )
    def test_short_names_are_left_to_the_markers(self, name, searched):
        assert searchable_alias(name) is searched

    def test_markers_cannot_be_typed(self):
        terms = parse_query(topic_marker(5), MATCHER)
        assert [term.text for term in terms] == ["t5"]


class TestTopicMarkers:
    def test_every_topic_once_and_the_most_mentioned_twice(self):
        markers = topic_markers({1: 3, 2: 1}).split()
        assert markers == [topic_marker(1), topic_marker(2), topic_marker(1, main=True)]

    def test_the_topic_of_the_category_is_a_main_subject(self):
        markers = topic_markers({1: 3}, main_topics=[7]).split()
        assert topic_marker(7) in markers
        assert topic_marker(7, main=True) in markers

    def test_no_mentions_no_markers(self):
        assert topic_markers({}) == ""


# --- Pure: marking the matches --------------------------------------------------------


def marked(segments) -> list[str]:
    return [text for text, hit in segments if hit]


class TestHighlight:
    def test_latin_words_are_marked_on_word_boundaries(self):
        text = "module globals, and the global interpreter lock"
        assert marked(highlight(text, ["global"])) == ["global"]

    def test_a_word_found_only_inside_longer_ones_is_still_marked(self):
        assert marked(highlight("threading, subthreads", ["thread"])) == ["thread", "thread"]

    def test_chinese_is_marked_anywhere(self):
        assert marked(highlight("CPython 的垃圾回收机制", ["垃圾回收"])) == ["垃圾回收"]

    def test_names_of_the_query_topic_are_marked_as_the_linking_finds_them(self):
        text = "CPython 的垃圾回收机制，GC 和 GCC 无关"
        segments = highlight(text, ["garbage collection"], MATCHER, [GC.key])
        assert marked(segments) == ["垃圾回收", "GC"]

    def test_a_topic_name_is_not_marked_inside_longer_words(self):
        assert marked(highlight("GCC, not GC", ["gc"], MATCHER, [GC.key])) == ["GC"]
        assert marked(highlight("GCC only", ["gc"], MATCHER, [GC.key])) == []

    def test_other_topics_are_not_marked(self):
        text = "全局解释器锁不是死锁"
        assert marked(highlight(text, ["lock"], MATCHER, [LOCK.key])) == []

    def test_the_snippet_opens_at_a_topic_name(self):
        text = "x " * 200 + "两个线程互相等待就是死锁。"
        segments = snippet(text, ["deadlock"], matcher=MATCHER, topic_keys=[DEADLOCK.key])
        assert marked(segments) == ["死锁"]

    def test_text_stays_text(self):
        segments = highlight("<b>GC</b>", ["gc"], MATCHER, [GC.key])
        assert segments == [("<b>", False), ("GC", True), ("</b>", False)]


# --- With the database: the examples ------------------------------------------


@pytest.fixture
def starter(db, seeds):
    """The starter notes and map, with the learners' seed notes imported."""
    call_command("load_sample_content", stdout=StringIO())
    call_command("import_notes", str(seeds), "--status", "published", stdout=StringIO())
    update_index()


def titles(text: str, user=None) -> list[str]:
    results = search_notes(Note.objects.visible_to(user), text=text)
    return [note.title for note in results.notes]


GC_NOTE = "CPython 的垃圾回收机制"
GIL_NOTE = "全局解释器锁 GIL"
THREADS_NOTE = "Threads in Python"


@pytest.mark.django_db
class TestTopicAwareSearch:
    def test_garbage_collection_finds_the_chinese_note_first(self, starter):
        found = titles("garbage collection")
        assert found[0] == GC_NOTE
        assert GIL_NOTE in found

    def test_reference_counting_finds_the_chinese_note(self, starter):
        found = titles("reference counting")
        assert GC_NOTE in found
        assert GIL_NOTE in found

    def test_chinese_finds_the_english_note(self, starter):
        assert THREADS_NOTE in titles("死锁")

    def test_global_interpreter_lock_puts_the_gil_note_first(self, starter):
        found = titles("global interpreter lock")
        assert found[0] == GIL_NOTE
        assert THREADS_NOTE in found

    def test_quotes_match_the_exact_words_only(self, starter):
        assert titles('"garbage collection"') == [GIL_NOTE]

    def test_words_that_are_not_topics_match_as_before(self, starter):
        assert titles("bytecode") == titles('"bytecode"')

    def test_a_topic_word_and_a_plain_word_combine(self, starter):
        assert titles("死锁 timeout") == [THREADS_NOTE]

    def test_the_search_names_the_topics_in_query_order(self, starter):
        results = search_notes(Note.objects.all(), text="死锁 garbage collection")
        names = Topic.objects.in_bulk(results.topic_keys)
        assert [names[key].name for key in results.topic_keys] == ["Deadlock", "Garbage collection"]


@pytest.mark.django_db
class TestTopicIndex:
    def test_a_note_is_found_through_a_new_alias(self):
        topic = make_topic("Coroutine")
        note = make_note("异步笔记", body="协程的切换由程序自己决定。")
        update_index()
        assert titles("coroutine") == []
        topic.aliases.create(name="协程")
        # The alias relinks the note when the transaction commits; run it now.
        from notes.relinking import relink_notes

        relink_notes([note])
        update_index()
        assert titles("coroutine") == ["异步笔记"]

    def test_a_short_alias_is_found_where_the_linking_found_it(self):
        make_topic("Garbage collection", aliases=["GC"])
        make_note("Compilers", body="GCC compiles C.")
        make_note("Memory", body="The GC frees cycles.")
        update_index()
        assert titles("garbage collection") == ["Memory"]

    def test_the_category_topic_is_a_main_subject(self):
        from tests.factories import make_category

        make_topic("Deadlock", aliases=["死锁"])
        make_topic("Thread", aliases=["threads"])
        make_note("Filed", body="A deadlock.", category=make_category("死锁"))
        make_note("Passing", body="Threads, threads, threads.\n\nOne deadlock.")
        update_index()
        assert titles("死锁") == ["Filed", "Passing"]

    def test_a_note_mostly_about_the_topic_ranks_above_a_passing_mention(self):
        make_topic("Deadlock", aliases=["死锁"])
        make_topic("Thread", aliases=["threads"])
        make_note("About it", body="A deadlock. Two threads.")
        make_note("In passing", body="Threads, threads, threads. And a deadlock, once.")
        update_index()
        assert titles("死锁") == ["About it", "In passing"]

    def test_an_alias_in_the_title_ranks_above_the_main_subject(self):
        make_topic("Deadlock", aliases=["死锁"])
        make_note("死锁笔记", body="Mentioned once: deadlock. Then other things.")
        make_note("Locks", body="Deadlock, deadlock, deadlock.")
        update_index()
        assert titles("deadlock") == ["死锁笔记", "Locks"]

    def test_drafts_stay_hidden_from_readers(self):
        make_topic("Deadlock", aliases=["死锁"])
        make_draft("Secret", body="A deadlock.")
        update_index()
        assert titles("死锁") == []
        assert titles("死锁", user=_staff()) == ["Secret"]


def _staff():
    from tests.factories import make_user

    return make_user(staff=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ['NEAR("a" OR b)*', "x' OR 1=1 --", "<script>alert(1)</script>", '"', "%_\\"]
)
def test_a_hostile_topic_name_stays_text(name):
    make_topic(f"Topic {name}", aliases=[f"别名 {name}"])
    make_note("Plain", body=f"Mentions topic {name} here.")
    update_index()
    for text in (f"topic {name}", f"别名 {name}"):
        results = search_notes(Note.objects.all(), text=text)
        assert [note.title for note in results.notes] in ([], ["Plain"])


class TestTitleHolds:
    def test_a_topic_by_any_of_its_names_on_word_boundaries(self):
        (gil,) = parse_query("global interpreter lock", MATCHER)
        assert title_holds("全局解释器锁 GIL", [gil])
        assert title_holds("About the GIL", [gil])
        assert not title_holds("Agile teams", [gil])

    def test_every_term_must_be_there(self):
        terms = parse_query("gc python", MATCHER)
        assert title_holds("Python 的垃圾回收", terms)
        assert not title_holds("垃圾回收", terms)

    def test_one_test_made_once_judges_many_titles(self):
        holds = title_test(parse_query("gc python", MATCHER))
        titles = ["Python 的垃圾回收", "垃圾回收", "Python GC", "python agc", "Garbage collection"]
        assert [holds(title) for title in titles] == [True, False, True, False, False]
