"""Topics in the reader's language: Chinese names and summaries where the interface is
Chinese, the English ones elsewhere, on every page that names a topic."""

import pytest
from django.urls import reverse

from .factories import make_note, make_topic

pytestmark = pytest.mark.django_db

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}


@pytest.fixture
def gc():
    memory = make_topic("Memory management", name_zh="内存管理")
    return make_topic(
        "Garbage collection", name_zh="垃圾回收", parent=memory, aliases=["GC"],
        summary="Frees objects nothing uses.", summary_zh="释放不再被使用的对象。",
    )  # fmt: skip


def test_a_search_card_names_the_topic_in_chinese_with_its_english_name_among_the_others(
    client, gc
):
    make_note("回收", body="垃圾回收的细节。")
    page = client.get(reverse("notes:search"), {"q": "垃圾回收"}, **CHINESE).content.decode()
    assert '<a href="/topics/garbage-collection/">垃圾回收</a></h2>' in page
    assert '<a href="/topics/memory-management/">内存管理</a></nav>' in page
    assert "释放不再被使用的对象。" in page
    assert '<span class="alias">Garbage collection</span>' in page
    assert '<span class="alias">垃圾回收</span>' not in page


def test_a_search_card_in_english_keeps_the_english_name_and_lists_the_chinese_one(client, gc):
    make_note("GC notes", body="The garbage collection of CPython.")
    page = client.get(reverse("notes:search"), {"q": "garbage collection"}).content.decode()
    assert '<a href="/topics/garbage-collection/">Garbage collection</a></h2>' in page
    assert "Frees objects nothing uses." in page
    assert '<span class="alias">垃圾回收</span>' in page


def test_a_notes_topic_chips_follow_the_interface_language(client, gc):
    note = make_note("回收", body="垃圾回收的细节。")
    url = note.get_absolute_url()
    assert '<a class="topic-chip" href="/topics/garbage-collection/">垃圾回收</a>' in (
        client.get(url, **CHINESE).content.decode()
    )
    assert '<a class="topic-chip" href="/topics/garbage-collection/">Garbage collection</a>' in (
        client.get(url).content.decode()
    )
