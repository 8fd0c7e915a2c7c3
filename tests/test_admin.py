import pytest
from django.urls import reverse

from notes.models import Note
from notes.preview_slots import NoSlot, preview_slot
from tests.factories import make_note, new_note_form

pytestmark = pytest.mark.django_db


def test_anonymous_user_is_redirected_to_the_admin_login(client):
    response = client.get(reverse("admin:notes_note_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_non_staff_user_cannot_reach_the_admin(reader_client):
    response = reader_client.get(reverse("admin:notes_note_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_can_list_filter_and_search_notes(staff_client):
    make_note("Closures", tags=["闭包"])
    make_note("Threads")
    url = reverse("admin:notes_note_changelist")
    assert staff_client.get(url).status_code == 200
    response = staff_client.get(url, {"q": "Closures"})
    assert list(response.context["cl"].result_list) == [Note.objects.get(title="Closures")]
    response = staff_client.get(
        url, {"tags__id__exact": Note.objects.get(title="Closures").tags.get().pk}
    )
    assert [note.title for note in response.context["cl"].result_list] == ["Closures"]


def test_staff_can_create_a_note_with_chinese_tags(staff_client):
    response = staff_client.post(
        reverse("admin:notes_note_add"),
        {
            "title": "协程笔记",
            "slug": "",
            "status": "published",
            "tags": "协程, asyncio",
            "body": "## async\n\n`await`",
            "excerpt": "",
            "created_0": "2024-05-01",
            "created_1": "10:00:00",
            "front_matter": "{}",
            "format": "markdown",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    note = Note.objects.get()
    assert note.slug == "协程笔记"
    assert sorted(note.tags.names()) == ["asyncio", "协程"]
    assert "<code>await</code>" in note.body_html


def test_empty_title_in_the_admin_is_refused_with_a_message(staff_client):
    response = staff_client.post(
        reverse("admin:notes_note_add"),
        {"title": "  ", "status": "draft", "body": "kept", "created_0": "2024-05-01",
         "created_1": "10:00:00", "front_matter": "{}", "format": "markdown"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Note.objects.count() == 0


def test_change_page_shows_the_rendered_preview(staff_client):
    note = make_note(body="**bold body**")
    response = staff_client.get(reverse("admin:notes_note_change", args=[note.pk]))
    assert response.status_code == 200
    assert "<strong>bold body</strong>" in response.content.decode()


def test_live_preview_renders_sanitised_markdown_for_staff(staff_client):
    response = staff_client.post(
        reverse("admin:notes_note_preview"), {"body": "##标题\n<script>x()</script>"}
    )
    assert response.status_code == 200
    html = response.json()["html"]
    assert '<h2 id="标题">' in html
    assert "<script" not in html


def test_live_preview_is_closed_to_anonymous_users(client):
    response = client.post(reverse("admin:notes_note_preview"), {"body": "x"})
    assert response.status_code == 302


def test_publish_action_publishes_selected_drafts(staff_client):
    note = make_note(status=Note.Status.DRAFT)
    staff_client.post(
        reverse("admin:notes_note_changelist"),
        {"action": "publish", "_selected_action": [note.pk]},
    )
    note.refresh_from_db()
    assert note.status == Note.Status.PUBLISHED


def test_staff_can_switch_a_note_to_plain_text_and_set_its_language(staff_client):
    note = make_note("Plain", body="# not a heading\n\tindented")
    response = staff_client.post(
        reverse("admin:notes_note_change", args=[note.pk]),
        {"title": "Plain", "slug": note.slug, "status": "published", "tags": "",
         "body": "# not a heading\n\tindented", "excerpt": "", "created_0": "2024-05-01",
         "created_1": "10:00:00", "front_matter": "{}", "format": "text", "language": "zh",
         "seen_version": note.version},
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    note.refresh_from_db()
    assert note.body_html == '<p class="plain"># not a heading\n\tindented</p>'
    assert (note.format, note.lang) == ("text", "zh")


def test_admin_is_branded_with_the_site_name_in_both_languages(staff_client):
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert "Python Notes administration" in page
    assert "Django administration" not in page
    page = staff_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "Python 笔记管理" in page.content.decode()


def test_links_admin_shows_a_broken_link_as_a_red_cross(staff_client):
    make_note("Linker", body="See [[Nowhere]].")
    page = staff_client.get(reverse("admin:notes_notelink_changelist")).content.decode()
    assert "Target found" in page
    assert "icon-no.svg" in page
    assert "icon-yes.svg" not in page


def test_import_page_loads_the_admin_form_styles(staff_client):
    page = staff_client.get(reverse("admin:notes_note_import")).content.decode()
    assert "admin/css/forms.css" in page
    # files, status, written date, trim clipping, dry run
    assert page.count('class="flex-container') == 5


TOO_COMPLEX_IN_NO_TIME = (
    "This note is too complex to render in 0 seconds: split it into shorter notes, "
    "or simplify its longest paragraphs and deepest nesting."
)


def test_live_preview_of_a_body_too_complex_answers_with_a_sentence(staff_client, settings):
    settings.RENDER_BUDGET_SECONDS = 0
    response = staff_client.post(reverse("admin:notes_note_preview"), {"body": "*x*"})
    assert response.status_code == 422
    assert response.json() == {"error": TOO_COMPLEX_IN_NO_TIME}


def test_live_preview_of_deep_nesting_renders(staff_client):
    body = "".join("    " * level + f"- level {level}\n" for level in range(400))
    response = staff_client.post(reverse("admin:notes_note_preview"), {"body": body})
    assert response.status_code == 200
    assert "level 399" in response.json()["html"]


def test_a_second_live_preview_while_one_renders_is_told_to_wait(staff_client, settings, tmp_path):
    settings.PREVIEW_LOCK_DIR = tmp_path
    user = staff_client.get(reverse("admin:index")).wsgi_request.user
    url = reverse("admin:notes_note_preview")
    with preview_slot(tmp_path, str(user.pk), site_slots=2):  # this user's, still rendering
        response = staff_client.post(url, {"body": "x"})
        assert response.status_code == 429
        assert response["Retry-After"] == "1"
        assert "still being made" in response.json()["error"]
    assert staff_client.post(url, {"body": "x"}).status_code == 200
    # Released once answered: the next one renders too.
    assert staff_client.post(url, {"body": "y"}).status_code == 200


def test_previews_wait_while_the_site_renders_as_many_as_it_allows(
    staff_client, settings, tmp_path
):
    settings.PREVIEW_LOCK_DIR = tmp_path
    settings.PREVIEW_SITE_SLOTS = 1
    url = reverse("admin:notes_note_preview")
    with preview_slot(tmp_path, "another-user", site_slots=1):
        response = staff_client.post(url, {"body": "x"})
        assert response.status_code == 429
        assert "Other previews are being made" in response.json()["error"]
    assert staff_client.post(url, {"body": "x"}).status_code == 200


def test_preview_slots_are_one_per_user_and_a_few_for_the_site(tmp_path):
    with preview_slot(tmp_path, "alice", site_slots=2):
        with pytest.raises(NoSlot) as busy, preview_slot(tmp_path, "alice", site_slots=2):
            pass
        assert busy.value.mine
        with preview_slot(tmp_path, "bob", site_slots=2):
            with pytest.raises(NoSlot) as busy, preview_slot(tmp_path, "carol", site_slots=2):
                pass
            assert not busy.value.mine
    with preview_slot(tmp_path, "carol", site_slots=2):
        pass


def test_saving_a_body_too_complex_to_render_is_refused_on_the_body_field(staff_client, settings):
    settings.RENDER_BUDGET_SECONDS = 0
    response = staff_client.post(
        reverse("admin:notes_note_add"),
        new_note_form(title="Deep", body="*x*"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"] == [TOO_COMPLEX_IN_NO_TIME]
    assert Note.objects.count() == 0
