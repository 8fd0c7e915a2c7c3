"""The search page, the search box on every page and the tag suggestions endpoint."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notes.search import SearchPaginator, update_index
from tests.factories import make_category, make_draft, make_note, make_topic

SEARCH = reverse("notes:search")


@pytest.fixture(autouse=True)
def search_pages_rendered_each_time(settings):
    """These tests read each response's context and count its queries: pages are kept
    for no time here (test_caching checks that search pages are cached)."""
    settings.PAGE_CACHE_SECONDS = 0


SUGGEST = reverse("notes:tag-autocomplete")


@pytest.mark.django_db
class TestSearchPage:
    def test_results_show_title_category_tags_and_the_marked_passage(self, client):
        category = make_category("内存管理")
        make_note(
            "CPython 的垃圾回收",
            body="开头。" * 80 + "分代回收之外，CPython 主要靠引用计数。",
            category=category,
            tags=["gc", "内存"],
        )
        response = client.get(SEARCH, {"q": "引用计数"})
        assert response.status_code == 200
        content = response.content.decode()
        assert "1 note found" in content
        assert "CPython 的垃圾回收" in content
        assert "内存管理" in content
        assert 'href="/tags/gc/"' in content
        assert "主要靠<mark>引用计数</mark>" in content

    def test_title_matches_are_marked(self, client):
        make_note("Closures in Python", body="Free variables.")
        content = client.get(SEARCH, {"q": "closure"}).content.decode()
        assert "<mark>Closure</mark>s in Python" in content

    def test_note_text_is_escaped_around_the_marks(self, client):
        make_note("<b>Bold</b> script", body="Never trust `<script>alert(1)</script>` text.")
        content = client.get(SEARCH, {"q": "script"}).content.decode()
        assert "<script>alert" not in content
        assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" in content
        assert "&lt;b&gt;Bold&lt;/b&gt; <mark>script</mark>" in content

    def test_the_query_is_escaped_where_it_is_shown(self, client):
        content = client.get(SEARCH, {"q": '"><script>alert(1)</script>'}).content.decode()
        assert "<script>alert(1)" not in content
        assert "&lt;script&gt;" in content

    def test_empty_search_shows_the_form_and_a_hint(self, client):
        make_note("A note")
        response = client.get(SEARCH)
        content = response.content.decode()
        assert response.status_code == 200
        assert 'id="search-q"' in content
        assert "Type words to look for" in content
        assert "found" not in content

    def test_no_match_says_so(self, client):
        make_note("A note")
        content = client.get(SEARCH, {"q": "nothing like this"}).content.decode()
        assert "No notes found" in content
        assert "0 notes" not in content  # said in words, not as a count of nothing
        assert "Try fewer words, other tags or another category." in content

    def test_messages_are_shown(self, client):
        content = client.get(SEARCH, {"q": "gil", "tag": "不存在"}).content.decode()
        assert "No tag named “不存在”." in content

    def test_the_form_keeps_what_was_asked(self, client):
        category = make_category("并发编程")
        make_note("协程", category=category, tags=["并发", "asyncio"])
        asked = {"q": "协程", "tag": ["并发", "asyncio"], "category": "并发编程"}
        response = client.get(SEARCH, asked)
        content = response.content.decode()
        assert 'value="协程"' in content
        assert '<input type="hidden" name="tag" value="并发">' in content
        assert f'<option value="{category.slug}" selected>' in content
        assert [note.title for note in response.context["results"]] == ["协程"]

    def test_each_tag_can_be_removed(self, client):
        make_note("协程", tags=["并发", "asyncio"])
        response = client.get(SEARCH, {"q": "协程", "tag": ["并发", "asyncio"], "page": "1"})
        links = dict(response.context["tag_filters"])
        assert links["并发"] == "?q=%E5%8D%8F%E7%A8%8B&tag=asyncio"
        assert links["asyncio"] == "?q=%E5%8D%8F%E7%A8%8B&tag=%E5%B9%B6%E5%8F%91"

    def test_pages_keep_the_query(self, client):
        for index in range(25):
            make_note(f"Descriptor {index}", tags=["oop"])
        first = client.get(SEARCH, {"q": "descriptor", "tag": "oop"})
        assert len(first.context["results"]) == 20
        assert 'href="?q=descriptor&amp;tag=oop&amp;page=2"' in first.content.decode()
        second = client.get(SEARCH, {"q": "descriptor", "tag": "oop", "page": "2"})
        assert len(second.context["results"]) == 5
        assert 'href="?q=descriptor&amp;tag=oop&amp;page=1"' in second.content.decode()

    def test_large_tag_results_are_counted_up_to_a_limit(self, client, monkeypatch):
        monkeypatch.setattr(SearchPaginator, "limit", 3)
        for index in range(5):
            make_note(f"Note {index}", tags=["oop"])
        response = client.get(SEARCH, {"tag": "oop"})
        assert "More than 3 notes found" in response.content.decode()
        assert len(response.context["results"]) == 4

    def test_one_tag_alone_is_counted_from_its_stored_count(self, client, staff_client):
        for index in range(3):
            make_note(f"Note {index}", tags=["oop"])
        make_draft("Draft", tags=["oop"])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(SEARCH, {"tag": "oop"})
        assert "3 notes found" in response.content.decode()
        assert not [q for q in queries.captured_queries if "COUNT(*)" in q["sql"]]
        assert "4 notes found" in staff_client.get(SEARCH, {"tag": "oop"}).content.decode()

    def test_a_tag_with_another_tag_or_a_category_is_counted_by_query(self, client):
        category = make_category("Patterns")
        make_note("In it", tags=["oop", "python"], category=category)
        make_note("Elsewhere", tags=["oop"])
        for params in ({"tag": ["oop", "python"]}, {"tag": "oop", "category": "patterns"}):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(SEARCH, params)
            assert "1 note found" in response.content.decode()
            assert [q for q in queries.captured_queries if "COUNT(*)" in q["sql"]]

    def test_large_text_results_rank_the_newest_matches_up_to_a_limit(self, client, monkeypatch):
        monkeypatch.setattr(SearchPaginator, "limit", 3)
        notes = [make_note(f"Note {index}", body="generators everywhere") for index in range(5)]
        notes.append(make_note("Generators", body="the best match, and the newest"))
        for bm25_limit in (200, 2):
            # Past BM25_LIMIT matches (SQLite), title and tag matches first, then newest.
            monkeypatch.setattr("notes.search.fts5.BM25_LIMIT", bm25_limit)
            response = client.get(SEARCH, {"q": "generators"})
            assert "More than 3 notes found" in response.content.decode()
            # The four newest matches, best first; the two oldest were not ranked.
            results = [note.title for note in response.context["results"]]
            assert results == ["Generators", "Note 4", "Note 3", "Note 2"]
        monkeypatch.setattr(SearchPaginator, "limit", 10)
        assert "6 notes found" in client.get(SEARCH, {"q": "generators"}).content.decode()

    def test_a_page_past_the_end_is_not_found(self, client):
        make_note("Descriptor")
        assert client.get(SEARCH, {"q": "descriptor", "page": "9"}).status_code == 404

    def test_readers_never_see_drafts_and_staff_do(self, client, reader_client, staff_client):
        make_draft("Secret descriptor")
        for reader in (client, reader_client):
            content = reader.get(SEARCH, {"q": "descriptor"}).content.decode()
            assert "Secret descriptor" not in content
        content = staff_client.get(SEARCH, {"q": "descriptor"}).content.decode()
        assert "Secret <mark>descriptor</mark>" in content
        assert "badge-draft" in content

    def test_chinese_interface(self, client):
        make_note("协程")
        response = client.get(SEARCH, {"q": "协程"}, HTTP_ACCEPT_LANGUAGE="zh-CN")
        assert response.status_code == 200


@pytest.mark.django_db
class TestSearchBoxAndLinks:
    @pytest.mark.parametrize(
        "url",
        [
            "/",
            "/notes/",
            "/notes/closures/",
            "/categories/",
            "/categories/memory/",
            "/tags/",
            "/tags/python/",
            "/topics/gil/",
            "/map/",
            "/search/",
            "/search/?q=gil",
        ],
    )
    def test_every_page_has_the_search_box(self, client, url):
        make_topic("GIL")
        make_note("Closures", category=make_category("Memory"), tags=["Python"])
        response = client.get(url)
        assert response.status_code == 200
        content = response.content.decode()
        assert (
            '<form class="site-search" action="/search/" method="get" role="search" '
            'aria-label="Search the notes">'
        ) in content
        assert '<label class="visually-hidden" for="site-search-q">' in content

    def test_the_not_found_page_has_the_search_box(self, client):
        response = client.get("/nowhere/")
        assert response.status_code == 404
        assert 'class="site-search"' in response.content.decode()

    def test_tag_page_links_to_the_search_within_the_tag(self, client):
        make_note("协程入门", tags=["并发"])
        content = client.get(reverse("notes:tag-detail", args=["并发"])).content.decode()
        assert 'href="/search/?tag=%E5%B9%B6%E5%8F%91"' in content
        response = client.get("/search/?tag=%E5%B9%B6%E5%8F%91")
        assert [note.title for note in response.context["results"]] == ["协程入门"]


@pytest.mark.django_db
class TestTagSuggestions:
    def test_tags_starting_with_the_text_come_first(self, client):
        make_note(tags=["并发", "高并发", "并行", "协程"])
        response = client.get(SUGGEST, {"q": "并"})
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"tags": ["并发", "并行", "高并发"]}

    def test_case_insensitive_and_at_most_ten(self, client):
        make_note(tags=[f"Python{index:02}" for index in range(15)])
        names = client.get(SUGGEST, {"q": "python"}).json()["tags"]
        assert names == [f"Python{index:02}" for index in range(10)]

    def test_empty_text_lists_tags_alphabetically(self, client):
        make_note(tags=["b", "a", "c"])
        assert client.get(SUGGEST).json() == {"tags": ["a", "b", "c"]}

    def test_tags_only_drafts_carry_are_suggested_to_staff_only(self, client, staff_client):
        make_draft(tags=["secret-tag"])
        make_note(tags=["public-tag"])
        assert client.get(SUGGEST, {"q": "tag"}).json() == {"tags": ["public-tag"]}
        assert staff_client.get(SUGGEST, {"q": "tag"}).json() == {
            "tags": ["public-tag", "secret-tag"]
        }

    @pytest.mark.parametrize("text", ["x" * 10_000, "\x00", "%", "_", "'; --", '"'])
    def test_bad_input_gives_an_answer(self, client, text):
        make_note(tags=["a_b"])
        response = client.get(SUGGEST, {"q": text})
        assert response.status_code == 200
        assert response.json()["tags"] in ([], ["a_b"])


@pytest.mark.django_db
class TestTopicCards:
    def build(self):
        python = make_topic("Memory management", aliases=["内存管理"])
        gc = make_topic(
            "Garbage collection",
            parent=python,
            aliases=["GC", "垃圾回收"],
            summary="Freeing objects nothing uses any more.",
        )
        make_note("CPython 的垃圾回收机制", body="CPython 的垃圾回收靠引用计数。")
        make_draft("GC 草稿", body="垃圾回收的草稿。")
        return gc

    def test_a_topic_answers_first_with_its_place_and_count(self, client):
        gc = self.build()
        content = client.get(SEARCH, {"q": "garbage collection"}).content.decode()
        card = content[content.index('class="topic-card"') : content.index("results-heading")]
        assert f'href="{gc.get_absolute_url()}">Garbage collection</a>' in card
        assert '<span class="alias">GC</span>, <span class="alias">垃圾回收</span>' in card
        assert "Freeing objects nothing uses any more." in card
        assert ">Memory management</a>" in card
        # Readers count the published notes only.
        assert "1 note mentions it" in card
        assert "<mark>垃圾回收</mark>" in content

    def test_staff_count_drafts_too(self, staff_client):
        self.build()
        content = staff_client.get(SEARCH, {"q": "垃圾回收"}).content.decode()
        assert "2 notes mention it" in content
        assert "<mark>GC</mark> 草稿" in content

    def test_readers_never_see_drafts_in_results(self, client):
        self.build()
        content = client.get(SEARCH, {"q": "gc"}).content.decode()
        assert "GC 草稿" not in content
        assert "1 note found" in content

    def test_several_topics_give_several_cards_in_query_order(self, client):
        self.build()
        make_topic("Deadlock", aliases=["死锁"])
        response = client.get(SEARCH, {"q": "死锁 gc"})
        assert [topic.name for topic in response.context["topic_cards"]] == [
            "Deadlock",
            "Garbage collection",
        ]

    def test_quotes_turn_the_topic_off(self, client):
        self.build()
        response = client.get(SEARCH, {"q": '"garbage collection"'})
        assert response.context["topic_cards"] == []
        assert "No notes found" in response.content.decode()

    def test_no_topic_no_card(self, client):
        self.build()
        assert 'class="topic-card"' not in client.get(SEARCH, {"q": "引用"}).content.decode()

    def test_topic_text_is_escaped(self, client):
        make_topic("x<y", aliases=["a&b<script>c"])
        content = client.get(SEARCH, {"q": "X<Y"}).content.decode()
        assert ">x&lt;y</a>" in content
        assert '<span class="alias">a&amp;b&lt;script&gt;c</span>' in content

    def test_chinese_interface(self, client):
        self.build()
        content = client.get(
            SEARCH, {"q": "garbage collection"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
        assert "1 篇笔记提到它" in content
        assert "主题" in content


@pytest.mark.django_db
class TestQueryCount:
    """The search page runs the same queries whether it finds one note or a page full."""

    def build(self, count: int) -> None:
        category = make_category(f"Category {count}")
        for index in range(count):
            make_note(
                f"Descriptor {count}-{index}",
                body="The descriptor protocol, 描述符协议。",
                category=category,
                tags=["oop", "python"],
            )

    def count_queries(self, client, params) -> int:
        # The notes just made wait for the commit to be indexed: index them now, so that
        # the page's own queries are counted alone.
        update_index()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(SEARCH, params)
        assert response.status_code == 200
        return len(queries)

    @pytest.mark.parametrize(
        "params",
        [
            {"q": "descriptor"},
            {"q": "描述符 协议"},
            {"q": "描述"},
            {"tag": "oop"},
            {"q": "protocol", "tag": ["oop", "python"]},
            {"q": "descriptors"},
            {"q": "描述符协议 python"},
        ],
        ids=[
            "english",
            "chinese",
            "short chinese",
            "tag",
            "words and tags",
            "topic",
            "topic alias and a word",
        ],
    )
    def test_one_result_or_twenty_five_take_the_same_queries(self, client, params):
        make_topic("Descriptors", aliases=["描述符协议", "描述符", "descriptor protocol"])
        self.build(1)
        one = self.count_queries(client, params)
        assert len(client.get(SEARCH, params).context["results"]) == 1
        self.build(25)
        for index in range(30):
            make_topic(f"Topic {index}", aliases=[f"别名 {index}"])
        many = self.count_queries(client, params)
        assert len(client.get(SEARCH, params).context["results"]) == 20
        assert one == many
        # Categories for the form, whether topics changed (two, for the topic matcher),
        # the search (two queries on SQLite, where the ranking comes first), tags for
        # the page, and bodies for the highlighted passages; for a topic, two more for
        # the ranking on SQLite and two for its card (the tree, and its aliases); and the
        # content version, which the page cache reads first.
        assert many <= 14

    def test_a_category_search_takes_a_fixed_number_of_queries(
        self, client, django_assert_num_queries
    ):
        self.build(1)
        self.build(25)
        update_index()
        # 6, whether the reader may see the category, and the page cache's content version.
        with django_assert_num_queries(8):
            response = client.get(SEARCH, {"category": "category-25"})
        assert len(response.context["results"]) == 20


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reader_searches_from_the_header_and_narrows_by_a_suggested_tag(live_server, page):
    make_note("协程与 asyncio", body="async def 定义协程函数。", tags=["并发", "asyncio"])
    make_note("线程", body="线程和协程的区别。", tags=["并发"])
    make_note("闭包", body="自由变量。", tags=["函数"])
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    page.goto(live_server.url + "/")
    page.get_by_role("searchbox", name="Search notes").fill("协程")
    page.get_by_role("searchbox", name="Search notes").press("Enter")
    page.wait_for_load_state()
    results = page.locator(".search-result")
    assert results.count() == 2
    assert page.locator(".search-result mark").first.inner_text() == "协程"

    tag_field = page.locator("#search-tag")
    tag_field.fill("asy")
    page.locator("#tag-suggestions option[value='asyncio']").wait_for(state="attached")
    # Picking from the browser's own suggestion list is outside the page: type it out.
    tag_field.fill("asyncio")
    tag_field.press("Enter")
    page.wait_for_load_state()
    assert page.locator(".search-result h3").all_inner_texts() == ["协程与 asyncio"]
    assert page.locator(".active-tags .tag").all_inner_texts() == ["#asyncio"]

    page.get_by_role("link", name="Remove the tag asyncio").click()
    page.wait_for_load_state()
    assert page.locator(".search-result").count() == 2
    assert violations == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_english_search_shows_the_topic_card_and_the_chinese_note(live_server, page):
    make_topic("Garbage collection", aliases=["GC", "垃圾回收"], summary="Freeing objects.")
    make_note("CPython 的垃圾回收机制", body="CPython 的垃圾回收靠引用计数。")
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    # The browser asks for /favicon.ico on its own; anything else failing counts.
    page.on(
        "response",
        lambda response: (
            problems.append(response.url)
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )

    page.goto(live_server.url + "/")
    page.get_by_role("searchbox", name="Search notes").fill("garbage collection")
    page.get_by_role("searchbox", name="Search notes").press("Enter")
    page.wait_for_load_state()
    card = page.locator(".topic-card")
    assert card.locator("h2").inner_text() == "Topic Garbage collection"
    assert card.get_by_role("link", name="1 note mentions it").is_visible()
    assert page.locator(".search-result h3").all_inner_texts() == ["CPython 的垃圾回收机制"]
    assert page.locator(".search-result h3 mark").inner_text() == "垃圾回收"
    assert problems == []


@pytest.mark.django_db(transaction=True)
class TestSeedSnippets:
    @pytest.fixture
    def imported(self, seeds):
        from io import StringIO

        from django.core.management import call_command

        call_command(
            "import_notes",
            str(seeds),
            "--status",
            "published",
            stdout=StringIO(),
            stderr=StringIO(),
        )

    def test_a_word_found_only_in_code_shows_its_line_of_code(self, client, imported):
        # Seed 004 calls os.getpid() only in its example program.
        content = client.get(SEARCH, {"q": "getpid"}).content.decode()
        snippet = content[content.index('<p class="search-snippet search-snippet-code">') :]
        code = snippet[: snippet.index("</code>")]
        assert "<mark>getpid</mark>" in code
        assert "print(" in code

    def test_prose_snippets_of_the_seeds_hold_no_code(self, client, imported):
        for word in ("进程", "Python", "闭包", "GIL"):
            content = client.get(SEARCH, {"q": word}).content.decode()
            for passage in content.split('<p class="search-snippet">')[1:]:
                text = passage[: passage.index("</p>")]
                for code in ("print(", "import os", "def make", "return ", "os.fork"):
                    assert code not in text, (word, code, text)
