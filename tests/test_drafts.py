"""Drafts are invisible to anyone but staff, page by page."""

import json
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_category, make_draft, make_note, make_topic, make_user

pytestmark = pytest.mark.django_db

SECRET = "Secretdraftzzz"


@pytest.fixture
def world():
    category = make_category("Shared category")
    topic = make_topic("GIL")
    public = make_note("Public note", body="The GIL.", category=category, tags=["shared"])
    draft = make_draft(
        SECRET,
        body=f"The GIL again. See [[Public note]]. {SECRET}",
        category=category,
        tags=["shared", "draftonlytag"],
    )
    return {"category": category, "topic": topic, "public": public, "draft": draft}


def readers():
    anonymous = Client()
    member = Client()
    member.force_login(make_user())
    return {"anonymous": anonymous, "logged-in non-staff": member}


def urls(world) -> list[str]:
    return [
        "/",
        "/notes/",
        "/categories/",
        world["category"].get_absolute_url(),
        "/tags/",
        "/tags/shared/",
        world["topic"].get_absolute_url(),
        world["public"].get_absolute_url(),
        "/map/",
        "/map.opml",
        "/map.mm",
        "/map.json",
        "/feeds/rss/",
        "/feeds/atom/",
        "/feeds/tags/shared/rss/",
        f"/feeds/categories/{world['category'].slug}/atom/",
        "/sitemap.xml",
        "/search/?q=GIL",
        "/search/?tag=shared",
        "/search/tags.json?q=draft",
    ]


def test_no_page_shows_a_draft_to_readers(world):
    for who, client in readers().items():
        for url in urls(world):
            response = client.get(url)
            assert response.status_code == 200, (who, url)
            content = response.content.decode().lower()
            assert SECRET.lower() not in content, (who, url)
            assert "draftonlytag" not in content, (who, url)


def test_draft_pages_and_draft_only_tags_are_404_for_readers(world):
    for who, client in readers().items():
        assert client.get(world["draft"].get_absolute_url()).status_code == 404, who
        assert client.get("/tags/draftonlytag/").status_code == 404, who
        assert client.get("/feeds/tags/draftonlytag/rss/").status_code == 404, who


def test_counts_leave_drafts_out_for_readers(world, admin_client):
    category_counts = Client().get("/categories/").context["categories"]
    assert {c.pk: c.num_notes for c in category_counts}[world["category"].pk] == 1
    tags = {tag.name: tag.num_notes for tag in Client().get("/tags/").context["tags"]}
    assert tags == {"shared": 1}
    topic_page = Client().get(world["topic"].get_absolute_url())
    assert topic_page.context["paginator"].count == 1
    gil = json.loads(Client().get("/map.json").content)["topics"][0]
    assert gil["notes"] == 1
    assert json.loads(admin_client.get("/map.json").content)["topics"][0]["notes"] == 2


def test_backlinks_from_drafts_are_hidden_from_readers(world, admin_client):
    url = world["public"].get_absolute_url()
    assert list(Client().get(url).context["linked_from"]) == []
    assert [n.title for n in admin_client.get(url).context["linked_from"]] == [SECRET]


def test_staff_see_drafts_on_lists_and_pages(world, admin_client):
    assert SECRET in admin_client.get("/notes/").content.decode()
    assert admin_client.get(world["draft"].get_absolute_url()).status_code == 200
    assert SECRET in admin_client.get(world["topic"].get_absolute_url()).content.decode()


def test_feeds_and_sitemap_never_list_drafts_even_for_staff(world, admin_client):
    rss = ET.fromstring(admin_client.get("/feeds/rss/").content)
    assert SECRET not in [item.findtext("title") for item in rss.iter("item")]
    assert SECRET.lower() not in admin_client.get(reverse("sitemap")).content.decode().lower()


def test_searching_for_a_drafts_words_finds_nothing_for_readers(world, admin_client):
    for who, client in readers().items():
        response = client.get("/search/", {"q": SECRET})
        assert list(response.context["page_obj"].object_list) == [], who
    staff = admin_client.get("/search/", {"q": SECRET}).context["page_obj"].object_list
    assert len(list(staff)) == 1


