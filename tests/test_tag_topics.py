"""Tags and topics that go by the same name know each other."""

import pytest
from django.contrib.auth.models import AnonymousUser

from notes.models import Tag, TopicAlias
from notes.tag_topics import tags_for_topic, topic_for_tag, with_named_topic
from tests.factories import make_draft, make_note, make_topic, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def gc():
    memory = make_topic("Memory management", name_zh="内存管理")
    return make_topic(
        "Garbage collection", name_zh="垃圾回收", parent=memory, aliases=["GC", "垃圾收集"]
    )


def tag(name: str) -> Tag:
    return Tag.objects.get_or_create(name=name)[0]


@pytest.mark.parametrize(
    "name", ["Garbage collection", "garbage COLLECTION", "垃圾回收", "GC", "gc", "垃圾收集"]
)
def test_a_tag_named_as_a_topic_its_chinese_name_or_an_alias_names_it(gc, name):
    assert topic_for_tag(tag(name)) == gc
    assert with_named_topic(Tag.objects.filter(name=name)).get().names_topic is True


def test_a_tag_naming_no_topic_names_none_and_costs_no_query_once_annotated(
    gc, django_assert_num_queries
):
    tag("Closure")
    assert topic_for_tag(tag("Closure")) is None
    annotated = with_named_topic(Tag.objects.filter(name="Closure")).get()
    assert annotated.names_topic is False
    with django_assert_num_queries(0):
        assert topic_for_tag(annotated) is None


def test_a_tag_naming_a_topic_brings_its_place_on_the_map(gc):
    found = topic_for_tag(tag("垃圾回收"))
    assert [above.name for above in found.path] == ["Memory management"]


def test_a_topics_name_comes_ahead_of_another_topics_alias():
    lock = make_topic("Lock")
    mutex = make_topic("Mutex")
    # The admin refuses this alias (another topic's name); the database alone does not.
    TopicAlias.objects.create(topic=mutex, name="lock")
    assert topic_for_tag(tag("LOCK")) == lock


def test_tag_page_links_to_its_topic_under_its_place_on_the_map(client, gc):
    make_note(body="Reference cycles.", tags=["垃圾回收"])
    content = client.get(tag("垃圾回收").get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    html = content.content.decode()
    assert 'Topic: <a href="/topics/garbage-collection/">Garbage collection</a>' in html
    assert '<a href="/topics/memory-management/">Memory management</a>' in html


def test_tag_page_names_its_topic_in_chinese_for_a_chinese_reader(client, gc):
    make_note(body="Reference cycles.", tags=["gc"])
    html = client.get(tag("gc").get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert '<a href="/topics/garbage-collection/">垃圾回收</a>' in html.content.decode()


def test_tag_page_without_a_topic_shows_no_topic_line(client, gc):
    make_note(body="Cells.", tags=["closures"])
    response = client.get(tag("closures").get_absolute_url())
    assert response.context["topic"] is None
    assert "tag-topic" not in response.content.decode()


def test_a_topic_offers_the_tags_named_as_it_is(gc):
    make_note(tags=["garbage collection", "gc", "垃圾回收", "垃圾收集", "Python"])
    assert [str(found) for found in tags_for_topic(gc, AnonymousUser())] == [
        "garbage collection", "gc", "垃圾回收", "垃圾收集",
    ]  # fmt: skip


def test_tags_carried_only_by_drafts_are_offered_to_staff_alone(gc):
    make_note(tags=["GC"])
    make_draft(tags=["垃圾回收"])
    assert [str(found) for found in tags_for_topic(gc, AnonymousUser())] == ["GC"]
    assert [str(found) for found in tags_for_topic(gc, make_user())] == ["GC"]
    staff = tags_for_topic(gc, make_user(staff=True))
    assert [str(found) for found in staff] == ["GC", "垃圾回收"]


def test_tags_for_a_topic_take_one_query(gc, django_assert_num_queries):
    make_note(tags=["GC", "垃圾回收"])
    with django_assert_num_queries(1):
        tags_for_topic(gc, AnonymousUser())
