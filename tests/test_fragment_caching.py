"""Parts of pages kept in the cache under a key of everything they show (the note
page's content, the topic page's content, the map, the home page's sidebar) outlive
the page cache: a change anywhere retires the pages, and each part must then show
whatever changed in it, and nothing made for another reader."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notes.models import Tag, Topic
from tests.factories import make_draft, make_note, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return Client()


def text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_note_page_shows_a_renamed_neighbour(reader):
    now = timezone.now()
    older = make_note("Older", created=now - timedelta(days=1))
    note = make_note("Middle", created=now)
    assert "Older" in text(reader, note.get_absolute_url())
    older.title = "Renamed neighbour"
    older.save()
    content = text(reader, note.get_absolute_url())
    assert "Renamed neighbour" in content
    assert ">Older<" not in content


def test_note_page_shows_a_renamed_tag_and_a_new_backlink(reader):
    note = make_note("Closures", body="A closure.", tags=["函数"])
    assert "#函数" in text(reader, note.get_absolute_url())
    tag = Tag.objects.get(name="函数")
    tag.name = "函数式"
    tag.save()
    make_note("Decorators", body="Built on [[Closures]].")
    content = text(reader, note.get_absolute_url())
    assert "#函数式" in content
    assert "Decorators" in content.split('id="backlinks-heading"', 1)[1]


def test_note_page_shows_a_renamed_topic_in_its_chips(reader):
    topic = make_topic("GIL", aliases=["全局解释器锁"])
    note = make_note("Threads", body="The GIL again.")
    assert ">GIL</a>" in text(reader, note.get_absolute_url())
    Topic.objects.filter(pk=topic.pk).update(name="Global lock")
    content = text(reader, make_note("Other").get_absolute_url())  # retires the pages
    content = text(reader, note.get_absolute_url())
    assert ">Global lock</a>" in content


def test_staff_content_never_reaches_readers_nor_the_other_way(reader, admin_client):
    note = make_note("Shared", body="See [[A draft]].")
    draft = make_draft("A draft")
    staff_page = text(admin_client, note.get_absolute_url())
    assert reverse("admin:notes_note_change", args=[note.pk]) in staff_page
    assert f'href="{draft.get_absolute_url()}"' in staff_page
    reader_page = text(reader, note.get_absolute_url())
    assert reverse("admin:notes_note_change", args=[note.pk]) not in reader_page
    assert draft.get_absolute_url() not in reader_page
    assert reverse("admin:notes_note_change", args=[note.pk]) in text(
        admin_client, note.get_absolute_url()
    )


def test_topic_page_shows_a_new_mention_and_its_new_count(reader):
    topic = make_topic("Closure", aliases=["闭包"])
    make_note("First", body="闭包。")
    assert "1 note mentions Closure" in text(reader, topic.get_absolute_url())
    make_note("Second", body="Another closure, 闭包 again.")
    content = text(reader, topic.get_absolute_url())
    assert "2 notes mention Closure" in content
    assert "Second" in content


def test_topic_page_drops_a_note_that_became_a_draft(reader):
    topic = make_topic("Closure", aliases=["闭包"])
    note = make_note("Soon hidden", body="闭包。")
    assert "Soon hidden" in text(reader, topic.get_absolute_url())
    note.status = note.Status.DRAFT
    note.save()
    assert "Soon hidden" not in text(reader, topic.get_absolute_url())


def test_map_shows_a_renamed_topic_and_new_counts(reader):
    topic = make_topic("Hashing", aliases=["哈希"])
    assert "Hashing" in text(reader, reverse("notes:map"))
    topic.name = "Hash tables"
    topic.save()
    make_note("Dicts", body="哈希表。")
    content = text(reader, reverse("notes:map"))
    assert "Hash tables" in content
    assert ">Hashing<" not in content


def test_home_sidebar_shows_a_new_tag_and_category_counts(reader):
    make_note("One", tags=["旧标签"])
    assert "旧标签" in text(reader, reverse("notes:home"))
    make_note("Two", tags=["新标签"])
    assert "新标签" in text(reader, reverse("notes:home"))


def test_home_sidebar_is_cached_per_language(reader):
    make_note("One", tags=["Python"])
    english = text(reader, reverse("notes:home"))
    chinese = reader.get(reverse("notes:home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<h2 id="categories-heading">Categories</h2>' in english
    assert '<h2 id="categories-heading">分类</h2>' in chinese
