"""The search backend (notes.search), on whichever database the suite runs on."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import reverse

from notes.models import Note, Tag
from notes.search import (
    MAX_QUERY_LENGTH,
    SearchEntry,
    fts_expression,
    highlight,
    index_fields,
    make_fts_query,
    rebuild_index,
    search_notes,
    snippet,
    split_terms,
    update_index,
)
from tests.factories import make_category, make_draft, make_note, make_user


def titles(results) -> list[str]:
    return [note.title for note in results.notes]


def search(user=None, **criteria):
    return search_notes(Note.objects.visible_to(user), **criteria)


def indexed(note) -> SearchEntry:
    # Indexing waits for the commit, which a test's transaction never reaches.
    update_index()
    return SearchEntry.objects.get(pk=note.pk)


class TestMakeFtsQuery:
    def test_every_term_is_quoted_and_all_are_required(self):
        assert make_fts_query("garbage collection") == '"garbage" AND "collection"'

    def test_english_is_case_folded(self):
        assert make_fts_query("Garbage COLLECTION") == '"garbage" AND "collection"'

    def test_chinese_needs_no_word_segmentation(self):
        assert make_fts_query("垃圾回收 引用计数") == '"垃圾回收" AND "引用计数"'

    def test_quotes_inside_a_word_are_doubled(self):
        assert make_fts_query('ab"cd"ef') == '"ab""cd""ef"'

    def test_quoted_phrase_stays_one_term(self):
        expression = make_fts_query('"garbage  collection" cpython')
        assert expression == '"garbage collection" AND "cpython"'

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("NEAR(alpha beta)", '"near(alpha" AND "beta"'),
            ("lock* OR -thread", '"lock*" AND "-thread"'),
            ("gc AND NOT (refcount)", '"and" AND "not" AND "refcount"'),
            ("*args **kwargs", '"*args" AND "**kwargs"'),
            ("title:gil", '"title:gil"'),
            ("{title} : gil^", '"title" AND "gil^"'),
        ],
    )
    def test_fts_syntax_is_text_to_find(self, text, expected):
        assert make_fts_query(text) == expected

    @pytest.mark.parametrize("text", ["", "   ", '"', "*", "()", "- -", "协程", "GC", "a b"])
    def test_no_term_of_three_characters_gives_none(self, text):
        assert make_fts_query(text) is None

    def test_short_terms_become_their_trigrams(self):
        expression = fts_expression(["asyncio", "协程"], {"协程": ["协程的", '协程"']})
        assert expression == '"asyncio" AND ("协程的" OR "协程""")'

    def test_sql_looking_text_is_only_quoted_words(self):
        expression = make_fts_query("'; DROP TABLE notes_note; --")
        assert expression == '"drop" AND "table" AND "notes_note"'


class TestSplitTerms:
    def test_terms_are_case_folded_and_kept_once(self):
        assert split_terms("GIL gil Gil threads") == ["gil", "threads"]

    def test_sentence_punctuation_is_not_part_of_a_word(self):
        assert split_terms("闭包，协程。 (closures), “GIL”") == ["闭包", "协程", "closures", "gil"]

    def test_control_characters_are_dropped(self):
        assert split_terms("gil\x00lock") == ["gil", "lock"]

    def test_terms_without_letters_or_digits_are_dropped(self):
        assert split_terms("* - () -- 协程") == ["协程"]


class TestHighlight:
    def test_matches_are_marked_whatever_their_case(self):
        assert highlight("GIL and the gil", ["gil"]) == [
            ("GIL", True),
            (" and the ", False),
            ("gil", True),
        ]

    def test_longer_terms_win(self):
        assert highlight("垃圾回收", ["垃圾", "垃圾回收"]) == [("垃圾回收", True)]

    def test_text_is_never_turned_into_html(self):
        assert highlight("<b>gil</b>", ["gil"]) == [("<b>", False), ("gil", True), ("</b>", False)]

    def test_snippet_shows_the_passage_around_a_late_match(self):
        text = "intro " * 100 + "the garbage collector runs " + "outro " * 100
        segments = snippet(text, ["garbage"])
        assert segments[0] == ("…", False)
        assert ("garbage", True) in segments
        assert segments[-1] == ("…", False)
        assert sum(len(piece) for piece, _ in segments) < 260

    def test_snippet_without_a_match_is_the_start(self):
        assert snippet("short text", ["absent"]) == [("short text", False)]