def test_a_link_to_a_draft_reads_like_a_link_to_nothing_for_readers(client, admin_client):
    body = "Before [[secretdraftzzz|the plan]] and [[secretdraftzzz]]."
    make_draft("SecretDraftZZZ", slug="hidden-slug-zzz")
    public = make_note("Links out", body=body)
    nowhere = make_note("Links nowhere", body=body.replace("secretdraftzzz", "nothingzzz"))
    page = client.get(public.get_absolute_url()).content.decode()
    assert "hidden-slug-zzz" not in page
    assert "SecretDraftZZZ" not in page
    expected = nowhere.body_html.replace("nothingzzz", "secretdraftzzz")
    assert expected in page
    staff_page = admin_client.get(public.get_absolute_url()).content.decode()
    assert 'href="/notes/hidden-slug-zzz/"' in staff_page


def test_a_link_to_a_published_note_stays_a_link_for_readers(client):
    make_note("Open plan", slug="open-plan")
    public = make_note("Links out", body="See [[open plan]].")
    assert 'href="/notes/open-plan/"' in client.get(public.get_absolute_url()).content.decode()


@pytest.fixture
def draft_only_category():
    parent = make_category("Outer")
    hidden = make_category("Onlydraftscat", parent=parent)
    make_draft("Draft in it", category=hidden)
    make_note("Published elsewhere", category=make_category("Visible cat"))
    return hidden


def test_a_category_holding_only_drafts_is_hidden_from_readers(client, draft_only_category):
    hidden = draft_only_category
    for url in ["/", "/categories/", "/search/", "/categories/outer/"]:
        response = client.get(url)
        assert "Onlydraftscat" not in response.content.decode(), url
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(f"/feeds/categories/{hidden.slug}/rss/").status_code == 404
    assert client.get(f"/feeds/categories/{hidden.slug}/atom/").status_code == 404
    sitemap = client.get(reverse("sitemap")).content.decode()
    assert hidden.get_absolute_url() not in sitemap
    assert "/categories/outer/" not in sitemap  # nothing published below it either
    assert "Visible cat" in client.get("/categories/").content.decode()


def test_staff_still_see_a_category_holding_only_drafts(admin_client, draft_only_category):
    assert "Onlydraftscat" in admin_client.get("/categories/").content.decode()
    assert admin_client.get(draft_only_category.get_absolute_url()).status_code == 200


def test_category_counts_include_sub_categories(client):
    parent = make_category("Parentcat")
    child = make_category("Childcat", parent=parent)
    make_note("In child", category=child)
    make_note("In parent", category=parent)
    page = client.get("/categories/").content.decode()
    assert 'Parentcat</a> <span class="count">2</span>' in page
    assert 'Childcat</a> <span class="count">1</span>' in page


def test_staff_who_may_add_notes_can_create_a_missing_note_from_its_link(client, admin_client):
    from urllib.parse import quote

    note = make_note("Linker", body="See [[不存在的笔记]].")
    add_url = reverse("admin:notes_note_add") + "?title=" + quote("不存在的笔记")
    assert add_url in admin_client.get(note.get_absolute_url()).content.decode()
    reader_page = client.get(note.get_absolute_url()).content.decode()
    assert '<a class="missing-link" title="不存在的笔记">不存在的笔记</a>' in reader_page
    assert reverse("admin:notes_note_add") not in reader_page
    form = admin_client.get(add_url)
    assert form.context["adminform"].form.initial["title"] == "不存在的笔记"


def test_staff_without_add_permission_keep_the_plain_missing_link(client):
    from django.contrib.auth.models import Permission

    viewer = make_user(staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_note"))
    client.force_login(viewer)
    note = make_note("Linker", body="See [[不存在的笔记]].")
    page = client.get(note.get_absolute_url()).content.decode()
    assert '<a class="missing-link" title="不存在的笔记">' in page
    assert reverse("admin:notes_note_add") not in page


def test_searching_a_category_of_drafts_reads_as_searching_an_unknown_one(
    client, admin_client, draft_only_category
):
    def searched(category: str) -> str:
        page = client.get(reverse("notes:search"), {"category": category}).content.decode()
        return page.replace(category, "<asked>")

    assert searched(draft_only_category.slug) == searched("no-such-category-zzz")
    staff_page = admin_client.get(reverse("notes:search"), {"category": draft_only_category.slug})
    assert "Draft in it" in staff_page.content.decode()
