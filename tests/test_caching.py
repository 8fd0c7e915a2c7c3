"""Readers get cached pages; any change in the admin shows on them at once."""

import pytest
from django.test import Client
from django.urls import reverse

from notes.models import Note, TopicAlias
from tests.factories import make_note, make_topic
from tests.test_history import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return Client()


@pytest.fixture
def site():
    topic = make_topic("GIL", aliases=["全局解释器锁"])
    note = make_note("Old title", body="The GIL, once.", tags=["并发"])
    return {"topic": topic, "note": note}


def pages(site) -> list[str]:
    return [
        site["note"].get_absolute_url(),
        reverse("notes:tag-detail", args=["并发"]),
        site["topic"].get_absolute_url(),
        reverse("notes:home"),
    ]


def test_second_visit_is_served_from_the_cache(reader, site, django_assert_num_queries):
    url = site["note"].get_absolute_url()
    first = reader.get(url)
    with django_assert_num_queries(1):  # the content version, nothing else
        second = reader.get(url)
    assert second.content == first.content


def test_an_admin_edit_shows_at_once_on_note_tag_topic_and_home(reader, admin_client, site):
    for url in pages(site):
        assert "Old title" in reader.get(url).content.decode(), url
    note = site["note"]
    response = admin_client.post(
        reverse("admin:notes_note_change", args=[note.pk]),
        change_form_data(note, title="New title"),
    )
    assert response.status_code == 302
    for url in pages(site):
        content = reader.get(url).content.decode()
        assert "New title" in content, url
        assert "Old title" not in content, url


def test_publishing_a_note_updates_the_map_counts(reader, site):
    map_url = reverse("notes:map")
    assert "GIL, 1 note" in reader.get(map_url).content.decode()
    draft = make_note("Second", body="全局解释器锁", status=Note.Status.DRAFT)
    assert "GIL, 1 note" in reader.get(map_url).content.decode()
    draft.status = Note.Status.PUBLISHED
    draft.save()
    assert "GIL, 2 notes" in reader.get(map_url).content.decode()


def test_a_new_alias_relinks_cached_note_pages(reader, site, django_capture_on_commit_callbacks):
    note = make_note("Coroutines", body="协程很轻。")
    assert "/topics/coroutine/" not in reader.get(note.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic("Coroutine")
        TopicAlias.objects.create(topic=topic, name="协程")
    assert 'href="/topics/coroutine/"' in reader.get(note.get_absolute_url()).content.decode()


def test_staff_are_never_served_a_readers_cached_page(reader, admin_client, site):
    draft = make_note("Draft only", status=Note.Status.DRAFT, tags=["并发"])
    tag_url = reverse("notes:tag-detail", args=["并发"])
    assert "Draft only" not in reader.get(tag_url).content.decode()
    assert "Draft only" in admin_client.get(tag_url).content.decode()
    assert draft.get_absolute_url()


def test_pages_are_cached_per_language(reader, site):
    url = reverse("notes:home")
    assert "Recent notes" in reader.get(url).content.decode()
    reader.get(reverse("notes:switch-language"), {"language": "zh-hans", "next": url})
    assert "最近的笔记" in reader.get(url).content.decode()


@pytest.mark.parametrize("url", ["/map.opml", "/map.json", "/feeds/atom/", "/sitemap.xml"])
def test_pages_cached_for_one_host_and_scheme_are_not_served_to_another(
    reader, site, settings, url
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    other = reader.get(url, HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https")
    assert "https://localhost/" in other.content.decode()
    plain = reader.get(url).content.decode()
    assert "https://localhost/" not in plain
    assert "http://testserver/" in plain


HEADERS = [
    "Content-Security-Policy",
    "Content-Language",
    "Vary",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Content-Type",
]


@pytest.mark.parametrize("url", ["/", "/map/", "/feeds/atom/", "/tags/并发/"])
def test_a_cached_page_keeps_every_header_of_the_fresh_one(reader, site, url):
    fresh = reader.get(url)
    cached = reader.get(url)
    assert cached.content == fresh.content
    for header in HEADERS:
        assert cached.get(header) == fresh.get(header), header
    assert fresh.get("Content-Security-Policy")
    assert "Accept-Language" in fresh["Vary"] and "Cookie" in fresh["Vary"]


def test_a_cache_hit_runs_nothing_but_the_version_query(reader, site, django_assert_num_queries,
                                                        monkeypatch):  # fmt: skip
    from django.contrib.auth.middleware import AuthenticationMiddleware

    url = site["note"].get_absolute_url()
    reader.get(url)

    def must_not_run(self, request):
        raise AssertionError("the rest of the middleware ran for a cached page")

    monkeypatch.setattr(AuthenticationMiddleware, "process_request", must_not_run)
    with django_assert_num_queries(1):
        assert reader.get(url).status_code == 200


def test_requests_with_a_session_always_take_the_whole_way(reader, admin_client, site):
    url = site["note"].get_absolute_url()
    reader.get(url)  # cached for readers now
    page = admin_client.get(url).content.decode()
    assert reverse("admin:notes_note_change", args=[site["note"].pk]) in page  # the edit link


def test_the_cached_page_follows_the_language_cookie_and_accept_language(reader, site):
    url = reverse("notes:home")
    assert "Recent notes" in reader.get(url).content.decode()
    chinese = reader.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert "最近的笔记" in chinese.content.decode()
    assert chinese["Content-Language"] == "zh-hans"
    assert "Recent notes" in reader.get(url).content.decode()


def test_a_search_page_is_cached_for_readers_until_anything_changes(
    reader, site, django_assert_num_queries
):
    from notes.search import update_index

    update_index()
    url = reverse("notes:search") + "?q=once"
    first = reader.get(url)
    assert "Old title" in first.content.decode()  # "The GIL, once."
    with django_assert_num_queries(1):
        assert reader.get(url).content == first.content
    make_note("Another GIL note", body="The GIL, once more.")
    update_index()
    assert "Another GIL note" in reader.get(url).content.decode()