@pytest.mark.django_db
class TestTextSearch:
    def test_english_is_case_insensitive(self):
        make_note("Garbage Collection in CPython", body="Reference counting first.")
        make_note("Closures", body="Free variables.")
        assert titles(search(text="garbage COLLECTION")) == ["Garbage Collection in CPython"]
        assert titles(search(text="REFERENCE")) == ["Garbage Collection in CPython"]

    def test_chinese_words_are_found_inside_sentences(self):
        make_note("CPython 的内存管理", body="CPython 的垃圾回收机制依靠引用计数和分代回收。")
        make_note("协程与 asyncio", body="协程在 await 时交出控制权。")
        make_note("Threads", body="Threads share memory.")
        assert titles(search(text="垃圾回收")) == ["CPython 的内存管理"]
        assert titles(search(text="引用计数")) == ["CPython 的内存管理"]

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("协程", ["协程与 asyncio"]),
            ("闭包", ["闭包与自由变量"]),
            ("GC", ["CPython 的内存管理"]),
        ],
    )
    def test_words_of_two_characters_are_found(self, text, expected):
        make_note("CPython 的内存管理", body="手动触发：`gc.collect()`。")
        make_note("协程与 asyncio", body="协程在 await 时交出控制权。")
        make_note("闭包与自由变量", body="内层函数引用外层变量。")
        assert titles(search(text=text)) == expected

    def test_a_short_word_is_found_at_the_very_end_of_the_text(self):
        make_note("协程", body="x", tags=["锁"])
        make_note("Other", body="ends with 协程")
        assert set(titles(search(text="协程"))) == {"协程", "Other"}
        assert titles(search(text="锁")) == ["协程"]

    def test_a_short_word_found_nowhere_finds_nothing(self):
        make_note("协程", body="x")
        assert titles(search(text="闭包")) == []
        assert titles(search(text="闭包 协程")) == []

    def test_short_and_long_words_combine(self):
        make_note("协程与 asyncio", body="async def 定义协程函数。")
        make_note("Threads and asyncio", body="Another way.")
        assert titles(search(text="协程 asyncio")) == ["协程与 asyncio"]

    def test_every_word_must_match(self):
        make_note("GIL", body="The global interpreter lock.")
        make_note("Locks", body="A lock from threading.")
        assert titles(search(text="lock global")) == ["GIL"]

    def test_tag_names_are_searched_as_text(self):
        make_note("A note", body="Nothing special.", tags=["asyncio"])
        assert titles(search(text="asyncio")) == ["A note"]

    def test_markdown_syntax_is_not_in_the_way(self):
        make_note("Emphasis", body="**垃圾**回收 and `gc`")
        assert titles(search(text="垃圾回收")) == ["Emphasis"]

    def test_wildcards_of_like_are_literal(self):
        make_note("Underscore", body="x a_c y")
        make_note("Letters", body="x abc y")
        assert titles(search(text="_c")) == ["Underscore"]
        assert titles(search(text="a%c")) == []

    def test_code_symbols_are_found(self):
        make_note("Arguments", body="def f(*args, **kwargs): pass")
        make_note("Other", body="args alone")
        assert titles(search(text="(*args")) == ["Arguments"]

    def test_a_title_match_ranks_above_a_body_mention(self):
        # The body mention is newer, so date order alone would put it first.
        make_note("Descriptors", body="How attribute lookup works.")
        make_note(
            "Properties",
            body="A property is built on the descriptor protocol. " + "More text. " * 30,
        )
        assert titles(search(text="descriptor")) == ["Descriptors", "Properties"]

    def test_a_two_character_title_match_ranks_above_a_body_mention(self):
        make_note("协程", body="async def。")
        make_note("事件循环", body="事件循环调度协程。")
        assert titles(search(text="协程")) == ["协程", "事件循环"]

    def test_results_without_words_are_newest_first(self):
        first = make_note("First", tags=["并发"])
        second = make_note("Second", tags=["并发"])
        assert list(search(tags=["并发"]).notes) == [second, first]


