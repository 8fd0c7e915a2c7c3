"""The header, head links and footer are rendered once per language and kind of user,
then reused: what differs between pages (the language switch's return address) and
between users (the admin link) must still be right on every page."""

import pytest
from django.urls import reverse

from tests.factories import make_note

pytestmark = pytest.mark.django_db


def language_links(content: str) -> list[str]:
    switch = content.split('<nav class="lang-switch"', 1)[1].split("</nav>", 1)[0]
    return [part.split('"', 1)[0] for part in switch.split('href="')[1:]]


def test_language_switch_returns_to_the_page_it_was_clicked_on(client):
    note = make_note("Closures")
    client.get(reverse("notes:home"))  # the header is now stored with another address
    links = language_links(client.get(note.get_absolute_url()).content.decode())
    assert len(links) == 2
    assert all(link.endswith("next=" + note.get_absolute_url()) for link in links)


def test_language_switch_address_is_quoted_and_escaped(client):
    response = client.get(reverse("notes:search"), {"q": '"><script>x</script>', "tag": "a&b"})
    content = response.content.decode()
    (link, _) = language_links(content)
    assert "<script>x" not in content.split("<main", 1)[0]
    # The address as the browser sent it, quoted once more to travel in ?next=.
    quoted = "/search/%3Fq%3D%2522%253E%253Cscript%253Ex%253C%252Fscript%253E%26tag%3Da%2526b"
    assert link.endswith("&amp;next=" + quoted)


def test_header_is_in_the_reader_language(client):
    english = client.get(reverse("notes:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(reverse("notes:home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert ">Categories</a>" in english and ">分类</a>" not in english
    assert ">分类</a>" in chinese and ">Categories</a>" not in chinese
    assert 'aria-current="true" class="current">中文' in chinese


def test_admin_link_only_for_staff_whatever_was_rendered_first(client, staff_client):
    admin_link = f'<a href="{reverse("admin:index")}">'
    assert admin_link in staff_client.get(reverse("notes:note-list")).content.decode()
    assert admin_link not in client.get(reverse("notes:note-list")).content.decode()
    assert admin_link in staff_client.get(reverse("notes:tag-list")).content.decode()


def test_static_names_follow_a_changed_setting(client, settings):
    client.get(reverse("notes:tag-list"))
    settings.STATIC_URL = "/elsewhere/"
    assert 'href="/elsewhere/css/site.css"' in client.get(reverse("notes:home")).content.decode()
