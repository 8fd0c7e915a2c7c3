"""Every change to a note is kept: history, comparing versions, reverting, recovering,
and refusing to overwrite a note someone else saved meanwhile."""

import pytest
from django.urls import reverse

from notes.models import Note
from tests.factories import make_note

pytestmark = pytest.mark.django_db


def change_form_data(note: Note, **overrides) -> dict:
    data = {
        "title": note.title,
        "slug": note.slug,
        "status": note.status,
        "category": "",
        "tags": ", ".join(note.tags.names()),
        "body": note.body,
        "excerpt": note.excerpt,
        "created_0": note.created.strftime("%Y-%m-%d"),
        "created_1": note.created.strftime("%H:%M:%S"),
        "front_matter": "{}",
        "format": "markdown",
        "seen_version": str(note.version),
    }
    data.update(overrides)
    return data


def test_every_save_is_kept_in_history_with_its_tags():
    note = make_note("Closures", body="v1", tags=["闭包"])
    note.body = "v2"
    note.save()
    note.tags.set(["闭包", "函数"])
    records = list(note.history.order_by("history_date"))
    assert [record.body for record in records] == ["v1", "v2"]
    assert records[0].tag_names == "闭包"
    assert records[1].tag_names == "函数, 闭包"


def test_admin_history_page_lists_versions_with_a_compare_link(admin_client):
    note = make_note("Closures", body="first")
    admin_client.post(
        reverse("admin:notes_note_change", args=[note.pk]),
        change_form_data(note, body="second"),
    )
    response = admin_client.get(reverse("admin:notes_note_history", args=[note.pk]))
    assert response.status_code == 200
    assert "compare with the version before" in response.content.decode()


