import pytest
from django.urls import reverse

from tests.factories import make_category, make_draft, make_note

pytestmark = pytest.mark.django_db


def test_home_shows_recent_notes_categories_and_tag_cloud(client):
    category = make_category("并发编程")
    make_note("全局解释器锁 GIL", category=category, tags=["GIL", "并发"])
    response = client.get(reverse("notes:home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "全局解释器锁 GIL" in content
    assert 'href="/categories/%E5%B9%B6%E5%8F%91%E7%BC%96%E7%A8%8B/"' in content
    assert "并发编程" in content
    assert 'href="/tags/%E5%B9%B6%E5%8F%91/"' in content


def test_note_page_shows_body_toc_category_tags_and_neighbours(client):
    category = make_category("内存管理")
    make_note("Older note")
    note = make_note(
        "垃圾回收",
        body="## 引用计数\n\ntext\n\n## 分代回收\n\n```python\nimport gc\n```\n",
        category=category,
        tags=["垃圾回收"],
    )
    make_note("Newer note")
    response = client.get(note.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert '<h2 id="引用计数">' in content
    assert '<a href="#分代回收">分代回收</a>' in content
    assert '<span class="kn">import</span>' in content
    assert "内存管理" in content
    assert "#垃圾回收" in content
    assert "Older note" in content and "Newer note" in content


def test_note_title_and_tags_are_escaped(client):
    note = make_note("<b>bold</b> title", tags=["<i>x</i>"])
    content = client.get(note.get_absolute_url()).content.decode()
    assert "<b>bold</b>" not in content
    assert "&lt;b&gt;bold&lt;/b&gt; title" in content
    assert "<i>x</i>" not in content


def test_note_list_is_paginated(client, settings):
    for index in range(25):
        make_note(f"Note number {index}")
    first = client.get(reverse("notes:note-list"))
    second = client.get(reverse("notes:note-list"), {"page": 2})
    assert len(first.context["page_obj"].object_list) == 20
    assert len(second.context["page_obj"].object_list) == 5
    assert "Page 1 of 2" in first.content.decode()


def test_page_number_out_of_range_is_404(client):
    make_note()
    assert client.get(reverse("notes:note-list"), {"page": 9}).status_code == 404
    assert client.get(reverse("notes:note-list"), {"page": "abc"}).status_code == 404


def test_category_page_lists_notes_of_its_subcategories(client):
    parent = make_category("编程")
    child = make_category("并发编程", parent=parent)
    make_note("In child", category=child)
    make_note("Elsewhere")
    response = client.get(parent.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "In child" in content
    assert "Elsewhere" not in content
    assert child.get_absolute_url() in content


def test_category_list_counts_published_notes_only(client):
    category = make_category("Memory")
    make_note(category=category)
    make_draft(category=category)
    response = client.get(reverse("notes:category-list"))
    assert {c.pk: c.num_notes for c in response.context["categories"]}[category.pk] == 1


def test_tag_page_lists_tagged_notes(client):
    make_note("协程入门", tags=["协程"])
    make_note("Untagged")
    response = client.get(reverse("notes:tag-detail", kwargs={"slug": "协程"}))
    assert response.status_code == 200
    content = response.content.decode()
    assert "协程入门" in content
    assert "Untagged" not in content


def test_all_tags_page_lists_tags_with_counts(client):
    make_note(tags=["Python", "并发"])
    make_note(tags=["Python"])
    response = client.get(reverse("notes:tag-list"))
    counts = {tag.name: tag.num_notes for tag in response.context["tags"]}
    assert counts == {"Python": 2, "并发": 1}


@pytest.mark.parametrize(
    "url",
    ["/notes/no-such-note/", "/categories/没有/", "/tags/nothing-here/", "/nowhere/"],
)
def test_unknown_addresses_get_the_styled_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "css/site.css" in response.content.decode()


class TestDrafts:
    def test_draft_note_is_404_for_anonymous_user(self, client):
        assert client.get(make_draft("Secret").get_absolute_url()).status_code == 404

    def test_draft_note_is_404_for_logged_in_non_staff_user(self, reader_client):
        assert reader_client.get(make_draft("Secret").get_absolute_url()).status_code == 404

    def test_draft_note_is_visible_to_staff_with_a_badge(self, staff_client):
        response = staff_client.get(make_draft("Secret").get_absolute_url())
        assert response.status_code == 200
        assert "badge-draft" in response.content.decode()

    def test_drafts_are_missing_from_every_list_for_readers(self, client):
        category = make_category("Hidden things")
        make_draft("Secret draft", category=category, tags=["secret-tag"])
        make_note("Public note", category=category)
        for url in [
            reverse("notes:home"),
            reverse("notes:note-list"),
            category.get_absolute_url(),
            reverse("notes:tag-list"),
        ]:
            content = client.get(url).content.decode()
            assert "Secret draft" not in content, url
            assert "secret-tag" not in content, url

    def test_tag_carried_only_by_drafts_is_404_for_readers(self, client):
        make_draft(tags=["secret-tag"])
        assert client.get(reverse("notes:tag-detail", args=["secret-tag"])).status_code == 404

    def test_neighbour_links_skip_drafts_for_readers(self, client):
        from datetime import timedelta

        from django.utils import timezone

        now = timezone.now()
        note = make_note("Visible", created=now)
        make_draft("Secret neighbour", created=now + timedelta(hours=1))
        assert "Secret neighbour" not in client.get(note.get_absolute_url()).content.decode()


def test_language_switch_renders_the_interface_in_chinese(client):
    make_note("A note")
    response = client.get(reverse("notes:switch-language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    content = client.get(reverse("notes:home")).content.decode()
    assert '<html lang="zh-hans">' in content
    assert "最近的笔记" in content


def test_accept_language_header_picks_chinese(client):
    content = client.get(reverse("notes:home"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "最近的笔记" in content


def test_language_switch_refuses_to_redirect_elsewhere(client):
    response = client.get(
        reverse("notes:switch-language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_unknown_language_is_ignored(client):
    response = client.get(reverse("notes:switch-language"), {"language": "xx", "next": "/"})
    assert "django_language" not in response.cookies


def test_health_check_answers_ok_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_a_chinese_note_says_lang_zh_whatever_the_interface_language(client):
    note = make_note("协程", body="协程是一种用户空间的线程，由程序自己调度。")
    content = client.get(note.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in content
    assert '<article class="note" lang="zh">' in content
    home = client.get(reverse("notes:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<article class="note-card" lang="zh">' in home


def test_staff_can_override_a_notes_language(client):
    note = make_note("Mixed", body="协程是一种用户空间的线程。", language="en")
    assert note.lang == "en"
    content = client.get(note.get_absolute_url()).content.decode()
    assert '<article class="note" lang="en">' in content


def test_a_plain_text_note_page_keeps_its_lines_and_highlights_its_code(client):
    body = "第一行，写在这里。\n\t缩进的第二行\n\nimport os\npid = os.fork()\n"
    note = make_note("纯文本", body=body, format="text")
    content = client.get(note.get_absolute_url()).content.decode()
    assert '<p class="plain">第一行，写在这里。\n\t缩进的第二行</p>' in content
    assert '<div class="highlight"><pre id="code-1">' in content