@pytest.mark.django_db
class TestFilters:
    def test_all_tags_must_match(self):
        make_note("Both", tags=["并发", "协程"])
        make_note("One", tags=["并发"])
        make_note("Neither")
        assert titles(search(tags=["并发", "协程"])) == ["Both"]
        assert set(titles(search(tags=["并发"]))) == {"Both", "One"}

    def test_tag_names_are_case_insensitive(self):
        make_note("Tagged", tags=["Python"])
        assert titles(search(tags=["python"])) == ["Tagged"]

    def test_category_includes_its_subcategories(self):
        parent = make_category("内存管理")
        child = make_category("垃圾回收", parent=parent)
        make_note("In child", category=child)
        make_note("In parent", category=parent)
        make_note("Elsewhere", category=make_category("并发"))
        assert set(titles(search(category=parent.slug))) == {"In child", "In parent"}
        assert titles(search(category=child.slug)) == ["In child"]

    def test_words_tags_and_category_combine(self):
        memory = make_category("Memory")
        make_note("Refcount", body="reference counting", category=memory, tags=["gc", "cpython"])
        make_note("Refcount elsewhere", body="reference counting", tags=["gc", "cpython"])
        make_note("Other tags", body="reference counting", category=memory, tags=["gc"])
        make_note("Other words", body="generations", category=memory, tags=["gc", "cpython"])
        results = search(text="reference", tags=["gc", "cpython"], category=memory.slug)
        assert titles(results) == ["Refcount"]

    def test_unknown_tag_finds_nothing_and_says_so(self):
        make_note("Tagged", tags=["并发"])
        results = search(text="tagged", tags=["并发", "不存在"])
        assert titles(results) == []
        assert results.messages == ["No tag named “不存在”."]

    def test_unknown_category_finds_nothing_and_says_so(self):
        make_note("A note")
        results = search(text="note", category="no-such-category")
        assert titles(results) == []
        assert results.messages == ["No category “no-such-category”."]

    def test_nothing_asked_finds_nothing(self):
        make_note("A note")
        results = search()
        assert not results.asked
        assert titles(results) == []


@pytest.mark.django_db
class TestDrafts:
    def test_drafts_are_hidden_from_readers(self):
        make_draft("Secret descriptor", tags=["secret"])
        make_note("Public descriptor")
        assert titles(search(text="descriptor")) == ["Public descriptor"]
        assert titles(search(user=make_user(), text="descriptor")) == ["Public descriptor"]

    def test_a_tag_only_drafts_carry_is_unknown_to_readers(self):
        make_draft("Secret", tags=["secret-tag"])
        results = search(tags=["secret-tag"])
        assert titles(results) == []
        assert results.messages == ["No tag named “secret-tag”."]

    def test_staff_find_drafts(self):
        make_draft("Secret descriptor", tags=["secret-tag"])
        staff = make_user(staff=True)
        assert titles(search(user=staff, text="descriptor")) == ["Secret descriptor"]
        assert titles(search(user=staff, tags=["secret-tag"])) == ["Secret descriptor"]


