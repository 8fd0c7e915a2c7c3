import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from notes.models import Category, Note, Tag
from tests.factories import make_category, make_draft, make_note, make_topic

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def rss_titles(response) -> list[str]:
    return [item.find("title").text for item in ET.fromstring(response.content).iter("item")]


def test_rss_feed_lists_published_notes_newest_first(client):
    make_note("First")
    make_note("Second")
    response = client.get(reverse("feed-rss"))
    assert response.status_code == 200
    assert rss_titles(response) == ["Second", "First"]


def test_atom_feed_parses_and_has_entries(client):
    make_note("协程笔记", body="关于协程。")
    feed = ET.fromstring(client.get(reverse("feed-atom")).content)
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == ["协程笔记"]
    assert entries[0].find(f"{ATOM}summary").text == "关于协程。"


def test_feeds_never_list_drafts_even_for_staff(admin_client):
    make_draft("Secret")
    make_note("Public")
    assert rss_titles(admin_client.get(reverse("feed-rss"))) == ["Public"]


def test_feed_descriptions_are_plain_text_even_for_hostile_notes(client):
    make_note("<script>x</script>", body="<img src=x onerror=alert(1)> text")
    content = client.get(reverse("feed-rss")).content.decode()
    assert "<script>" not in content
    assert "onerror" not in content


def test_tag_feed_lists_that_tags_notes(client):
    make_note("Tagged", tags=["并发"])
    make_note("Other")
    response = client.get(reverse("feed-tag-rss", args=["并发"]))
    assert rss_titles(response) == ["Tagged"]


def test_tag_feed_of_a_draft_only_tag_is_404(client):
    make_draft(tags=["secret"])
    assert client.get(reverse("feed-tag-atom", args=["secret"])).status_code == 404


def test_category_feed_includes_subcategories(client):
    parent = make_category("编程")
    child = make_category("并发编程", parent=parent)
    make_note("In child", category=child)
    make_note("Elsewhere")
    response = client.get(reverse("feed-category-rss", args=[parent.slug]))
    assert rss_titles(response) == ["In child"]


def test_sitemap_lists_published_notes_topics_and_tags_but_no_drafts(client):
    public = make_note("Public", tags=["public-tag"])
    draft = make_draft("Secret", tags=["secret-tag"])
    topic = make_topic("GIL")
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    locations = {loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")}
    assert f"http://testserver{public.get_absolute_url()}" in locations
    assert f"http://testserver{topic.get_absolute_url()}" in locations
    assert "http://testserver/tags/public-tag/" in locations
    assert f"http://testserver{draft.get_absolute_url()}" not in locations
    assert "http://testserver/tags/secret-tag/" not in locations


def test_feed_entries_carry_their_notes_language(client):
    make_note("协程笔记", body="关于协程的笔记，协程是用户空间的线程。")
    make_note("Closures", body="A closure keeps the variables it uses.")
    feed = ET.fromstring(client.get(reverse("feed-atom")).content)
    langs = {
        entry.find(f"{ATOM}title").text: entry.get("{http://www.w3.org/XML/1998/namespace}lang")
        for entry in feed.findall(f"{ATOM}entry")
    }
    assert langs == {"协程笔记": "zh", "Closures": "en"}
    rss = ET.fromstring(client.get(reverse("feed-rss")).content)
    assert [
        item.get("{http://www.w3.org/XML/1998/namespace}lang") for item in rss.iter("item")
    ] == [
        "en",
        "zh",
    ]


def feed_links(page: str) -> list[str]:
    """The href of every <link rel="alternate" type="application/atom+xml"> in a page."""
    import re

    return re.findall(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"', page)


def test_every_page_announces_the_site_feed_and_shows_it_in_the_footer(client):
    note = make_note("协程笔记", tags=["协程"])
    for url in ["/", "/notes/", note.get_absolute_url(), "/tags/", "/search/?q=x"]:
        page = client.get(url).content.decode()
        assert feed_links(page)[0] == reverse("feed-atom"), url
        assert f'class="feed-link" href="{reverse("feed-atom")}"' in page, url


def test_tag_and_category_pages_announce_and_show_their_own_feed(client):
    category = make_category("并发")
    note = make_note("协程笔记", tags=["协程"], category=category)
    tag = note.tags.get()
    for page_url, feed_url in [
        (tag.get_absolute_url(), reverse("feed-tag-atom", args=[tag.slug])),
        (category.get_absolute_url(), reverse("feed-category-atom", args=[category.slug])),
    ]:
        page = client.get(page_url).content.decode()
        assert feed_links(page) == [reverse("feed-atom"), feed_url]
        assert f'class="feed-link" href="{feed_url}"' in page
        assert client.get(feed_url).status_code == 200


def test_favicon_is_served_at_the_address_browsers_ask_for(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)


def test_feeds_of_a_note_with_terminal_colours_in_its_body_parse(client):
    category = make_category("Testing")
    make_note("Pytest", body="```\n\x1b[31mFAILED\x1b[0m test_x\n```", tags=["pytest"],
              category=category)  # fmt: skip
    for name, args in [("feed-rss", []), ("feed-atom", []), ("feed-tag-rss", ["pytest"]),
                       ("feed-tag-atom", ["pytest"]), ("feed-category-rss", [category.slug]),
                       ("feed-category-atom", [category.slug])]:  # fmt: skip
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert b"\x1b" not in response.content, name
        ET.fromstring(response.content)


def test_feeds_of_a_note_whose_old_title_holds_a_form_feed_parse(client):
    category = make_category("Web")
    note = make_note("Page", body="text", tags=["pages"], category=category)
    # Stored before titles and names were checked, as validation would now refuse them.
    Note.objects.filter(pk=note.pk).update(title="Page\x0cbreak\x0b")
    Category.objects.filter(pk=category.pk).update(name="Web\x0c")
    Tag.objects.filter(name="pages").update(name="pages\x1b[0m")
    assert rss_titles(client.get(reverse("feed-rss"))) == ["Pagebreak"]
    atom = ET.fromstring(client.get(reverse("feed-tag-atom", args=["pages"])).content)
    assert atom.find(f"{ATOM}title").text == "Python Notes: notes tagged pages"
    assert atom.find(f"{ATOM}entry/{ATOM}title").text == "Pagebreak"
    rss = ET.fromstring(client.get(reverse("feed-category-rss", args=[category.slug])).content)
    assert rss.find("channel/title").text == "Python Notes: notes in Web"
    assert rss.find("channel/item/category").text == "Web"
