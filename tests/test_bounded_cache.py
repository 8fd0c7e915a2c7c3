"""The page cache holds a bounded number of bytes, and junk in an address adds nothing."""

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from notes.bounded_cache import BoundedMemoryCache
from notes.caching import kept_query
from tests.factories import make_note

pytestmark = pytest.mark.django_db


def small_cache(max_bytes: int, name: str) -> BoundedMemoryCache:
    store = BoundedMemoryCache(name, {"OPTIONS": {"MAX_BYTES": max_bytes}})
    store.clear()
    return store


def test_the_cache_never_holds_more_bytes_than_its_bound():
    store = small_cache(100_000, "bounded-total")
    for number in range(200):
        store.set(f"page-{number}", "x" * 5_000)
        assert store.size <= 100_000
    assert 0 < len(store) < 200
    assert store.get("page-199") == "x" * 5_000  # the newest are the ones kept
    assert store.get("page-0") is None


def test_a_value_larger_than_an_eighth_of_the_cache_is_not_kept():
    store = small_cache(80_000, "bounded-large")
    store.set("small", "x" * 1_000)
    store.set("large", "x" * 20_000)
    assert store.get("large") is None
    assert store.get("small") == "x" * 1_000


def test_reading_an_entry_keeps_it_longer_than_unread_ones():
    store = small_cache(64_000, "bounded-lru")
    for number in range(8):
        store.set(f"page-{number}", "x" * 7_000)
    store.get("page-0")
    for number in range(8, 11):
        store.set(f"page-{number}", "x" * 7_000)
    assert store.get("page-0") is not None
    assert store.get("page-1") is None


def test_the_cache_keeps_djangos_semantics_for_add_incr_touch_and_expiry():
    store = small_cache(10_000, "bounded-api")
    assert store.add("n", 1)
    assert not store.add("n", 5)
    assert store.incr("n", 2) == 3
    assert store.touch("n", 100)
    assert store.delete("n")
    assert not store.has_key("n")
    store.set("gone", 1, timeout=0)
    assert store.get("gone", "default") == "default"
    with pytest.raises(ValueError):
        store.incr("missing")


def test_query_parameters_a_page_does_not_read_share_its_cache_entry():
    note = make_note("Big", body="word " * 20_000)
    url = note.get_absolute_url()
    reader = Client()
    first = reader.get(url).content
    entries = len(caches["default"])
    for number in range(40):
        response = reader.get(f"{url}?junk={number}&utm_source=x{number}")
        assert response.content == first
    assert len(caches["default"]) == entries


def test_junk_parameters_never_reach_a_cached_page_or_its_links():
    note = make_note("Threads", body="Text.")
    page = Client().get(f"{note.get_absolute_url()}?junk=%22evil%22").content.decode()
    assert "junk" not in page
    assert "evil" not in page


def test_a_search_is_one_entry_whatever_the_order_of_its_parameters():
    make_note("Threads", body="Text.", tags=["并发"])
    reader = Client()
    search = reverse("notes:search")
    reader.get(search)  # the first search of a database may take its statistics
    first = reader.get(f"{search}?q=text&tag=并发&junk=1").content
    entries = len(caches["default"])
    assert reader.get(f"{search}?tag=并发&q=text").content == first
    assert reader.get(f"{search}?junk=2&tag=并发&q=text&page=").content == first
    assert len(caches["default"]) == entries


def test_kept_query_keeps_the_named_parameters_in_a_fixed_order():
    from django.http import QueryDict

    query = QueryDict("z=1&tag=b&junk=x&q=w&tag=a")
    assert kept_query(query, ("q", "tag")).urlencode() == "q=w&tag=b&tag=a"


@override_settings(PAGE_CACHE_MAX_PAGE_BYTES=10_000)
def test_a_page_larger_than_the_limit_is_served_but_not_kept():
    note = make_note("Big", body="word " * 5_000)
    reader = Client()
    assert reader.get(note.get_absolute_url()).status_code == 200
    assert not [key for key in caches["default"].stored_keys() if ":page:" in key]