@pytest.mark.django_db
class TestIndexIsKeptInStep:
    def test_notes_are_indexed_when_the_transaction_commits(
        self, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            note = make_note("Committed", body="x", tags=["gc"])
            assert not SearchEntry.objects.filter(pk=note.pk).exists()
        entry = SearchEntry.objects.get(pk=note.pk)
        assert (entry.title, entry.tags) == ("committed  ", "gc  ")

    def test_a_rolled_back_edit_does_not_reach_the_index(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            note = make_note("Kept", body="original words")
        with pytest.raises(RuntimeError), transaction.atomic():
            note.body = "rolled back words"
            note.save()
            raise RuntimeError
        with django_capture_on_commit_callbacks(execute=True):
            make_note("Another", body="x")
        assert SearchEntry.objects.get(pk=note.pk).body == "original words  "

    def test_a_search_in_the_same_transaction_sees_the_changes(self):
        note = make_note("Uncommitted", body="fresh words")
        assert titles(search(text="fresh")) == ["Uncommitted"]
        note.body = "other words"
        note.save()
        assert titles(search(text="fresh")) == []

    def test_a_new_note_is_indexed_as_plain_text(self):
        note = make_note("Héllo GIL", body="## 标题\n\n**Bold** `code` [link](https://x.test/)")
        entry = indexed(note)
        # Two spaces end each column, so that its last characters start a trigram.
        assert entry.title == "héllo gil  "
        assert entry.body == "标题 bold code link  "
        assert entry.tags == "  "

    def test_an_edit_replaces_the_old_text(self):
        note = make_note("Note", body="old words here")
        note.body = "brand new text"
        note.save()
        assert titles(search(text="brand")) == ["Note"]
        assert titles(search(text="old words")) == []

    def test_a_new_title_is_found(self):
        note = make_note("Before", body="x")
        note.title = "After the rename"
        note.save()
        assert titles(search(text="rename")) == ["After the rename"]
        assert titles(search(text="before")) == []

    def test_a_deleted_note_leaves_the_index(self):
        note = make_note("Gone", body="vanishing words")
        pk = note.pk
        note.delete()
        update_index()
        assert not SearchEntry.objects.filter(pk=pk).exists()
        assert titles(search(text="vanishing")) == []

    def test_bulk_deleted_notes_leave_the_index(self):
        make_note("One", body="bulk words")
        make_note("Two", body="bulk words")
        Note.objects.all().delete()
        update_index()
        assert SearchEntry.objects.count() == 0

    def test_added_and_removed_tags_follow(self):
        note = make_note("Note", body="x")
        note.tags.add("asyncio")
        assert indexed(note).tags == "asyncio  "
        assert titles(search(text="asyncio")) == ["Note"]
        note.tags.remove("asyncio")
        assert titles(search(text="asyncio")) == []
        note.tags.set(["并发", "协程"])
        assert indexed(note).tags == "协程 并发  "
        note.tags.clear()
        assert indexed(note).tags == "  "

    def test_a_renamed_tag_is_reindexed(self):
        note = make_note("Note", body="x", tags=["coroutines"])
        tag = Tag.objects.get(name="coroutines")
        tag.name = "协程们"
        tag.save()
        assert indexed(note).tags == "协程们  "

    def test_a_deleted_tag_is_reindexed(self):
        note = make_note("Note", body="x", tags=["coroutines", "asyncio"])
        Tag.objects.get(name="coroutines").delete()
        assert indexed(note).tags == "asyncio  "

    def test_the_migration_fills_the_index_for_existing_notes(self):
        make_note("垃圾回收", body="引用计数", tags=["gc"])
        make_note("Threads", body="share memory")
        update_index()
        expected = {
            entry.pk: (entry.title, entry.tags, entry.body) for entry in SearchEntry.objects.all()
        }
        SearchEntry.objects.all().delete()
        migration = importlib.import_module("notes.migrations.0005_search")
        migration.fill_index(apps, SimpleNamespace(connection=connection))
        found = {
            entry.pk: (entry.title, entry.tags, entry.body) for entry in SearchEntry.objects.all()
        }
        assert found == expected
        assert titles(search(text="引用计数")) == ["垃圾回收"]

    def test_rebuild_index_covers_notes_written_without_signals(self):
        make_note("Saved", body="saved words")
        bulk = Note(title="Bulk", slug="bulk", body_html="<p>bulk words</p>", status="published")
        Note.objects.bulk_create([bulk])
        update_index()
        SearchEntry.objects.filter(title__startswith="saved").update(body="stale")
        assert rebuild_index() == 2
        assert set(titles(search(text="words"))) == {"Bulk", "Saved"}

    def test_index_fields_are_case_folded_plain_text(self):
        body_html = "<h2>Title<a class='headerlink'>¶</a></h2><p>A &amp; B</p>"
        fields = index_fields("GIL", body_html, ["Py"])
        assert fields == {"title": "gil  ", "tags": "py  ", "body": "title a & b  "}


BAD_QUERIES = [
    "",
    "   ",
    "x" * 10_000,
    "协程" * 5_000,
    '"',
    '""',
    "'",
    '"unbalanced',
    "*",
    "gil*",
    "NEAR",
    "NEAR(gil lock)",
    "NEAR(gil lock, 2)",
    "(",
    ")",
    "(gil",
    "-",
    "-gil",
    "gil -lock",
    "gil OR lock",
    "AND",
    "NOT gil",
    "title:gil",
    "{title}: gil",
    "^gil",
    "gil + lock",
    "'; DROP TABLE notes_note; --",
    "1' OR '1'='1",
    "1; SELECT * FROM auth_user",
    "%",
    "_",
    "\\",
    "%gil%",
    "gil\x00lock",
    "\x00",
    "<script>alert(1)</script>",
    "🐍 python",
]


@pytest.mark.django_db
class TestBadInput:
    @pytest.fixture(autouse=True)
    def notes(self):
        make_note("GIL", body="The global interpreter lock. NEAR the lock, gil*.", tags=["并发"])
        make_note("Threads", body="threading.Lock()")

    @pytest.mark.parametrize("text", BAD_QUERIES)
    def test_any_query_gives_a_page(self, client, text):
        response = client.get(reverse("notes:search"), {"q": text})
        assert response.status_code == 200
        assert Note.objects.count() == 2

    @pytest.mark.parametrize("text", BAD_QUERIES)
    def test_any_query_combines_with_a_tag(self, text):
        results = search(text=text, tags=["并发"])
        assert set(titles(results)) <= {"GIL"}

    def test_a_long_query_is_shortened_and_says_so(self):
        results = search(text="gil " + "x" * 10_000)
        assert len(results.text) == MAX_QUERY_LENGTH
        assert results.messages == ["Your query was shortened to its first 200 characters."]

    def test_syntax_characters_are_searched_for_literally(self):
        assert titles(search(text="gil*")) == ["GIL"]
        assert titles(search(text="NEAR")) == ["GIL"]
        assert titles(search(text="threading.Lock()")) == ["Threads"]

    def test_punctuation_alone_says_there_is_nothing_to_search(self):
        results = search(text="*()")
        assert not results.asked
        assert results.messages == ["“*()” has no letters or digits to search for."]

    @pytest.mark.parametrize(
        "tags", [["不存在"], ["x" * 10_000], ["a\x00b"], ["'; DROP TABLE notes_tag; --"], ["%"]]
    )
    def test_unknown_tags_give_a_message(self, client, tags):
        response = client.get(reverse("notes:search"), {"tag": tags})
        assert response.status_code == 200
        assert response.context["search"].messages
        assert response.context["results"] == []

    def test_many_tags_are_capped(self, client):
        response = client.get(reverse("notes:search"), {"tag": [f"t{i}" for i in range(50)]})
        assert response.status_code == 200
        assert "Only the first 10 tags were used." in response.context["search"].messages

    def test_blank_and_repeated_tags_are_ignored(self):
        assert titles(search(tags=["", "  ", "并发", "并发"])) == ["GIL"]

    @pytest.mark.parametrize("category", ["nope", "x" * 10_000, "a\x00b", "'; --", "%"])
    def test_unknown_categories_give_a_message(self, client, category):
        response = client.get(reverse("notes:search"), {"q": "gil", "category": category})
        assert response.status_code == 200
        assert response.context["search"].messages
        assert response.context["results"] == []


class TestResultSnippets:
    BODY = (
        "<p>闭包 keeps the variables of the function around it.</p>"
        '<div class="highlight"><pre><code><span class="k">def</span> make_multiplier(factor):\n'
        '    <span class="k">def</span> multiply(x):\n'
        "        return x * factor  # factor 来自外层函数\n"
        "    return multiply\n</code></pre></div>"
        "<p>Then call it: the inner function remembers factor.</p>"
    )

    def test_a_prose_snippet_holds_no_code(self):
        from notes.search.highlighting import result_snippet

        segments, is_code = result_snippet(self.BODY, ["function"])
        text = "".join(piece for piece, _ in segments)
        assert not is_code
        assert "def " not in text and "return" not in text
        assert "inner function remembers factor" in text

    def test_words_found_only_in_code_show_the_line_of_code_that_holds_them(self):
        from notes.search.highlighting import result_snippet

        segments, is_code = result_snippet(self.BODY, ["multiply"])
        assert is_code
        assert segments == [("def ", False), ("multiply", True), ("(x):", False)]

    def test_a_long_line_of_code_is_cut_around_its_match(self):
        from notes.search.highlighting import CODE_SNIPPET_LENGTH, result_snippet

        line = "x = [" + ", ".join(str(n) for n in range(200)) + "]  # needle"
        body = f"<p>Prose.</p><pre><code>{line}</code></pre>"
        segments, is_code = result_snippet(body, ["needle"])
        assert is_code
        assert ("needle", True) in segments
        assert len("".join(piece for piece, _ in segments)) <= CODE_SNIPPET_LENGTH + 20

    def test_words_found_nowhere_in_the_body_show_the_start_of_its_prose(self):
        from notes.search.highlighting import result_snippet

        segments, is_code = result_snippet(self.BODY, ["absent"])
        assert not is_code
        assert "".join(piece for piece, _ in segments).startswith("闭包 keeps")

    def test_a_heading_counts_as_prose_and_its_permalink_sign_is_left_out(self):
        from notes.search.highlighting import result_snippet

        body = '<h2 id="gc">Garbage collection<a class="headerlink" href="#gc">¶</a></h2><p>x</p>'
        segments, _ = result_snippet(body, ["garbage"])
        assert "".join(piece for piece, _ in segments) == "Garbage collection x"