def test_compare_shows_the_body_diff_and_changed_fields_escaped(admin_client):
    note = make_note("Old <b>title</b>", body="line one\nline two\n")
    note.title = "New title"
    note.body = "line one\nline 2 <script>x</script>\n"
    note.save()
    old, new = note.history.order_by("history_date")
    response = admin_client.get(
        reverse("admin:notes_note_compare", args=[note.pk]),
        {"old": old.history_id, "new": new.history_id},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert '<span class="diff-sign">−</span>line two</td>' in content
    assert '<span class="diff-sign">+</span>line 2 &lt;script&gt;x&lt;/script&gt;</td>' in content
    assert "Old &lt;b&gt;title&lt;/b&gt;" in content


def test_compare_with_unknown_versions_is_404(admin_client):
    note = make_note()
    url = reverse("admin:notes_note_compare", args=[note.pk])
    assert admin_client.get(url, {"old": "x", "new": "1"}).status_code == 404
    assert admin_client.get(url, {"old": "999", "new": "998"}).status_code == 404


def test_reverting_to_an_old_version_restores_body_and_tags(admin_client):
    note = make_note("Closures", body="the original", tags=["闭包"])
    note.body = "a bad edit"
    note.save()
    note.tags.set(["wrong"])
    first = note.history.earliest("history_date")
    url = reverse("admin:notes_note_simple_history", args=[note.pk, first.history_id])
    form_page = admin_client.get(url)
    assert form_page.context["adminform"].form.initial["tags"] == "闭包"
    current = Note.objects.get(pk=note.pk)
    response = admin_client.post(
        url,
        change_form_data(
            current, body="the original", tags="闭包", seen_version=str(current.version)
        ),
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.body == "the original"
    assert list(note.tags.names()) == ["闭包"]
    assert note.version > current.version


def test_a_deleted_note_can_be_recovered(admin_client):
    note = make_note("Lost note", body="precious", tags=["keep"])
    pk = note.pk
    note.delete()
    listing = admin_client.get(reverse("admin:notes_note_deleted"))
    assert "Lost note" in listing.content.decode()
    last = Note.history.filter(id=pk).exclude(history_type="-").latest("history_date")
    url = reverse("admin:notes_note_simple_history", args=[pk, last.history_id])
    form = admin_client.get(url).context["adminform"].form
    assert form.initial["tags"] == "keep"
    data = change_form_data(last.instance, tags="keep", seen_version="")
    assert admin_client.post(url, data).status_code == 302
    restored = Note.objects.get(pk=pk)
    assert restored.body == "precious"
    assert list(restored.tags.names()) == ["keep"]
    assert "precious" in restored.body_html
    assert list(admin_client.get(reverse("admin:notes_note_deleted")).context["deleted"]) == []


def test_stale_edit_is_refused_with_what_changed_and_nothing_is_lost(admin_client):
    note = make_note("Shared note", body="original")
    stale = change_form_data(note, body="my edit")
    # Someone else saves first.
    note.body = "their edit"
    note.save()
    response = admin_client.post(reverse("admin:notes_note_change", args=[note.pk]), stale)
    assert response.status_code == 200
    content = response.content.decode()
    assert "changed by" in content and "after you opened it" in content
    assert "body" in content
    # The refused form still holds my text, and their text is what is saved.
    assert response.context["adminform"].form.data["body"] == "my edit"
    note.refresh_from_db()
    assert note.body == "their edit"


def test_fresh_edit_is_saved_and_bumps_the_version(admin_client):
    note = make_note("Solo", body="v1")
    before = note.version
    response = admin_client.post(
        reverse("admin:notes_note_change", args=[note.pk]), change_form_data(note, body="v2")
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.body == "v2"
    assert note.version == before + 1


@pytest.mark.parametrize("seen", ["", None])
def test_an_edit_without_the_version_it_saw_is_refused_as_stale(admin_client, seen):
    note = make_note("Shared note", body="original")
    data = change_form_data(note, body="my edit", seen_version=seen or "")
    if seen is None:
        del data["seen_version"]
    response = admin_client.post(reverse("admin:notes_note_change", args=[note.pk]), data)
    assert response.status_code == 200
    assert "which version of the note it was opened on" in response.content.decode()
    assert response.context["adminform"].form.data["body"] == "my edit"
    note.refresh_from_db()
    assert note.body == "original"


def test_body_diff_numbers_lines_and_marks_the_gaps_between_changes():
    from notes.admin.history import body_diff

    old = "\n".join(f"line {n}" for n in range(1, 11))
    new = old.replace("line 2", "line two").replace("line 9", "line nine")
    rows = [(row.kind, row.old_number, row.new_number, row.text) for row in body_diff(old, new)]
    assert rows[:5] == [
        ("same", 1, 1, "line 1"),
        ("removed", 2, None, "line 2"),
        ("added", None, 2, "line two"),
        ("same", 3, 3, "line 3"),
        ("same", 4, 4, "line 4"),
    ]
    assert ("gap", None, None, "") in rows
    assert rows[-3:] == [
        ("removed", 9, None, "line 9"),
        ("added", None, 9, "line nine"),
        ("same", 10, 10, "line 10"),
    ]


def test_history_lists_when_who_and_what_changed_in_readable_columns(admin_client):
    from django.utils.timezone import localtime

    note = make_note("Closures", body="one\ntwo\nthree\n", tags=["闭包"])
    # As the form shows it: local time, whole seconds.
    shown = localtime(note.created)
    admin_client.post(
        reverse("admin:notes_note_change", args=[note.pk]),
        change_form_data(
            note, title="Closures again", body="one\n2\nthree\nfour\n",
            created_0=shown.strftime("%Y-%m-%d"), created_1=shown.strftime("%H:%M:%S"),
        ),
    )  # fmt: skip
    response = admin_client.get(reverse("admin:notes_note_history", args=[note.pk]))
    page = response.content.decode()
    for label in ("When", "Who", "What changed"):
        assert f'<th scope="col">{label}</th>' in page
    assert "COMPARE_WITH_PREVIOUS" not in page.upper().replace("COMPARE WITH", "")
    assert "compare_with_previous" not in page
    assert "Change reason" not in page and "None" not in page
    assert '<span class="changed-fields">title</span>' in page
    assert '<span class="lines-added">+2</span> <span class="lines-removed">−1</span>' in page
    assert "Created" in page
    assert 'style="' not in page
    when = response.context["page_obj"][0].history_date
    assert localtime(when).strftime("%Y-%m-%d %H:%M") in page


def test_history_of_a_page_of_versions_costs_the_same_queries_however_long(
    admin_client, django_assert_max_num_queries
):
    note = make_note("Many", body="v0")
    for number in range(1, 30):
        note.body = f"v{number}"
        note.save()
    with django_assert_max_num_queries(12):
        admin_client.get(reverse("admin:notes_note_history", args=[note.pk]))


def test_compare_page_names_the_note_and_writes_dates_in_the_site_format(admin_client):
    from django.utils.timezone import localtime

    note = make_note("闭包笔记", body="a\nb\n")
    note.body = "a\nc\n"
    note.status = Note.Status.DRAFT
    note.save()
    old, new = note.history.order_by("history_date")
    response = admin_client.get(
        reverse("admin:notes_note_compare", args=[note.pk]),
        {"old": old.history_id, "new": new.history_id},
    )
    page = response.content.decode()
    breadcrumbs = page.split('<div class="breadcrumbs">')[1].split("</div>")[0]
    assert (
        f'<a href="{reverse("admin:notes_note_change", args=[note.pk])}">闭包笔记</a>'
        in breadcrumbs
    )
    assert localtime(new.history_date).strftime("%Y-%m-%d %H:%M") in page
    assert "m.." not in page
    assert '<td class="before">Published</td><td class="after">Draft</td>' in page
    assert 'style="' not in page


def test_the_history_model_is_importable_where_the_shell_looks_for_it():
    from io import StringIO

    from django.core.management import call_command

    from notes.models import HistoricalNote, Note

    assert HistoricalNote is Note.history.model
    out, err = StringIO(), StringIO()
    call_command("shell", command="pass", verbosity=2, stdout=out, stderr=err)
    assert "could not be automatically imported" not in out.getvalue() + err.getvalue()
    assert "from notes.models import" in out.getvalue()
    assert "HistoricalNote" in out.getvalue()


def test_reading_a_notes_history_reuses_one_manager_class_and_keeps_it_to_that_note():
    # Building a manager class at every access was a measurable part of each save.
    first = make_note("Closures", body="v1")
    second = make_note("Coroutines", body="v1")
    first.body = "v2"
    first.save()
    assert type(first.history) is type(second.history)
    assert [record.body for record in first.history.order_by("history_date")] == ["v1", "v2"]
    assert [record.title for record in second.history.all()] == ["Coroutines"]
    assert Note.history.count() == 3
